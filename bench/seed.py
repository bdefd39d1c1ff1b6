"""Seed the benchmark's dataset: 200 teams with members, 2,000 past
workshops with five agreed scores and notes each, and an experiment per
workshop. Run after migrate and load_default_rubric:

    DATABASE_URL=... python bench/seed.py

Prints one line with what it made. Sizes come from BENCH_TEAMS and
BENCH_WORKSHOPS_PER_TEAM.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402

from experiments.models import Experiment  # noqa: E402
from maturity.models import MaturityModel  # noqa: E402
from teams.models import Membership, Team  # noqa: E402
from teams.roles import FACILITATORS  # noqa: E402
from workshops.models import AreaScore, Workshop  # noqa: E402

TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
WORKSHOPS_PER_TEAM = int(os.environ.get("BENCH_WORKSHOPS_PER_TEAM", "10"))
MEMBERS_PER_TEAM = 3
FACILITATOR_COUNT = 20
# Every seeded person signs in with this password (the load test does).
PASSWORD = "bench-password-not-secret"

HELPS = ["We pair every day", "Our product owner sits with us", "Short feedback loops"]
HOLDS_BACK = ["Approval takes weeks", "We rarely meet users", "Too many meetings"]


def seed_playbook(rng: random.Random, experiments: list[Experiment]) -> int:
    """MERGE (issue 5): publish 10,000 playbook entries from finished
    experiments here, once playbook/models.py has its entry model. Returns
    how many it made."""
    return 0


@transaction.atomic
def seed() -> str:
    rng = random.Random(6)
    model = MaturityModel.default()
    areas = list(model.areas.order_by("order"))
    snapshot = model.snapshot()
    password = make_password(PASSWORD)
    User = get_user_model()

    facilitators = User.objects.bulk_create(
        User(username=f"facilitator{i}", password=password, first_name=f"Facilitator {i}")
        for i in range(FACILITATOR_COUNT)
    )
    group, _ = Group.objects.get_or_create(name=FACILITATORS)
    group.user_set.add(*facilitators)

    teams = Team.objects.bulk_create(
        Team(name=f"Bench team {i:03d}", slug=f"bench-team-{i:03d}") for i in range(TEAMS)
    )
    members = User.objects.bulk_create(
        User(username=f"member{t}-{m}", password=password, first_name=f"Member {t}-{m}")
        for t in range(TEAMS)
        for m in range(MEMBERS_PER_TEAM)
    )
    Membership.objects.bulk_create(
        Membership(team=teams[i // MEMBERS_PER_TEAM], user=user) for i, user in enumerate(members)
    )

    start = date.today() - timedelta(weeks=6 * WORKSHOPS_PER_TEAM)
    workshops = Workshop.objects.bulk_create(
        Workshop(
            team=team,
            facilitator=rng.choice(facilitators),
            held_on=start + timedelta(weeks=6 * n),
            model=model,
            rubric=snapshot,
            status=Workshop.Status.CLOSED,
            step=len(areas) + 3,
            chosen_area=rng.choice(areas),
            # Closed workshops keep their code; fixed ones cannot collide.
            join_code=f"B{t:03d}{n:04d}",
        )
        for t, team in enumerate(teams)
        for n in range(WORKSHOPS_PER_TEAM)
    )
    AreaScore.objects.bulk_create(
        AreaScore(
            workshop=workshop,
            area=area,
            score=rng.randint(1, 5),
            helps=rng.choice(HELPS),
            holds_back=rng.choice(HOLDS_BACK),
        )
        for workshop in workshops
        for area in areas
    )
    experiments = Experiment.objects.bulk_create(
        Experiment(
            team=workshop.team,
            workshop=workshop,
            area=workshop.chosen_area,
            change="we show our work every Friday",
            outcome="stakeholders trust our direction",
            signal="fewer status meetings",
            review_date=workshop.held_on + timedelta(weeks=4),
            status=Experiment.Status.FINISHED,
            started_on=workshop.held_on,
            finished_on=workshop.held_on + timedelta(weeks=4),
            result=rng.choice(Experiment.Result.values),
            learning="Showing the thing beats writing about it.",
        )
        for workshop in workshops
    )
    entries = seed_playbook(rng, experiments)
    return (
        f"Seeded {len(teams)} teams, {len(members) + len(facilitators)} people, "
        f"{len(workshops)} workshops, {len(workshops) * len(areas)} scores, "
        f"{len(experiments)} experiments, {entries} playbook entries."
    )


if __name__ == "__main__":
    print(seed())
