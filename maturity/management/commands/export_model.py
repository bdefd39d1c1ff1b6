from django.core.management.base import BaseCommand

from audit.events import record
from audit.models import Kind
from core.refusals import InputError
from maturity.interchange import dump_model
from maturity.models import MaturityModel


class Command(BaseCommand):
    help = "Print a maturity model as a JSON file that import_model reads back."

    def add_arguments(self, parser) -> None:
        parser.add_argument("key")

    def handle(self, *args, key: str, **options) -> None:
        model = MaturityModel.objects.filter(key=key).first()
        if model is None:
            record(Kind.MODEL_EXPORTED, succeeded=False, source="command", model=key[:100])
            keys = ", ".join(MaturityModel.objects.values_list("key", flat=True)) or "none"
            raise InputError(f'There is no model with the key "{key}": give one of {keys}.')
        record(Kind.MODEL_EXPORTED, source="command", model=model.key)
        self.stdout.write(dump_model(model), ending="")
