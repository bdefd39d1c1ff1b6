from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.history.factories import make_closed_workshop
from workshops.models import Dot, Note, Participant, Vote


def fill_room(workshop, names, *, user=None):
    """Phones that joined with these names (the first signed in as `user`),
    each voting on every area, writing a note on the first and placing a dot."""
    areas = [a["id"] for a in workshop.areas]
    phones = []
    for i, name in enumerate(names):
        phone = Participant.objects.create(
            workshop=workshop, display_name=name, user=user if i == 0 else None
        )
        phones.append(phone)
        for n, area in enumerate(areas):
            Vote.objects.create(
                workshop=workshop, participant=phone, area_id=area, level=1 + (i + n) % 3
            )
        Note.objects.create(
            workshop=workshop,
            participant=phone,
            area_id=areas[0],
            kind="helps",
            text=f"Note from phone {i}",
            added_at=timezone.now() if i % 2 == 0 else None,
        )
        Dot.objects.create(workshop=workshop, participant=phone, area_id=areas[i % len(areas)])
    return phones


def closed_days_ago(workshop, days):
    workshop.closed_at = timezone.now() - timedelta(days=days)
    workshop.save(update_fields=["closed_at"])
    return workshop


@pytest.fixture
def either_side(rubric, team_a, facilitator, member_a):
    """Team A's workshops on either side of the 30 days after closing: one
    closed 31 days ago, one 29 days ago, and one still open (held long ago)."""
    old = make_closed_workshop(team_a, facilitator, date(2026, 3, 10), [2, 3, 1, 4, 2])
    recent = make_closed_workshop(
        team_a, facilitator, date(2026, 6, 9), [3, 3, 2, 4, 1], experiment_status=None
    )
    closed_days_ago(old, 31)
    closed_days_ago(recent, 29)
    open_ = make_closed_workshop(
        team_a, facilitator, date(2026, 1, 5), [1, 1, 1, 1, 1], experiment_status=None
    )
    open_.status, open_.closed_at = "active", None
    open_.save(update_fields=["status", "closed_at"])
    for workshop, prefix in ((old, "Old"), (recent, "Recent"), (open_, "Open")):
        fill_room(workshop, [f"{prefix}Ann", f"{prefix}Bob", f"{prefix}Cat"], user=member_a)
    return old, recent, open_
