"""Writing the audit trail: `record(kind, request, ...)` from the view or
signal that did the thing, inside its transaction where it has one, so an
action that rolls back leaves no event."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from audit.models import AuditEvent, Kind


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind our load balancer the address it appended to
    X-Forwarded-For. Never the left-most entry: the client writes that one,
    and could pick a new address for every guess."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR")


# Keys that must never reach the trail, whatever a caller passes.
_NEVER = {"password", "token", "secret", "text", "note", "vote", "level", "code"}


def record(
    kind: Kind,
    request: HttpRequest | None = None,
    *,
    actor=None,
    person=None,
    succeeded: bool = True,
    **detail,
) -> AuditEvent:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    leaked = _NEVER.intersection(detail)
    if leaked:
        raise ValueError(f"The audit trail never holds {', '.join(sorted(leaked))}")
    client = (client_ip(request) or "") if request is not None else ""
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        person=person,
        succeeded=succeeded,
        client=client.replace("\0", "")[:64],
        detail=_without_nul(detail),
    )


def _without_nul(value):
    # Some details come from whoever is asking (a username tried, a
    # provider's error code), and PostgreSQL refuses a NUL character in
    # text and JSON: a hostile value must not turn its event into a 500.
    if isinstance(value, str):
        return value.replace("\0", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def changed_fields(message) -> list[str]:
    """The fields an admin changed on the object itself, from the change
    message Django's admin builds for its log (field labels, never values);
    what its inlines changed names an object, and is left out."""
    if isinstance(message, str):
        return [message] if message else []
    return [
        field
        for part in message
        if "changed" in part and "object" not in part["changed"]
        for field in part["changed"].get("fields", [])
    ]
