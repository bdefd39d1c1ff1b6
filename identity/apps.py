from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Organisation sign-in"

    def ready(self) -> None:
        from identity import signals  # noqa: F401 (connects the audit trail's receivers)
