"""Warm, when a web worker starts, what its first captured item would otherwise pay for.

Called once per process from `config/wsgi.py` (gunicorn imports it in every worker; with
`--preload`, once in the master, whose forked workers share the result) and
`config/asgi.py`; never from a request. Building the register's Aho-Corasick automaton
takes about a second with tens of thousands of names, the phone library loads its
metadata on first use, Django fills its URL resolver on the first `reverse`: without
this, the first item a facilitator saves in a fresh worker pays for all of it.

Nothing here may stop a worker from starting: with the database unreachable the worker
starts cold (the pages answer 503 until it is back) and builds what it needs on first use.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting

from .forms import CaptureForm
from .redaction import Participants, Redactor, meeting_redactor, register_matcher
from .selectors import REVISION_CACHE_KEY, meeting_for_capture

logger = logging.getLogger(__name__)

# Meetings whose capture may start soon: their redactors are built in advance.
WARM_WINDOW = dt.timedelta(hours=12)
WARM_MAX_MEETINGS = 50
_SAMPLE = "Mr Sample at sample [at] example [dot] com, www.example.com, +44 20 7946 0958"


def warm_capture() -> None:
    """Build the register's matcher, the redactors of meetings running around now, the
    capture query and form, Django's URL resolver and the shared cache's connection;
    exercise every pass of the redactor once."""
    reverse("feedback:capture_post", args=[1])
    CaptureForm(data={"text": _SAMPLE}).is_valid()
    try:
        cache.get(REVISION_CACHE_KEY.format(meeting_id=0))
        # Compiled once per process (feedback.selectors): the first capture skips it.
        meeting_for_capture(meeting_id=0, user=AnonymousUser())
        register = register_matcher()
        Redactor(Participants(), register=register).redact(_SAMPLE)
        now = timezone.now()
        meetings = Meeting.objects.filter(
            starts_at__lte=now + WARM_WINDOW,
            ends_at__gte=now - WARM_WINDOW,
            status__in=[Meeting.Status.INVITED, Meeting.Status.HELD],
        ).order_by("starts_at")[:WARM_MAX_MEETINGS]
        for meeting in meetings:
            meeting_redactor(meeting).redact(_SAMPLE)
    except Exception:  # noqa: BLE001 - never stops a worker from starting
        logger.warning("Capture warm-up skipped: the database could not be read.", exc_info=True)
    finally:
        # Not handed to requests (nor, with gunicorn --preload, to forked workers).
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
