from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams and people"

    def ready(self) -> None:
        from teams.signals import create_role_groups

        post_migrate.connect(create_role_groups, sender=self)
