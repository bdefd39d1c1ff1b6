"""How the service writes the small words: counts, possessives and dates,
the same on every page, email and command (the NHS service manual's style:
"1 email", "Repeat Prescriptions' experiment", "4 December 2026")."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def plural(count: int, singular: str, several: str = "") -> str:
    """'1 email', '3 emails'; `several` for the irregular ('person', 'people')."""
    return f"{count} {singular if count == 1 else several or singular + 's'}"


def possessive(name: str) -> str:
    """'Repeat Prescriptions'', 'Trust Board's': a name that ends in s takes
    the apostrophe alone (the NHS style guide's plural possessive)."""
    name = f"{name}"
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def long_date(value: date | datetime | None) -> str:
    """'4 December 2026' (a moment in the service's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def long_time(value: datetime) -> str:
    """'9:30am', '2pm' (a moment in the service's time zone)."""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = value.hour % 12 or 12
    minutes = f":{value:%M}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"
