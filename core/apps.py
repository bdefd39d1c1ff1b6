from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app stands on: database errors, kept drawings, load
    shedding, static files, logs and security headers. The ground floor:
    it imports no app of this project."""

    name = "core"
