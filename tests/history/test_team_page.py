"""The team page and the home dashboard."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maturity.models import MaturityModel
from tests.conftest import client_for, make_user
from tests.history.factories import make_closed_workshop, make_experiment, make_model


def team_url(team):
    return reverse("teams:detail", args=[team.slug])


def test_member_sees_workshops_newest_first_charts_and_tables(
    member_a_client, team_a, two_workshops
):
    response = member_a_client.get(team_url(team_a))
    content = response.content.decode()
    assert response.status_code == 200
    table = content[content.index('id="workshops"') :]
    assert table.index("9 June 2026") < table.index("10 March 2026")
    assert content.count('class="app-chart__svg app-chart__svg--wide"') == 1
    assert "app-chart__svg--radar" in content
    assert "Product team maturity model: agreed scores by workshop" in content
    assert "Collaboration went up from 2 to 3" in content
    assert "Fran" in content  # the facilitator
    assert "Running" in content  # the newer workshop's experiment


def test_the_charts_say_when_a_workshop_is_not_on_them(member_a_client, team_a, two_workshops):
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "2 workshops, the latest on 9 June 2026." in content
    assert "The charts show" not in content
    newest = two_workshops[1]
    newest.status = "active"
    newest.save(update_fields=["status"])
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "The charts show 1 of them, those closed with agreed scores." in content


def test_current_experiment_and_overdue_review_are_highlighted(
    member_a_client, team_a, two_workshops
):
    running = two_workshops[1].experiment
    running.review_date = timezone.localdate() - timedelta(days=3)
    running.save()
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "Current experiment" in content
    assert "Review overdue" in content


def test_a_team_with_one_workshop_gets_points_and_no_comparison(
    member_a_client, rubric, team_a, facilitator
):
    make_closed_workshop(team_a, facilitator, date(2026, 5, 1), [3, 2, 4, 1, 5])
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "One workshop so far" in content
    assert "no earlier workshop" in content
    assert "Previous:" not in content


def test_charts_are_drawn_once_per_history_and_afresh_when_a_score_changes(
    member_a_client, rubric, team_a, facilitator, monkeypatch
):
    from progress import charts, views

    views._drawn.cache_clear()
    drawn, line_chart = [], charts.line_chart

    def counted(*args, **kwargs):
        drawn.append(1)
        return line_chart(*args, **kwargs)

    monkeypatch.setattr(charts, "line_chart", counted)
    workshop = make_closed_workshop(team_a, facilitator, date(2026, 5, 1), [3, 2, 4, 1, 5])

    def charts_on_page():
        page = member_a_client.get(team_url(team_a)).content.decode()
        return re.findall(r'<svg class="app-chart__svg.*?</svg>', page, re.S)

    first = charts_on_page()
    assert charts_on_page() == first and len(first) == 4  # line and radar, wide and narrow
    assert len(drawn) == 2  # the line chart, wide and narrow, drawn once
    score = workshop.scores.order_by("area__order").first()
    score.score = 5
    score.save()
    again = charts_on_page()
    assert len(drawn) == 4 and again != first

    def first_area_score(charts):
        return re.search(r'app-chart__series" data-area.*?data-score="(\d)"', charts[0], re.S)[1]

    assert (first_area_score(first), first_area_score(again)) == ("3", "5")


def test_a_team_with_no_workshops_gets_guidance_not_an_empty_chart(member_a_client, team_a):
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "nothing to chart" in content
    assert '<svg class="app-chart' not in content


def test_facilitator_of_the_teams_workshop_and_admin_see_the_page(
    client, two_workshops, team_a, facilitator, admin_user
):
    for person in (facilitator, admin_user):
        assert client_for(client, person).get(team_url(team_a)).status_code == 200


@pytest.mark.parametrize("who", ["member_b", "other_facilitator"])
def test_others_get_404(client, two_workshops, team_a, member_b, who):
    person = member_b if who == "member_b" else make_user("ola", groups=["Facilitators"])
    assert client_for(client, person).get(team_url(team_a)).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, team_a):
    assert client.get(team_url(team_a)).status_code == 302


def test_unknown_team_is_404(member_a_client):
    assert member_a_client.get(reverse("teams:detail", args=["no-such-team"])).status_code == 404


def test_team_page_refuses_post(member_a_client, team_a):
    assert member_a_client.post(team_url(team_a)).status_code == 405


def test_team_page_queries_stay_flat_from_2_to_50_workshops(
    member_a_client, team_a, facilitator, rubric, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n, start):
        for i in range(n):
            make_closed_workshop(
                team_a,
                facilitator,
                date(2020, 1, 1) + timedelta(days=7 * (start + i)),
                [1 + (start + i) % 5, 3, 2, 4, 1],
                experiment_status="finished" if i % 2 else None,
            )

    add(2, 0)
    with CaptureQueriesContext(connection) as two:
        member_a_client.get(team_url(team_a))
    add(48, 2)
    with django_assert_max_num_queries(len(two)):
        response = member_a_client.get(team_url(team_a))
    assert response.content.decode().count("nhsuk-table__row") > 50


def _sections(content):
    """Each model's section of the team page: {model key: its HTML}."""
    parts = content.split('<section class="app-model-history"')[1:]
    return {re.search(r'data-model="([^"]+)"', p).group(1): p.split("</section>")[0] for p in parts}


