"""Writing the audit trail: `record(kind, request, ...)` from the view or
signal that did the thing, inside its transaction where it has one, so an
action that rolls back leaves no event."""

from __future__ import annotations

from django.http import HttpRequest

from audit.models import AuditEvent, Kind

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
    from config.security import client_ip

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
