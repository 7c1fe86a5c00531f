"""The Celery settings: the broker, the delivery guarantees of a task, and the beat
schedule of every periodic task. `config/settings.py` takes them as
`vars().update(celery_settings(env, redis_url=REDIS_URL, time_zone=TIME_ZONE))`, the
way it takes LOGGING from `config/logging.py`.
"""

import environ
from celery.schedules import crontab


def celery_settings(env: environ.Env, *, redis_url: str, time_zone: str) -> dict:
    CELERY_BROKER_URL = redis_url or "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not redis_url)
    CELERY_TASK_EAGER_PROPAGATES = False
    CELERY_TASK_SERIALIZER = "json"
    CELERY_ACCEPT_CONTENT = ["json"]
    CELERY_RESULT_SERIALIZER = "json"
    CELERY_TASK_ACKS_LATE = True
    CELERY_TASK_REJECT_ON_WORKER_LOST = True
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1
    # Workers and beat log through LOGGING too (same timestamped or JSON lines as the web).
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    CELERY_TASK_IGNORE_RESULT = True
    CELERY_TIMEZONE = time_zone
    CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
    # Keep every retry delay far below this: a message unacknowledged for longer is redelivered.
    # A broker that refuses or stays silent must not hold a page: short connect and socket
    # timeouts and no reconnection loop when publishing (outbox/handover.py publishes once,
    # without retry). Workers may set longer ones through the environment.
    CELERY_BROKER_CONNECTION_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=0.5)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=1.0),
        "max_retries": 0,
    }
    CELERY_BEAT_SCHEDULE: dict = {}

    # Outbox (mail): the poller hands due mail over (outbox/handover.py).
    CELERY_BEAT_SCHEDULE["outbox-dispatch-due"] = {
        "task": "outbox.dispatch_due",
        "schedule": env.float("OUTBOX_POLL_SECONDS", default=60.0),
    }

    # Dashboard: captures, corrections, removals and attendance move the figures at once
    # (dashboard.live); themes are recomputed nightly with a full rebuild of the aggregates,
    # and a rebuild every few hours catches what no signal carries (a meeting rated, a "you
    # said, we did" published, rows loaded in bulk).
    DASHBOARD_REFRESH_MINUTES = env.int("DASHBOARD_REFRESH_MINUTES", default=240)
    CELERY_BEAT_SCHEDULE["dashboard-recompute-themes"] = {
        "task": "dashboard.recompute_themes",
        "schedule": crontab(hour=2, minute=30),
    }
    CELERY_BEAT_SCHEDULE["dashboard-refresh-aggregates"] = {
        "task": "dashboard.refresh_aggregates",
        "schedule": DASHBOARD_REFRESH_MINUTES * 60.0,
    }

    # Actions: reminders to owners of overdue actions, every 6 hours (one per action and due date).
    CELERY_BEAT_SCHEDULE["actions.remind_overdue"] = {
        "task": "actions.remind_overdue",
        "schedule": env.int("ACTIONS_REMIND_EVERY_SECONDS", default=6 * 60 * 60),
    }

    # Data retention (RETENTION_INACTIVE_CONTACT_MONTHS in config/settings.py): daily.
    CELERY_BEAT_SCHEDULE["anonymise-inactive-contacts"] = {
        "task": "customers.anonymise_inactive_contacts",
        "schedule": 24 * 60 * 60,
    }

    return {name: value for name, value in locals().items() if name.isupper()}
