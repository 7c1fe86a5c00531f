"""Pictures of each design-system component for docs/design.md.

Renders the partials in templates/components/ with sample values into one page that
links static/css/app.css, and photographs each component with Chromium (Playwright).
Usage: .venv/bin/python tools/design_gallery.py  (writes docs/img/design/*.png)
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img" / "design"

GALLERY = """{% load static %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="CSS"></head><body><main class="page" style="max-width:60rem">
<section id="page-header">{% include "components/page_header.html" with title="Meetings" lede="Leadership meetings with customer guests, and customer panels." action_url="#" action_label="New meeting" action_icon="plus" back_url="#" back_label="Home" %}</section>
<section id="card"><div class="card"><h2>Your next meetings</h2><p>A card groups one topic: a heading, a few lines, a link or two.</p></div></section>
<section id="buttons"><div class="actions-row">
{% include "components/button.html" with url="#" label="New meeting" icon="plus" %}
{% include "components/button.html" with url="#" label="Monthly rhythm" icon="calendar" variant="secondary" %}
{% include "components/button.html" with label="Print" icon="printer" type="button" %}
{% include "components/button.html" with url="#" label="Export these to CSV" icon="download" variant="small" %}
{% include "components/button.html" with label="Erase" variant="danger" %}</div></section>
<section id="badges"><p class="actions-row">
{% include "components/badge.html" with label="Draft" %}
{% include "components/badge.html" with tone="info" label="Invited" %}
{% include "components/badge.html" with tone="ok" label="Accepted" %}
{% include "components/badge.html" with tone="warn" label="Never met" %}
{% include "components/badge.html" with tone="bad" label="Overdue" %}</p></section>
<section id="form-row"><form class="card form-card">{% for field in form %}{% include "components/form_row.html" %}{% endfor %}</form></section>
<section id="empty-state">{% include "components/empty_state.html" with title="No meetings here yet." text="Plan the next one: a leadership meeting with customer guests, or a panel." icon="calendar" action_url="#" action_label="New meeting" action_icon="plus" %}</section>
<section id="toasts" class="messages">{% for message in messages %}{% include "components/toast.html" %}{% endfor %}</section>
<section id="table"><div class="table-scroll" style="max-height:14rem;max-width:34rem" role="region" aria-label="Table" tabindex="0"><table>
<thead><tr><th scope="col">Country</th>{% for m in months %}<th scope="col">{{ m }}</th>{% endfor %}</tr></thead>
<tbody>{% for c in countries %}<tr><th scope="row">{{ c }}</th>{% for m in months %}<td>{% include "components/badge.html" with tone="info" label="9 "|add:m %}</td>{% endfor %}</tr>{% endfor %}</tbody></table></div></section>
</main></body></html>"""


class Message:
    def __init__(self, level_tag, text):
        self.level_tag = self.tags = level_tag
        self.text = text

    def __str__(self):
        return self.text


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django import forms
    from django.template import Context, Template
    from playwright.sync_api import sync_playwright

    class SampleForm(forms.Form):
        title = forms.CharField(label="Title", help_text="Guests read it in their invitation.")
        place = forms.CharField(label="Place")

    form = SampleForm(data={"title": "DACH leadership meeting", "place": ""})
    form.is_valid()
    html = Template(GALLERY.replace("CSS", (ROOT / "static/css/app.css").as_uri())).render(
        Context(
            {
                "form": form,
                "messages": [
                    Message("success", "The meeting is saved."),
                    Message("info", "Invitations go out in the guests' own languages."),
                    Message("warning", "Two guests have not answered yet."),
                    Message("error", "The mail could not be sent; it will be retried."),
                ],
                "months": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"],
                "countries": ["Austria", "Denmark", "Finland", "Germany", "Iceland", "Ireland"],
            }
        )
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "gallery.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium")
            )
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_file.as_uri())
            page.locator("#table .table-scroll").evaluate(
                "e => { e.scrollLeft = 140; e.scrollTop = 40; }"
            )
            for section in (
                "page-header",
                "card",
                "buttons",
                "badges",
                "form-row",
                "empty-state",
                "toasts",
                "table",
            ):
                page.locator(f"#{section}").screenshot(path=OUT / f"{section}.png")
            browser.close()
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
