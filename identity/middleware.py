from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from identity.provider import is_configured, origin


def provider_form_action(get_response: Callable) -> Callable:
    """Let forms lead to the provider: sign-out posts here and is redirected
    to the provider's end-session endpoint, and browsers hold a redirect
    after a form post to the page's CSP `form-action`. Listed after the
    CSP middleware, so it runs first on the way out."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if is_configured():
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), origin(settings.OIDC_ISSUER)]
            response._csp_update = update
        return response

    return middleware
