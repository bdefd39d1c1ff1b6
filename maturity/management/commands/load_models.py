from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.words import plural
from maturity.interchange import import_model, read_model_file
from maturity.models import MaturityModel
from maturity.shipped import CORRECTED, LOADED, with_admins_edits

MODELS_DIR = settings.BASE_DIR / "fixtures" / "models"
DEFAULT_KEY = "product-team-maturity"


class Command(BaseCommand):
    help = (
        "Load the models that ship with the service (fixtures/models/*.json), each "
        "only if it is not there yet. With --update, also bring the ones already "
        "there up to the shipped text, as a new version of the rubric (past workshops "
        "keep theirs), keeping and naming any text an admin has changed. "
        "The product team maturity model becomes the default if there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Take the shipped corrections to models already loaded; admins' edits stay.",
        )

    def handle(self, *args, update: bool = False, **options) -> str:
        loaded, updated, kept = [], [], []
        with transaction.atomic():
            for path in sorted(MODELS_DIR.glob("*.json")):
                data = read_model_file(path.read_bytes())
                model = MaturityModel.objects.filter(key=data["key"]).first()
                if model is None:
                    import_model(data, reason=LOADED)
                    loaded.append(data["name"])
                elif update:
                    data, admins = with_admins_edits(model, data)
                    result = import_model(data, reason=CORRECTED)
                    if result.changes:
                        updated.append(
                            f"{result.model.name} ({plural(len(result.changes), 'change')})"
                        )
                    kept += [f"{result.model.name}: {line}" for line in admins]
            if not MaturityModel.objects.filter(is_default=True).exists():
                MaturityModel.objects.filter(key=DEFAULT_KEY).update(is_default=True)
        for line in kept:
            self.stdout.write(f"Kept: {line}")
        parts = []
        if loaded:
            parts.append("Loaded: " + ", ".join(loaded) + ".")
        if updated:
            parts.append("Updated from the shipped text: " + ", ".join(updated) + ".")
        if kept:
            parts.append(f"Kept {len(kept)} of admins' changes (above).")
        if not parts:
            return (
                "Models already loaded and up to date; left as they are."
                if update
                else "Models already loaded; left as they are."
            )
        return " ".join(parts)
