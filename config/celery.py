import os

from celery import Celery
from celery.signals import beat_init, worker_process_init
from django.conf import settings
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("open_chair")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
@beat_init.connect
def _tasks_outlast_the_page_timeout(**_kwargs):
    """The PostgreSQL statement timeout (DB_STATEMENT_TIMEOUT) is there so that a stalled
    database gives a page the 503 within seconds. Tasks are not pages: the dashboard's
    refresh and theme recomputation run statements far longer than that, so worker and
    beat processes use DB_WORKER_STATEMENT_TIMEOUT (0, no limit, by default) instead."""

    for connection in connections.all(initialized_only=True):
        connection.close()
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if "statement_timeout" in options.get("options", ""):
        options["options"] = f"-c statement_timeout={settings.DB_WORKER_STATEMENT_TIMEOUT}"
