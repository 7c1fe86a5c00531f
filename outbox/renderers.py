"""Renderers: build a mail's content at send time from its source.

A mail enqueued with `renderer="app.name"` and `render_args` is rendered again just
before it is sent, so a template fixed while mails wait in the queue, or a meeting that
moved, applies to those mails too. A renderer may raise `SkipMail` when the mail no
longer applies (the guest declined, the meeting was cancelled, the contact opted out):
the row is then marked "not sent" with the reason, and never sent later.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_RENDERERS: dict[str, Callable] = {}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text_body: str
    html_body: str = ""
    attachments: Sequence[tuple[str, bytes, str]] = field(default_factory=tuple)


class SkipMail(Exception):  # noqa: N818 - reads as what it does: skip this mail
    """The mail no longer applies; the message says why, in the leader's words."""


def register(name: str):
    def decorator(func: Callable[..., RenderedMail]):
        _RENDERERS[name] = func
        return func

    return decorator


def get_renderer(name: str) -> Callable[..., RenderedMail]:
    try:
        return _RENDERERS[name]
    except KeyError:
        raise LookupError(f"no mail renderer named {name!r}") from None
