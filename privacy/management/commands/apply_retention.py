from django.conf import settings
from django.core.management.base import BaseCommand

from audit.events import record
from audit.models import Kind
from core.refusals import InputError
from core.words import plural
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
            raise InputError(f"--batch must be at least 1 (rows a transaction), not {batch}")
        done = retention.apply(batch=batch)
        record(Kind.RETENTION_RUN, **done)
        days = retention.days
        self.stdout.write(
            f"Closed {plural(done['closed'], 'workshop')} left open with no activity for "
            f"{settings.AUTO_CLOSE_DAYS} days; forgot the phones of "
            f"{plural(done['workshops'], 'closed workshop')} (older than {days('phones')} days); "
            f"deleted {plural(done['failed_joins'], 'failed-join record')} and "
            f"{plural(done['sign_ins'], 'sign-in record')} (older than {days('failed_joins')} "
            f"and {days('sign_ins')} days) and {plural(done['audit_events'], 'audit event')} "
            f"(older than {days('audit')} days)."
        )