def _series(html):
    return re.findall(r'<g class="app-chart__series" data-area="([^"]+)"', html)


def _chooser(content):
    """The model chooser's links: [(model key, whether it is the one shown)]."""
    nav = content.split('<nav class="app-model-choice"')[1].split("</nav>")[0]
    return [
        (key, bool(current))
        for key, current in re.findall(
            r'href="\?model=([^"#]+)#history"( aria-current="page")?', nav
        )
    ]


def test_the_page_shows_one_models_history_at_a_time_the_latest_workshops_first(
    member_a_client, team_a, two_models
):
    engineering, product = two_models[2].model, two_models[0].model
    content = member_a_client.get(team_url(team_a)).content.decode()
    # Each model the team used is a link (no JavaScript needed), the latest workshop's first
    # and shown; the other model's history is not on the page.
    assert _chooser(content) == [(engineering.key, True), (product.key, False)]
    assert list(_sections(content)) == [engineering.key]
    asked = member_a_client.get(team_url(team_a), {"model": engineering.key}).content.decode()
    assert _sections(asked) == _sections(content)

    content = member_a_client.get(team_url(team_a), {"model": product.key}).content.decode()
    assert _chooser(content) == [(engineering.key, False), (product.key, True)]
    sections = _sections(content)
    assert list(sections) == [product.key]
    html = sections[product.key]
    # Its workshops (newest first), its charts, its summary and tables: this model's alone.
    table = html[html.index('id="workshops"') :]
    assert table.index("9 June 2026") < table.index("10 March 2026")
    assert "15 September 2026" not in html and "1 July 2026" not in html
    names = set(product.areas.values_list("name", flat=True))
    assert sorted(_series(html)) == sorted([*names, *names])  # wide and narrow line charts
    wide = html.split("app-chart__svg--wide")[1].split("</svg>")[0]
    ticks = re.findall(r'text-anchor="end" fill="#212b32">(\d+)</text>', wide)
    assert ticks == ["1", "2", "3", "4", "5"]
    assert "Agreed scores from 2 workshops, 10 March 2026 to 9 June 2026" in html
    assert "Product team maturity model: agreed scores by workshop" in html
    assert "Engineering quality review: agreed scores" not in content
    # What the team does next stays at the top whichever model is shown.
    assert content.index("Current experiment") < content.index('id="history"')


def test_each_models_charts_are_on_its_own_scale(member_a_client, team_a, two_models):
    for workshop, levels in ((two_models[2], 4), (two_models[0], 5)):
        model = workshop.model
        html = _sections(
            member_a_client.get(team_url(team_a), {"model": model.key}).content.decode()
        )[model.key]
        wide = html.split("app-chart__svg--wide")[1].split("</svg>")[0]
        ticks = re.findall(r'text-anchor="end" fill="#212b32">(\d+)</text>', wide)
        assert ticks == [str(n) for n in range(1, levels + 1)]
        radar = html.split("app-chart__svg--radar app-chart__svg--wide")[1].split("</svg>")[0]
        assert re.findall(r'class="app-chart__ring"[^>]*data-level="(\d+)"', radar) == [
            str(n) for n in range(1, levels + 1)
        ]


def test_the_next_steps_and_the_downloads_come_before_the_history(
    member_a_client, team_a, two_models
):
    content = member_a_client.get(team_url(team_a)).content.decode()
    order = [
        "Current experiment",
        "Latest workshop",
        "15 September 2026<span",  # the latest workshop, on any model, with its summary
        "Download as CSV",
        "Download as JSON",
        'id="history"',
        'id="workshops"',
        "app-chart__svg",
        'id="learning"',
    ]
    assert [content.index(text) for text in order] == sorted(content.index(t) for t in order)


@pytest.mark.parametrize("asked", ["no-such-model", "<script>alert(1)</script>", "x" * 300])
def test_a_model_the_team_has_not_used_shows_the_latest_with_a_note(
    member_a_client, team_a, two_models, asked
):
    response = member_a_client.get(team_url(team_a), {"model": asked})
    content = response.content.decode()
    assert response.status_code == 200
    assert list(_sections(content)) == ["engineering-quality"]
    assert "has no history on the model in the link" in content
    assert "<script>alert" not in content and "x" * 300 not in content


def test_a_model_tried_only_from_the_playbook_has_its_own_history(
    member_a_client, team_a, two_models
):
    ucd = MaturityModel.objects.get(key="user-centred-design")
    tried = make_experiment(
        team_a, area=ucd.areas.get(order=2), status="finished", learning="UCD-LEARNING"
    )
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert (ucd.key, False) in _chooser(content)
    assert "(experiments only)" in content
    assert "UCD-LEARNING" not in content  # another model's learning
    content = member_a_client.get(team_url(team_a), {"model": ucd.key}).content.decode()
    html = _sections(content)[ucd.key]
    assert "UCD-LEARNING" in html
    assert reverse("experiments:detail", args=[tried.pk]) in html
    assert "<svg" not in html and 'id="workshops"' not in html


