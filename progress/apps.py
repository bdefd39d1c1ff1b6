from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """The home page, a team's page and its history: how a team changes over
    its workshops and experiments. It stands above the apps it reads."""

    name = "progress"
    verbose_name = "Team progress"
