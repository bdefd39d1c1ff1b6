from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from maturity.interchange import import_model, read_model_file
from maturity.models import MaturityModel

MODELS_DIR = settings.BASE_DIR / "fixtures" / "models"
DEFAULT_KEY = "product-team-maturity"


class Command(BaseCommand):
    help = (
        "Load the models that ship with the service (fixtures/models/*.json), each "
        "only if it is not there yet: never overwrites text an admin has edited. "
        "The product team maturity model becomes the default if there is none."
    )

    def handle(self, *args, **options) -> str:
        loaded = []
        with transaction.atomic():
            for path in sorted(MODELS_DIR.glob("*.json")):
                data = read_model_file(path.read_bytes())
                if MaturityModel.objects.filter(key=data["key"]).exists():
                    continue
                import_model(data, reason="Shipped model loaded")
                loaded.append(data["name"])
            if not MaturityModel.objects.filter(is_default=True).exists():
                MaturityModel.objects.filter(key=DEFAULT_KEY).update(is_default=True)
        if not loaded:
            return "Models already loaded; left as they are."
        return "Loaded: " + ", ".join(loaded) + "."
