from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "A release's one-off step, before its servers take traffic: migrate the "
        "database, then load the shipped models (new ones; --update takes the "
        "shipped corrections too). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Pass --update to load_models: shipped corrections to the models' text.",
        )

    def handle(self, *args, update: bool = False, **options) -> str:
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        call_command("load_models", update=update, stdout=self.stdout)
        return "Released: the database is migrated and the models are loaded."
