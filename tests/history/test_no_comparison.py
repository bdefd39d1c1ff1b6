"""No page or export outside the admin places two teams' scores together,
nor two boards', nor two organisations', nor a team's beside a board's.

Every URL pattern of the project (other than the admin) is requested with
every plausible argument by people who can see all of them (an admin, and a
facilitator and member of all); no response may carry the scores of more
than one team. Each team's notes carry a marker, so a page that shows a
team's scores shows its marker. New views are checked automatically.
"""

import itertools
import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from maturity.models import MaturityModel
from teams.models import Team
from tests.conftest import client_for, make_team, make_user
from tests.history.factories import make_closed_workshop


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield entry, prefix + str(entry.pattern)


def _urls(candidates):
    """Every non-admin URL, filled in with each combination of candidate values."""
    import re

    for _entry, route in _patterns():
        route = route.lstrip("^").rstrip("$")
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if "(?P<" in route:
            continue  # regex routes (none of ours): skip rather than guess
        choices = [candidates[conv or "str"] for conv, _name in params]
        for values in itertools.product(*choices):
            url = route
            for (conv, name), value in zip(params, values, strict=True):
                url = url.replace(f"<{conv + ':' if conv else ''}{name}>", str(value), 1)
            yield "/" + url


# Two of each kind, each on its kind's own model; each group's notes carry its
# marker and its workshops are in a year of their own.
GROUPS = [
    ("Alpha", Team.Kind.TEAM, "product-team-maturity", 2011),
    ("Beta", Team.Kind.TEAM, "product-team-maturity", 2013),
    ("North Board", Team.Kind.BOARD, "board-digital-leadership", 2015),
    ("South Board", Team.Kind.BOARD, "board-digital-leadership", 2017),
    ("North Trust", Team.Kind.ORGANISATION, "what-good-looks-like", 2019),
    ("South Trust", Team.Kind.ORGANISATION, "what-good-looks-like", 2021),
]


def marker(name: str) -> str:
    return "MARKER-" + name.upper().replace(" ", "-")


@pytest.fixture
def all_groups(rubric, facilitator):
    """Six groups with the same scores on their model, and one person in all of them."""
    teams, workshops = [], []
    for name, kind, key, year in GROUPS:
        team = make_team(name, make_user(f"{name.split()[0].lower()}{year}"), kind=kind)
        model = MaturityModel.objects.get(key=key)
        scores = [1 + i % len(model.scale_numbers) for i in range(model.areas.count())]
        # Teams hold two workshops (a chart, a running experiment); boards and
        # organisations one each, to keep the number of URLs down. Reviews far
        # from every group's year.
        held = ((1, "finished"), (4, "running")) if kind == Team.Kind.TEAM else ((1, "finished"),)
        for month, experiment in held:
            workshops.append(
                make_closed_workshop(
                    team,
                    facilitator,
                    date(year, month, 5),
                    scores,
                    model=model,
                    notes=marker(name),
                    experiment_status=experiment,
                    review_in_days=365 * 15,
                )
            )
        teams.append(team)
    everywhere = make_user("everywhere")
    for team in teams:
        team.memberships.create(user=everywhere)
    return teams, workshops, everywhere


def test_no_view_returns_scores_of_more_than_one_team_board_or_organisation(
    client, all_groups, admin_user, facilitator
):
    teams, workshops, everywhere = all_groups
    ints = sorted(
        {w.pk for w in workshops} | {w.experiment.pk for w in workshops} | {t.pk for t in teams}
    )
    strs = [*(t.slug for t in teams), *(w.join_code for w in workshops)]
    candidates = {"int": ints, "slug": strs, "str": strs, "uuid": [], "path": strs}
    urls = sorted(set(_urls(candidates)))
    assert any("/teams/" in u for u in urls)  # the check really covers the team pages
    client.raise_request_exception = False
    checked, seen = 0, set()
    markers = [marker(name) for name, *_ in GROUPS]
    years = [str(year) for *_, year in GROUPS]
    for person in (admin_user, facilitator, everywhere):
        client_for(client, person)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            content = response.content.decode(errors="replace")
            checked += 1
            shown = [m for m in markers if m in content]
            seen.update(shown)
            assert len(shown) <= 1, f"{url} shows the notes and scores of {shown} to {person}"
            if url.startswith("/teams/"):
                # The team pages chart scores without notes: workshop years tell the groups
                # apart (a year on its own, not digits inside a timestamp's microseconds).
                charted = [year for year in years if re.search(rf"(?<!\d){year}(?!\d)", content)]
                assert len(charted) <= 1, f"{url} charts {charted} for {person}"
    assert checked > 10
    assert seen == set(markers)  # every group's own pages were really read
