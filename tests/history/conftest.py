from datetime import date

import pytest

from tests.history.factories import make_closed_workshop


@pytest.fixture
def two_workshops(rubric, team_a, facilitator):
    """Team A's history: an older workshop whose experiment finished, and a newer
    one whose experiment is running."""
    older = make_closed_workshop(
        team_a,
        facilitator,
        date(2026, 3, 10),
        [2, 3, 1, 4, 2],
        chosen=2,
        notes="MARKER-A",
        experiment_status="finished",
    )
    newer = make_closed_workshop(
        team_a,
        facilitator,
        date(2026, 6, 9),
        [3, 3, 2, 4, 1],
        chosen=0,
        experiment_status="running",
    )
    return older, newer
