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
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        person=person,
        succeeded=succeeded,
        client=((client_ip(request) or "") if request is not None else "")[:64],
        detail=detail,
    )
