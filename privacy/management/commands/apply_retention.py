from django.core.management.base import BaseCommand

from audit.events import record
from audit.models import Kind
from privacy import retention


class Command(BaseCommand):
    help = (
        "Remove or anonymise what is past its retention time (settings.RETENTION_DAYS; "
        "the privacy notice). Run daily from cron. The team's own record is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=500, help="Rows (or workshops) per transaction."
        )

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            self.stderr.write("--batch must be at least 1.")
            raise SystemExit(2)
        done = retention.apply(batch=batch)
        record(Kind.RETENTION_RUN, **done)
        self.stdout.write(
            f"Forgot the phones of {done['workshops']} closed workshops "
            f"(older than {retention.days('phones')} days); deleted {done['failed_joins']} "
            f"failed-join records and {done['sign_ins']} sign-in records (older than "
            f"{retention.days('failed_joins')} and {retention.days('sign_ins')} days) and "
            f"{done['audit_events']} audit events (older than {retention.days('audit')} days)."
        )
