"""Small display helpers for the workshop pages."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def mmss(seconds: int) -> str:
    """125 -> '2:05', for the countdown timer."""
    seconds = max(int(seconds or 0), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def step_label(workshop, offset: int) -> str:
    """The name of the step `offset` away from the current one."""
    return workshop.step_label(workshop.step + int(offset))


@register.filter
def timer_options(workshop) -> list[tuple[int, bool]]:
    current = workshop.timer_seconds // 60
    options = sorted({3, 5, 10, 15, 20, current})
    return [(minutes, minutes == current) for minutes in options]


@register.filter
def epoch_ms(moment) -> int | str:
    """A moment as milliseconds since 1970 (the room clock's deadline, read
    by static/js/workshop.js); empty for none."""
    return round(moment.timestamp() * 1000) if moment else ""


@register.simple_tag
def server_now_ms() -> int:
    """The server's clock now, so a device whose own clock is wrong still
    counts down to the room's deadline."""
    return epoch_ms(timezone.now())
