from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customers.retention import retention_anonymise_inactive_contacts, retention_cutoff


class Command(BaseCommand):
    help = (
        "Anonymise customer contacts with no booking and no update for a period "
        "(RETENTION_INACTIVE_CONTACT_MONTHS, 36 by default), through the same erasure "
        "service an administrator uses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Inactivity period in months (default: RETENTION_INACTIVE_CONTACT_MONTHS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the contacts that would be erased."
        )

    def handle(self, *args, months=None, dry_run=False, **options):
        months = months or settings.RETENTION_INACTIVE_CONTACT_MONTHS
        if months < 1:
            raise CommandError("--months must be at least 1.")
        pks = retention_anonymise_inactive_contacts(months=months, dry_run=dry_run)
        cutoff = retention_cutoff(months=months)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{len(pks)} contact(s) inactive since {cutoff:%Y-%m-%d} ({months} months) {verb}."
        )
