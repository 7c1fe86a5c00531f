"""The capture loop as a facilitator feels it (issue #25): Enter to the saved row on screen.

    python bench/bench_capture_browser.py                     # runserver, as `make run`
    python bench/bench_capture_browser.py --server gunicorn   # DEBUG off, as deployed

A real server (`manage.py runserver` as `make run` starts it, DEBUG on; or with
`--server gunicorn`, DEBUG off, collected static files and gunicorn's workers as the
Dockerfile runs it; either way the app's middleware, login, CSRF and transaction)
and Debian's Chromium: a facilitator types an item and presses Enter; the page notes the
keydown and the moment the saved row (numbered by the server) is in the list. Next to it,
in the same page and run, the floor: one logged-in round trip to the same server (the
capture page's quiet poll, fetched from the page), which any saved row must pay.
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import ROOT, drop_scratch, percentile, running_meeting, scratch_postgres, setup_django

scratch = scratch_postgres("capture_browser")
setup_django(scratch_sqlite="bench_capture_browser.sqlite3")

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connections  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from customers.models import Region  # noqa: E402
from meetings.models import Meeting  # noqa: E402

ITEMS = 40
PASSWORD = "bench-pass-word-123"  # noqa: S105
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Installed before the item is typed: sets window.benchLatency to the milliseconds from
# the Enter keydown to the saved row carrying `text` in the list (not the pending copy).
WATCH = """(text) => { window.benchLatency = null; new Promise((resolve) => {
  const list = document.getElementById("capture-items");
  let pressed = null;
  const onKey = (event) => { if (event.key === "Enter" && pressed === null) pressed = performance.now(); };
  document.addEventListener("keydown", onKey, true);
  const observer = new MutationObserver(() => {
    for (const row of list.querySelectorAll("li.capture-item[data-number]")) {
      if (row.textContent.includes(text)) {
        const shown = performance.now();
        observer.disconnect();
        document.removeEventListener("keydown", onKey, true);
        requestAnimationFrame(() => resolve(shown - pressed));
        return;
      }
    }
  });
  observer.observe(list, { childList: true, subtree: true });
}).then((ms) => { window.benchLatency = ms; }); }"""

ROUND_TRIP = """async (url) => {
  const started = performance.now();
  const response = await fetch(url, { credentials: "same-origin" });
  await response.text();
  return performance.now() - started;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def world() -> Meeting:
    facilitator = User.objects.create_user(username="bench-facilitator", password=PASSWORD)
    facilitator.groups.add(Group.objects.get_or_create(name=Role.FACILITATOR.value)[0])
    region = Region.objects.create(name="Bench", countries=["GB"], time_zone="Europe/London")
    return running_meeting("Bench capture in the browser", facilitator, region)


def serve(port: int, kind: str) -> subprocess.Popen:
    env = dict(os.environ)
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    if kind == "gunicorn":
        env |= {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_HTTPS": "0",  # plain http on the loopback; everything else as deployed
        }
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"]
    server = subprocess.Popen(  # noqa: S603 - our own server
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    kind = parser.parse_args().server

    meeting = world()
    connections.close_all()
    port = free_port()
    server = serve(port, kind)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-background-networking"],
            )
            page = browser.new_page(base_url=base)
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill("bench-facilitator")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/home/**")
            page.goto(f"/feedback/meetings/{meeting.pk}/capture/")
            field = page.get_by_role("textbox", name="What was said")
            poll = f"/feedback/meetings/{meeting.pk}/capture/poll/"
            loop, floor = [], []
            for n in range(1, ITEMS + 1):
                text = f"The portal logs us out every twenty minutes, visit {n}"
                page.evaluate(WATCH, text)
                field.fill(text)
                field.press("Enter")
                loop.append(
                    page.wait_for_function("() => window.benchLatency", timeout=30_000).json_value()
                )
                # Quiet: nothing newer than the row just saved.
                quiet = f"{poll}?since={n}&rev=0&from={max(1, n - 49)}"
                floor.append(page.evaluate(ROUND_TRIP, quiet))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    warm_loop, warm_floor = loop[3:], floor[3:]  # the first saves warm the server up
    load = os.getloadavg()
    print(f"capture in the browser, {ITEMS} items, {kind} (load {load[0]:.2f} {load[1]:.2f})")
    for label, values in (
        ("Enter to the saved row", warm_loop),
        ("floor (round trip)", warm_floor),
    ):
        print(
            f"  {label}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 95):.1f} ms, n={len(values)}"
        )
    print(f"  first save (cold server): {loop[0]:.1f} ms")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        drop_scratch(scratch)
