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


@pytest.fixture
def two_models(two_workshops, team_a, facilitator):
    """Team A's history on two models: the default model's two workshops (March
    and June) and, since then, two on the 4-level engineering quality review."""
    from maturity.models import MaturityModel

    engineering = MaturityModel.objects.get(key="engineering-quality")
    later = [
        make_closed_workshop(
            team_a,
            facilitator,
            held_on,
            scores,
            model=engineering,
            chosen=4,
            experiment_status=status,
        )
        for held_on, scores, status in (
            (date(2026, 7, 1), [1, 2, 2, 3, 1, 2, 4], "stopped"),
            (date(2026, 9, 15), [2, 2, 3, 3, 2, 2, 4], "planned"),
        )
    ]
    return [*two_workshops, *later]
