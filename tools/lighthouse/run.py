"""`make lighthouse`: the ten main pages, on the demo data, at desktop and mobile emulation.

Starts the app the way `make run` does (runserver, DEBUG on), signs each demo user in
through the real login form, hands Lighthouse the session cookie, and prints the four
category scores per page. Lighthouse is the version pinned in tools/lighthouse/package.json,
installed in tools/lighthouse/node_modules (never globally); Chromium is CHROME_PATH
(default /usr/bin/chromium). JSON reports land in artifacts/lighthouse/.

Usage: python tools/lighthouse/run.py [--port 8765] [--only desktop|mobile] [--pages N]
"""

import argparse
import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "artifacts" / "lighthouse"
PASSWORD = "open-chair-demo"  # noqa: S105 - the public demo password (accounts/demo.py)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def main_pages() -> list[tuple[str, str | None, str]]:
    """(name, demo user or None, path) for the ten main pages of the demo."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from customers.models import Organisation
    from meetings.models import Meeting

    upcoming = (
        Meeting.objects.filter(owner__username="leader", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    organisation = Organisation.objects.order_by("name").first()
    return [
        ("Log in", None, "/accounts/login/"),
        ("Leader home", "leader", "/home/leader/"),
        ("Customers", "leader", "/customers/"),
        ("Organisation", "leader", f"/customers/{organisation.pk}/"),
        ("Meetings", "leader", "/meetings/"),
        ("Meeting", "leader", f"/meetings/{upcoming.pk}/"),
        ("Monthly rhythm", "leader", "/meetings/rhythm/"),
        ("Prep brief", "leader", f"/meetings/{upcoming.pk}/prep/brief/"),
        ("Dashboard", "executive", "/dashboard/"),
        ("Actions", "leader", "/actions/"),
    ]


def session_cookie(base: str, username: str) -> str:
    """Signs in through the login form; returns the Cookie header Lighthouse sends."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/")  # noqa: S310 - our own local server
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request)  # noqa: S310
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"Could not sign in as {username}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wait_for(base: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("The app did not start")


def lighthouse(url: str, *, form: str, cookie: str | None, out: Path) -> dict:
    """The four category scores (0-100) of one page; -1 when Lighthouse failed three times."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # Lighthouse now and then loses a trace (NO_NAVSTART) on a busy machine: try again.
    for attempt in range(3):
        done = subprocess.run(command, env=env, timeout=300, check=False)  # noqa: S603
        if done.returncode == 0:
            break
        if attempt == 2:
            return dict.fromkeys(CATEGORIES, -1)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", choices=["desktop", "mobile"])
    parser.add_argument("--pages", type=int, default=10, help="only the first N pages")
    parser.add_argument("--start", type=int, default=0, help="skip the first N pages")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make lighthouse`")
    pages = main_pages()[args.start : args.pages]
    base = f"http://127.0.0.1:{args.port}"
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base)
        cookies = {user: session_cookie(base, user) for _, user, _ in pages if user}
        forms = [args.only] if args.only else ["desktop", "mobile"]
        print(f"{'page':<16} {'form':<8} perf  a11y  best   seo")
        for name, user, path in pages:
            for form in forms:
                slug = "".join(c if c.isalnum() else "-" for c in name.lower())
                scores = lighthouse(
                    base + path,
                    form=form,
                    cookie=cookies.get(user),
                    out=OUT / f"{slug}-{form}.json",
                )
                print(
                    f"{name:<16} {form:<8} " + "  ".join(f"{scores[c]:>4}" for c in CATEGORIES),
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
