from pathlib import Path

from django.core.management.base import BaseCommand

from audit.events import record
from audit.models import Kind
from core.refusals import InputError
from maturity.interchange import ModelFileError, import_model


class Command(BaseCommand):
    help = (
        "Create or update a maturity model from a JSON file (the shape `export_model` "
        "writes). All or nothing: a bad file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> str:
        try:
            raw = file.read_bytes()
        except OSError as error:
            record(Kind.MODEL_IMPORTED, succeeded=False, source="command", file=file.name)
            raise InputError(
                f"Cannot read {file}: {error.strerror}. Give the path of a model file."
            ) from None
        try:
            result = import_model(raw, reason=f"Imported from {file.name}")
        except ModelFileError as error:
            record(Kind.MODEL_IMPORTED, succeeded=False, source="command", file=file.name)
            raise InputError(
                f"{file} was not imported; nothing changed.\n  " + "\n  ".join(error.problems)
            ) from None
        record(
            Kind.MODEL_IMPORTED,
            source="command",
            model=result.model.key,
            created=result.created,
            file=file.name,
        )
        verb = "Created" if result.created else "Updated"
        lines = [f"{verb} {result.model.name} ({result.model.key})."]
        lines += [f"  {change}" for change in result.changes] or ["  Nothing had changed."]
        return "\n".join(lines)
