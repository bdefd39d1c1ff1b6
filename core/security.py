"""The Content Security Policy header, built once. (Who is asking, the
client's address as sign-in throttling and the audit trail see it, is
audit.events.client_ip.)"""

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, but it builds the policy once per process.

    The stock middleware rebuilds the same header on every response (a
    quarter of the time of the cheapest request here, measured with
    cProfile). Nothing in this service varies the policy per request: no
    view decorates it, and no page uses a nonce. A response that does either
    still gets its own policy built the stock way, and a change of the
    setting (tests do that) starts again."""

    _headers: dict[bool, str] = {}

    def process_response(self, request, response):
        parts = ("_csp_config", "_csp_update", "_csp_replace")
        varies = getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name + suffix, None) is not None
            for name in parts
            for suffix in ("", "_ro")
        )
        if varies or (response.status_code in (404, 500) and settings.DEBUG):
            return super().process_response(request, response)
        for report_only, header in ((False, HEADER), (True, HEADER_REPORT_ONLY)):
            if report_only not in self._headers:
                CSPMiddleware._headers[report_only] = build_policy(report_only=report_only)
            policy = self._headers[report_only]
            exempt = getattr(response, "_csp_exempt" + ("_ro" if report_only else ""), False)
            setting = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
            policy_setting = getattr(settings, setting, None) or {}
            prefixes = tuple(policy_setting.get("EXCLUDE_URL_PREFIXES") or ())
            excluded = bool(prefixes) and request.path_info.startswith(prefixes)
            if policy and header not in response and not exempt and not excluded:
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._headers.clear()


def static_headers(headers, path: str, url: str) -> None:
    """The strict headers on static files (ServeStatic's
    SERVESTATIC_ADD_HEADERS_FUNCTION): ServeStatic answers them before
    Django's security and CSP middleware (core/static.py). An SVG opened
    on its own still carries the policy."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers["Strict-Transport-Security"] = hsts
    policy = build_policy()
    if policy:
        headers[HEADER] = policy
