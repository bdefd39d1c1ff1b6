from django.conf import settings
from django.http import HttpRequest

from identity.provider import is_configured


def sign_in_options(request: HttpRequest) -> dict:
    """What the sign-in page offers: the organisation button when a provider
    is configured, the password form unless it is switched off."""
    return {
        "organisation_sign_in": is_configured(),
        "organisation_sign_in_label": settings.OIDC_PROVIDER_NAME,
        "password_sign_in": settings.PASSWORD_SIGN_IN or not is_configured(),
    }
