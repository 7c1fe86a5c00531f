from datetime import timedelta

from django.core.management.base import BaseCommand

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
            help="Treat leases taken more than this many seconds ago as expired "
            "(default: only leases past their end, OUTBOX_LEASE_SECONDS after the hand-over).",
        )

    def handle(self, *args, stale_after=None, **options):
        stale = timedelta(seconds=stale_after) if stale_after is not None else None
        count = outbox_dispatch_due(stale=stale)  # each chunk commits, then is published
        self.stdout.write(f"{count} mail(s) handed to the send task.")
