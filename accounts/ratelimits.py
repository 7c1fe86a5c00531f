"""Named rate limits for the views strangers can reach, built on django-ratelimit.

    from accounts.ratelimits import rate_limit

    @rate_limit("rsvp")
    def rsvp(request, token): ...

The rates live in `settings.RATE_LIMITS` (name → rate and key), so an operator tunes
them by environment without touching code. An exceeded limit raises django-ratelimit's
`Ratelimited`, which `settings.RATELIMIT_VIEW` turns into a friendly 429 page.

If the cache (Redis) cannot be reached, the limit fails open and logs a warning: an
outage of the cache must not turn every guest's RSVP into an error page.
"""

import logging
from functools import wraps

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from accounts.params import param_text

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the hop a trusted proxy appended.

    With BEHIND_PROXY on, the TLS-terminating proxy appends the address it saw to
    X-Forwarded-For; earlier entries are whatever the client sent and cannot be trusted.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def client_ip_for_limits(request) -> str:
    """`client_ip`, with an address that never matches a real client when none is known."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, not a bind address


def _user_or_ip(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip_for_limits(request)}"


def _link_token(group, request) -> str:
    """The signed token in the URL: one budget per link, without keeping any address."""
    match = getattr(request, "resolver_match", None)
    return "token:" + str((match.kwargs if match else {}).get("token", ""))


def _username_and_ip(group, request) -> str:
    """The username being signed in to, from this address: colleagues behind one office
    address each have their own budget, a guesser hammering one account does not."""
    # The login form validates the field later; the shared parser refuses a NUL byte.
    username = param_text(request.POST, "username", max_length=150).strip().casefold()
    return f"login:{username}|ip:{client_ip_for_limits(request)}"


KEYS = {
    "ip": "ip",
    "user_or_ip": _user_or_ip,
    "user": "user",
    "token": _link_token,
    "username_and_ip": _username_and_ip,
}


def limit_for(name: str) -> dict:
    try:
        return settings.RATE_LIMITS[name]
    except KeyError:
        raise KeyError(f"No rate limit named {name!r} in settings.RATE_LIMITS") from None


def is_limited(request, name: str, *, increment: bool = True) -> bool:
    """Count this request against the named limit; True once the limit is exceeded."""
    limit = limit_for(name)
    try:
        return is_ratelimited(
            request,
            group=f"openchair.{name}",
            key=KEYS.get(limit["key"], limit["key"]),
            rate=limit["rate"],
            method=limit.get("method", is_ratelimited.ALL),
            increment=increment,
        )
    except Exception:  # the cache is down: fail open, loudly
        logger.warning("rate limit %s not checked: the cache is unavailable", name, exc_info=True)
        return False


def rate_limit(name: str, *more: str):
    """Decorate a view with the named limits from `settings.RATE_LIMITS` (every one is
    counted; any one exceeded answers 429)."""
    names = (name, *more)
    for each in names:
        limit_for(each)  # fail at import time on a typo, not on the first request

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # A list, not any(): every limit counts the request.
            if True in [is_limited(request, each) for each in names]:
                raise Ratelimited
            return view(request, *args, **kwargs)

        wrapped.rate_limit_name = name
        wrapped.rate_limit_names = names
        return wrapped

    return decorator
