from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from outbox.services import outbox_dispatch_due


class Command(BaseCommand):
    help = (
        "Hand due scheduled mail, and mail whose task was lost, to the send task once "
        "(what the beat task outbox.dispatch_due does every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=int,
            default=None,
            help="Seconds after which queued or sending mail is handed over again "
            "(default: OUTBOX_STALE_AFTER_SECONDS).",
        )

    def handle(self, *args, stale_after=None, **options):
        stale = timedelta(seconds=stale_after) if stale_after is not None else None
        with transaction.atomic():
            count = outbox_dispatch_due(stale=stale)
        self.stdout.write(f"{count} mail(s) handed to the send task.")
