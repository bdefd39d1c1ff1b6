"""A team member follows the team's history and finishes its experiment, in a real browser."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maturity.models import Level
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.history.factories import make_closed_workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history_of_two_workshops():
    from django.core.management import call_command

    call_command("load_models")
    member = make_user("alex")
    facilitator = make_user("fran", groups=[FACILITATORS])
    team = make_team("Repeat Prescriptions", member)
    older = make_closed_workshop(
        team,
        facilitator,
        date(2026, 3, 10),
        [2, 3, 1, 4, 2],
        chosen=2,
        experiment_status="finished",
    )
    newer = make_closed_workshop(
        team,
        facilitator,
        date(2026, 6, 9),
        [3, 3, 2, 4, 1],
        chosen=0,
        experiment_status="running",
    )
    return team, older, newer


def test_member_follows_the_history_and_finishes_the_experiment(
    page, live_server, history_of_two_workshops
):
    team, _older, newer = history_of_two_workshops
    sign_in(page, live_server, "alex")
    expect(page.get_by_text("Next review")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Repeat Prescriptions", exact=True).click()
    expect(page.get_by_role("heading", name="Repeat Prescriptions", level=1)).to_be_visible()
    line = page.get_by_role("img", name="Agreed score for each area, workshop by workshop")
    radar = page.get_by_role(
        "img", name="Agreed scores of the latest workshop against the one before"
    )
    expect(line.first).to_be_visible()
    # The tables and the radar open under the charts' text summaries.
    page.get_by_text("The scores by workshop, as a table", exact=True).click()
    expect(page.get_by_role("table", name="Agreed scores by workshop")).to_be_visible()
    page.get_by_text("The latest workshop against the one before", exact=True).click()
    expect(radar).to_be_visible()
    expect(page.get_by_role("table", name="Latest agreed scores")).to_be_visible()
    expect(page.locator("figcaption", has_text="Collaboration went up from 2 to 3")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Collaboration experiment").click()
    expect(page.get_by_role("heading", name="Experiment: Collaboration")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit the plan").click()
    assert page.get_by_label("We believe that…").input_value() == "we pair on every story"
    assert_accessible(page)
    page.get_by_role("link", name="Back to the experiment").click()

    page.get_by_role("link", name="Record the result").click()
    page.get_by_label("Hypothesis supported").check()
    page.get_by_label("What happened?").fill("We paired on every story for a month.")
    page.get_by_role("button", name="Finish the experiment").click()
    # Learning is required: the page says so and keeps what was typed.
    expect(page.get_by_role("alert").get_by_text("Write what the team learned")).to_be_visible()
    assert page.get_by_label("What happened?").input_value().startswith("We paired")
    assert_accessible(page)

    page.get_by_label("What did the team learn?").fill("Pairing spreads knowledge fast.")
    page.get_by_role("button", name="Finish the experiment").click()
    expect(page.get_by_text("Result recorded")).to_be_visible()
    expect(page.get_by_text("Pairing spreads knowledge fast.").first).to_be_visible()
    expect(page.locator(".nhsuk-tag", has_text="Finished")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Home").first.click()
    card = page.locator(".app-team-card")
    expect(card.get_by_text("No experiment planned or running.")).to_be_visible()
    assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_past_workshop_shows_the_rubric_text_the_team_scored_against(
    page, live_server, history_of_two_workshops
):
    team, older, _newer = history_of_two_workshops
    level = Level.objects.get(area=older.chosen_area, number=1)
    old_text = level.descriptor
    level.descriptor = "Text an admin wrote after the workshop."
    level.save()

    sign_in(page, live_server, "alex")
    page.goto(f"{live_server.url}{reverse('teams:detail', args=[team.slug])}")
    page.get_by_role("link", name="10 March 2026 workshop summary").click()
    expect(page.get_by_text(old_text).first).to_be_visible()
    assert page.get_by_text("Text an admin wrote after the workshop.").count() == 0
    assert_accessible(page)


@pytest.fixture
def history_on_five_models():
    """A team that has held three workshops on each of the five shipped models, a month
    apart, taking turns: the latest one's experiment is running, one planned experiment is
    overdue for review, the others finished or stopped."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from maturity.models import MaturityModel

    call_command("load_models")
    member = make_user("alex")
    facilitator = make_user("fran", groups=[FACILITATORS])
    team = make_team("Repeat Prescriptions", member)
    models = list(MaturityModel.objects.order_by("key"))
    assert len(models) == 5
    today = timezone.localdate()
    for n in range(15):
        model = models[n % 5]
        areas = model.areas.count()
        status = {14: "running", 13: "planned"}.get(n, "finished" if n % 2 else "stopped")
        make_closed_workshop(
            team,
            facilitator,
            today - timedelta(days=30 * (15 - n)),
            # Areas that tie, so the charts draw lines that share their points.
            [1 + (n // 5 + a // 2) % len(model.scale_numbers) for a in range(areas)],
            model=model,
            chosen=n % areas,
            experiment_status=status,
        )
    return team, models


def test_a_team_page_with_five_models_stays_short_on_a_desktop_and_a_phone(
    page, live_server, history_on_five_models
):
    team, models = history_on_five_models
    sign_in(page, live_server, "alex")
    url = f"{live_server.url}{reverse('teams:detail', args=[team.slug])}"
    latest = models[14 % 5]

    def top(locator) -> float:
        return locator.first.evaluate("e => e.getBoundingClientRect().top + window.scrollY")

    for width, tallest in ((1280, 3000), (390, 6000)):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        expect(page.get_by_role("heading", name=latest.name, exact=True, level=3)).to_be_visible()
        # Every model's history, one at a time, chosen by a link (no JavaScript needed).
        for model in [latest, *(m for m in models if m != latest)]:
            if model != latest:
                page.locator(".app-model-choice").get_by_role("link", name=model.name).click()
            heading = page.get_by_role("heading", name=model.name, exact=True, level=3)
            expect(heading).to_be_visible()
            expect(page.locator('.app-model-choice [aria-current="page"]')).to_contain_text(
                model.name
            )
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height < tallest, (width, model.key, height)
            # What the team does next, the downloads and the workshops come before the charts.
            downloads = top(page.get_by_role("link", name="Download as CSV"))
            workshops = top(page.get_by_role("heading", name="Workshops", exact=True))
            chart = top(page.locator(".app-chart__svg:visible"))
            assert top(page.get_by_text("Current experiment")) < downloads < workshops < chart
            assert downloads < 2 * 800, (width, downloads)  # within the first two screens
        assert_accessible(page)
    assert not page.console_errors, page.console_errors
