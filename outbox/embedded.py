"""The embedded default's beat: without a broker, a thread of the web process runs the
periodic jobs, so `make run` sends reminders, thank-yous and overdue-action reminders
when they fall due, with no other command.

Only the embedded mode starts it (`OUTBOX_EMBEDDED_POLLER`, on when REDIS_URL is unset),
from `runserver` only (in the serving process, not the autoreloader's watcher), never
under tests or other management commands. Tasks run eagerly there, so each job runs in
this thread. The schedule is Celery's own (`CELERY_BEAT_SCHEDULE`), read with Celery's
schedule objects: the same jobs at the same times as `celery beat` in production.
"""

import logging
import os
import sys
import threading

from celery import current_app
from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

DISPATCH_DUE = "outbox.dispatch_due"


def should_start(argv: list[str] | None = None) -> bool:
    argv = sys.argv if argv is None else argv
    if not getattr(settings, "OUTBOX_EMBEDDED_POLLER", False) or len(argv) < 2:
        return False
    if argv[1] != "runserver":
        return False
    # With the autoreloader, the serving process is the child that has RUN_MAIN set.
    return "--noreload" in argv or os.environ.get("RUN_MAIN") == "true"


class EmbeddedBeat:
    """Runs the beat schedule's jobs in a daemon thread, checking every `tick` seconds."""

    def __init__(self, *, tick: float | None = None):
        self.tick = tick if tick is not None else getattr(settings, "OUTBOX_EMBEDDED_TICK", 5.0)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="open-chair-beat", daemon=True)
        self.last_run: dict[str, object] = {}

    def start(self) -> "EmbeddedBeat":
        self.thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self.stopped.set()
        self.thread.join(timeout)

    def run_due(self) -> list[str]:
        """Run every job that is due now; mail that fell due while stopped goes at once."""
        ran = []
        now = current_app.now()
        for name, entry in current_app.conf.beat_schedule.items():
            schedule = maybe_schedule(entry["schedule"], app=current_app)
            if name not in self.last_run:
                self.last_run[name] = now
                if entry["task"] != DISPATCH_DUE:
                    continue
            elif not schedule.is_due(self.last_run[name]).is_due:
                continue
            self.last_run[name] = now
            try:
                current_app.tasks[entry["task"]].apply()
                ran.append(entry["task"])
            except Exception:  # one broken job must not stop the others
                logger.exception("embedded beat: %s failed", entry["task"])
            finally:
                close_old_connections()
        return ran

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.run_due()
            self.stopped.wait(self.tick)


_started: EmbeddedBeat | None = None


def start_if_embedded() -> EmbeddedBeat | None:
    global _started
    if _started is None and should_start():
        _started = EmbeddedBeat().start()
        logger.info("embedded beat: due mail is sent from this process")
    return _started
