"""Links that leave the service (in emails), all from one address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_link(path: str, request: HttpRequest | None = None) -> str:
    """`path` under the configured SITE_URL; without one, under the address
    the request came to (a command has none: it names its own)."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is None:
        raise ValueError("SITE_URL is not set")
    return request.build_absolute_uri(path)
