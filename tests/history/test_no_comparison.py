"""No page or export outside the admin places two teams' scores together.

Every URL pattern of the project (other than the admin) is requested with
every plausible argument by people who can see both teams (an admin, and a
facilitator and member of both); no response may carry the scores of more
than one team. Each team's notes carry a marker, so a page that shows a
team's scores shows its marker. New views are checked automatically.
"""

import itertools
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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


@pytest.fixture
def both_teams(rubric, facilitator):
    alex, bea = make_user("alex2"), make_user("bea2")
    team_a, team_b = make_team("Alpha", alex), make_team("Beta", bea)
    workshops = []
    # Each team's workshops are in a year of their own, and reviews far from both.
    for team, marker, year in ((team_a, "MARKER-ALPHA", 2011), (team_b, "MARKER-BETA", 2015)):
        for month, experiment in ((1, "finished"), (4, "running")):
            workshops.append(
                make_closed_workshop(
                    team,
                    facilitator,
                    date(year, month, 5),
                    [2, 3, 4, 2, 1],
                    notes=marker,
                    experiment_status=experiment,
                    review_in_days=365 * 5,
                )
            )
    both = make_user("both")
    team_a.memberships.create(user=both)
    team_b.memberships.create(user=both)
    return team_a, team_b, workshops, both


def test_no_view_returns_scores_of_more_than_one_team(client, both_teams, admin_user, facilitator):
    team_a, team_b, workshops, both = both_teams
    ints = sorted(
        {w.pk for w in workshops} | {w.experiment.pk for w in workshops} | {team_a.pk, team_b.pk}
    )
    strs = [team_a.slug, team_b.slug, *(w.join_code for w in workshops)]
    candidates = {"int": ints, "slug": strs, "str": strs, "uuid": [], "path": strs}
    urls = sorted(set(_urls(candidates)))
    assert any("/teams/" in u for u in urls)  # the check really covers the team pages
    client.raise_request_exception = False
    checked = 0
    for person in (admin_user, facilitator, both):
        client_for(client, person)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            content = response.content.decode(errors="replace")
            checked += 1
            assert not ("MARKER-ALPHA" in content and "MARKER-BETA" in content), (
                f"{url} shows two teams' notes and scores to {person}"
            )
            if url.startswith("/teams/"):
                # The team pages chart scores without notes: workshop dates tell the teams apart.
                assert not ("2011" in content and "2015" in content), (
                    f"{url} charts two teams' scores for {person}"
                )
    assert checked > 10
