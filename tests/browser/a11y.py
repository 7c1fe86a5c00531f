"""Accessibility checks with axe-core (vendored from the npm registry, injected by Playwright)."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's Content Security Policy
    # (script-src 'self', nothing inline) rightly blocks an injected <script>.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    return result["violations"]


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the current page."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"axe-core found serious/critical violations on {page.url}:\n{details}"
