from django.conf import settings
from django.db import models


class OrganisationAccount(models.Model):
    """Who a person is at their organisation's identity provider.

    Keyed on the issuer and the `sub` claim, never on the email address:
    people change email addresses, and one provider's `sub` means nothing
    at another."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_accounts"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
