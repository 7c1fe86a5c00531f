"""Find the forms of a page, so the fuzz test covers new endpoints without being told."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FoundForm:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> option values
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or attrs.get("hx-post") and "post" or "get").lower()
            if attrs.get("hx-post"):
                method = "post"
            action = attrs.get("hx-post") or attrs.get("action") or ""
            self._form = FoundForm(method=method, action=action)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select") and name and name != "csrfmiddlewaretoken":
            self._form.fields.setdefault(name, [])
            if tag == "input" and attrs.get("type") == "file":
                self._form.files.add(name)
            if tag == "input" and attrs.get("value") and attrs.get("type") in ("radio", "checkbox"):
                self._form.fields[name].append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and attrs.get("value") is not None:
            self._form.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def find_forms(html: str) -> list[FoundForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