def test_a_model_without_a_finished_workshop_gets_its_own_empty_state(
    member_a_client, team_a, two_workshops, facilitator
):
    from workshops.models import Workshop

    ucd = MaturityModel.objects.get(key="user-centred-design")
    Workshop.objects.create(team=team_a, facilitator=facilitator, model=ucd, rubric=ucd.snapshot())
    content = member_a_client.get(team_url(team_a)).content.decode()
    sections = _sections(content)
    assert list(sections) == ["user-centred-design"]  # its workshop is the latest
    assert "No workshop on this model has finished" in sections["user-centred-design"]
    assert "<svg" not in sections["user-centred-design"]
    content = member_a_client.get(team_url(team_a), {"model": "product-team-maturity"})
    html = _sections(content.content.decode())["product-team-maturity"]
    assert "No workshop on this model has finished" not in html
    assert "<svg" in html


def test_a_two_area_model_gets_a_table_instead_of_a_radar(
    member_a_client, rubric, team_a, facilitator
):
    two = make_model("two-areas", areas=2, levels=3)
    make_closed_workshop(team_a, facilitator, date(2026, 5, 1), [1, 3], model=two)
    make_closed_workshop(team_a, facilitator, date(2026, 6, 1), [2, 3], model=two)
    content = member_a_client.get(team_url(team_a)).content.decode()
    assert "app-chart__svg--radar" not in content
    assert "A radar chart needs three areas or more" in content
    assert "Up 1" in content  # the table still compares the two workshops


def test_team_page_queries_stay_flat_with_models_areas_and_workshops(
    member_a_client, team_a, facilitator, rubric, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_closed_workshop(team_a, facilitator, date(2019, 1, 1), [1, 2, 3, 4, 5])
    with CaptureQueriesContext(connection) as one:
        member_a_client.get(team_url(team_a))
    models = [
        rubric,
        *MaturityModel.objects.exclude(pk=rubric.pk),
        make_model("widest", areas=12, levels=7),
    ]
    assert len(models) >= 4  # every shipped model and the widest the service allows
    for i in range(6 * len(models)):
        model = models[i % len(models)]
        count = model.areas.count()
        make_closed_workshop(
            team_a,
            facilitator,
            date(2020, 1, 1) + timedelta(days=7 * i),
            [1 + (i + n) % 3 for n in range(count)],
            model=model,
            chosen=i % count,
            experiment_status="finished" if i % 2 else None,
        )
    # Whichever model is shown, the page costs what one workshop on one model did.
    for model in models:
        with django_assert_max_num_queries(len(one)):
            response = member_a_client.get(team_url(team_a), {"model": model.key})
        content = response.content.decode()
        assert list(_sections(content)) == [model.key]
        assert content.count("app-chart__svg--radar app-chart__svg--wide") == 1
        assert len(_chooser(content)) == len(models)


def test_dashboard_shows_my_teams_current_experiment_and_overdue(
    member_a_client, rubric, team_a, team_b
):
    running = make_experiment(team_a, status="running", review_date=timezone.localdate())
    make_experiment(team_b, status="running", change="team b's secret plan")
    overdue = make_experiment(
        team_a, status="planned", review_date=timezone.localdate() - timedelta(days=5)
    )
    content = member_a_client.get("/").content.decode()
    assert reverse("experiments:detail", args=[running.pk]) in content
    assert "Review due today" in content
    assert "Overdue for review" in content
    assert reverse("experiments:detail", args=[overdue.pk]) in content
    assert "team b" not in content.lower()


def test_dashboard_names_the_model_of_each_experiment(member_a_client, rubric, team_a):
    security = MaturityModel.objects.get(key="engineering-quality").areas.get(key="security")
    make_experiment(team_a, area=security, status="running")
    make_experiment(
        team_a,
        area=rubric.areas.get(order=1),
        review_date=timezone.localdate() - timedelta(days=2),
    )
    content = member_a_client.get("/").content.decode()
    assert "Engineering quality review: Security</a>" in content  # the current experiment
    assert "Team A, Product team maturity model: Collaboration experiment</a>" in content


def test_dashboard_queries_stay_flat(client, rubric, django_assert_max_num_queries):
    from tests.conftest import make_team

    person = make_user("many")
    for i in range(12):
        team = make_team(f"Team {i}", person)
        make_experiment(team, status="running")
        make_experiment(team, review_date=timezone.localdate() - timedelta(days=1))
    signed_in = client_for(client, person)
    with django_assert_max_num_queries(6):
        response = signed_in.get("/")
    assert response.content.decode().count("app-team-card") == 12


def test_dashboard_refuses_post(member_a_client):
    assert member_a_client.post("/").status_code == 405
