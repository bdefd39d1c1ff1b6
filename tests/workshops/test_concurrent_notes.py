"""Notes autosaving from two windows at the same moment, on PostgreSQL with
real threads, through the page htmx posts to: one save wins, the other
window is told and gets its text back; nothing is overwritten silently.
(tests/workshops/test_concurrency.py races votes, reveals and steps.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.threads import race, signed_in
from tests.workshops.conftest import area_id
from workshops.models import AreaScore

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_windows_autosaving_notes_at_once_overwrite_nothing(workshop, facilitator, admin_user):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    url = reverse("workshops:record", args=[workshop.pk])
    windows = [signed_in(facilitator), signed_in(facilitator), signed_in(admin_user)]
    typed = [f"Pairing, typed in window {i}" for i in range(len(windows))]
    responses = race(
        [
            (client, url, {"area": area, "revision": 0, "score": "", "helps": text})
            for client, text in zip(windows, typed, strict=True)
        ],
        headers={"HX-Request": "true"},
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    score = AreaScore.objects.get(workshop=workshop, area_id=area)
    assert score.notes_revision == 1
    pages = [r.content.decode() for r in responses]
    told = [i for i, page in enumerate(pages) if "was not saved" in page]
    assert len(told) == len(windows) - 1
    (saved,) = set(range(len(windows))) - set(told)
    assert score.helps == typed[saved]
    for i in told:  # each told window gets its own text back, beside the saved one
        assert f"(not saved):</strong> {typed[i]}" in pages[i]
        assert typed[saved] in pages[i]
