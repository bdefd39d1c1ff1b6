from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from maturity.models import Area, Level, MaturityModel, Prompt

FIXTURE = settings.BASE_DIR / "fixtures" / "default_rubric.json"
DEFAULT_KEY = "product-team-maturity"


class Command(BaseCommand):
    help = (
        "Load the default rubric (fixtures/default_rubric.json) unless it is already "
        "there. Never overwrites text an admin has edited."
    )

    def handle(self, *args, **options) -> str:
        if MaturityModel.objects.filter(key=DEFAULT_KEY).exists():
            return "Default rubric already loaded; left as it is."
        with transaction.atomic():
            call_command("loaddata", FIXTURE, verbosity=0)
            # Fixtures load raw, which skips history. Record the starting text so
            # "as of" look-ups work from the moment the rubric exists.
            for model in (MaturityModel, Area, Level, Prompt):
                model.history.bulk_history_create(
                    list(model.objects.all()), default_change_reason="Default rubric loaded"
                )
        return "Default rubric loaded."
