"""Whole workshops on models other than the default, in real Chromium: the
shipped engineering quality review (a 4-level scale, 7 areas) with two
phones, and the largest model the service allows (12 areas x 7 levels, built
here) at 320 px. axe checks every kind of page on the way."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from experiments.models import Experiment
from maturity.interchange import import_model
from maturity.models import MAX_AREAS, MAX_SCALE
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_workshop import write_experiment
from tests.e2e.test_workshop_keyboard_zoom import assert_no_horizontal_scroll
from workshops.models import AreaScore, Vote, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup_team(db):
    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])
    make_team("Repeat Prescriptions", make_user("morgan", first_name="Morgan"))


def largest_model() -> dict:
    """A model file at the service's limits: MAX_AREAS areas, MAX_SCALE levels."""
    return {
        "format_version": 1,
        "key": "largest",
        "name": "Largest model",
        "description": "Every area and level the service allows.",
        "framing": "Scores start a conversation.",
        "scale": [{"number": n, "label": f"Point {n}"} for n in range(1, MAX_SCALE + 1)],
        "areas": [
            {
                "key": f"area-{a}",
                "name": f"Area number {a} with a long name",
                "summary": f"What area {a} is about.",
                "levels": [
                    {
                        "number": n,
                        "title": f"Level {n} of area {a}",
                        "descriptor": f"A team at level {n} in area {a} works like this. " * 3,
                    }
                    for n in range(1, MAX_SCALE + 1)
                ],
                "prompts": [f"What would move area {a} up a level?"],
            }
            for a in range(1, MAX_AREAS + 1)
        ],
    }


def create_workshop(page, live_server, model_name: str, team: str = "Repeat Prescriptions") -> str:
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}/workshops/new/")
    page.locator("select[name=team]").select_option(label=team)
    # The group's last model (here the default: its first workshop) is
    # preselected, and named as soon as the group is chosen (create.js).
    last_used = page.get_by_role("radio", name=re.compile(f"{team} has not held a workshop yet"))
    expect(last_used).to_be_checked()
    expect(last_used).to_have_accessible_name(re.compile("^The default, Product team maturity"))
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(f"^{model_name}")).check(force=True)
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(team)
    return page.get_by_test_id("join-code").inner_text()


def join(browser, live_server, code: str, width: int = 390):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/workshops/join/{code}/")
    phone.get_by_role("button", name="Join the workshop").click()
    expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
    return phone


def test_a_whole_workshop_on_the_four_level_engineering_review(
    page, browser, live_server, setup_team
):
    code = create_workshop(page, live_server, "Engineering quality review")
    # The screen names its model in the slim header above the step.
    expect(page.get_by_role("banner")).to_contain_text("Engineering quality review")
    workshop = Workshop.objects.get()
    areas = [area["name"] for area in workshop.areas]
    assert len(areas) == 7 and workshop.level_numbers == [1, 2, 3, 4]
    phones = [join(browser, live_server, code) for _ in range(2)]
    assert_accessible(phones[0])

    for number, area in enumerate(areas, start=1):
        page.get_by_role("button", name=f"Next: {area}").click()
        expect(page.get_by_text(f"Area {number} of 7")).to_be_visible()
        expect(page.locator(".app-levels--presenter .app-level")).to_have_count(4)
        for n, phone in enumerate(phones):
            expect(phone.get_by_role("heading", name=area)).to_be_visible()
            expect(phone.locator(".app-vote")).to_have_count(4)
            phone.locator(".app-vote").nth(n * 3).click()  # levels 1 and 4
            expect(phone.get_by_text(f"Your vote is in: level {n * 3 + 1}")).to_be_visible()
        if number == 1:
            assert_accessible(page)
            assert_accessible(phones[1])
        expect(page.get_by_test_id("voted-count")).to_have_text("2")
        page.get_by_role("button", name=f"Reveal the votes on {area}").click()
        stats = page.locator(".app-spread__stats")
        expect(stats).to_contain_text(re.compile("lowest 1", re.I))
        expect(stats).to_contain_text(re.compile("highest 4", re.I))
        # One bar per level of this model's scale, none for a fifth.
        expect(page.locator(".app-spread__bars li")).to_have_count(4)
        if number == 1:
            assert_accessible(page)
        page.locator(f"#record input[name=score][value='{(number % 4) + 1}']").check(force=True)
        page.get_by_label("What helps us").fill(f"{area} helps")
        expect(page.locator("#record-status")).to_contain_text("Saved at")

    page.get_by_role("button", name="Next: Choose an area").click()
    expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(f"^{areas[4]}")).check(force=True)
    page.get_by_role("button", name="Choose this area").click()
    expect(page.get_by_role("heading", name=f"Write the experiment for {areas[4]}")).to_be_visible()
    assert_accessible(page)
    write_experiment(page)
    expect(page.get_by_role("heading", name="What we found")).to_be_visible()
    page.get_by_role("link", name="Open the printable summary").click()
    summary = page.locator("main")
    expect(summary).to_contain_text("Engineering quality review")
    expect(summary).to_contain_text(re.compile(r"\b[1-4] of 4\b"))
    for area in areas:
        expect(summary).to_contain_text(f"{area} helps")
    assert_accessible(page)
    assert not page.console_errors, page.console_errors

    assert Vote.objects.count() == 14
    assert max(AreaScore.objects.values_list("score", flat=True)) == 4
    experiment = Experiment.objects.get()
    assert experiment.area.model.key == "engineering-quality"
    for phone in phones:
        phone.context.close()


def test_the_largest_model_runs_and_reflows_at_320_px(browser, live_server, setup_team):
    import_model(largest_model())
    screen = browser.new_context(viewport={"width": 320, "height": 640})
    screen.set_default_timeout(10_000)
    page = screen.new_page()
    code = create_workshop(page, live_server, "Largest model")
    assert_no_horizontal_scroll(page, "presenter: open")
    phone = join(browser, live_server, code, width=320)

    page.get_by_role("button", name="Next: Area number 1 with a long name").click()
    expect(page.get_by_text(f"Area 1 of {MAX_AREAS}")).to_be_visible()
    expect(page.locator(".app-levels--presenter .app-level")).to_have_count(MAX_SCALE)
    assert_no_horizontal_scroll(page, "presenter: area")
    expect(phone.locator(".app-vote")).to_have_count(MAX_SCALE)
    phone.locator(".app-vote").nth(MAX_SCALE - 1).click()
    expect(phone.get_by_text(f"Your vote is in: level {MAX_SCALE}")).to_be_visible()
    assert_no_horizontal_scroll(phone, "participant: voted")
    assert_accessible(phone)
    page.get_by_role("button", name="Reveal the votes on Area number 1 with a long name").click()
    expect(page.locator(".app-spread__bars li")).to_have_count(MAX_SCALE)
    assert_no_horizontal_scroll(page, "presenter: revealed")
    page.locator(f"#record input[name=score][value='{MAX_SCALE}']").check(force=True)
    page.get_by_label("What helps us").fill("The top of the scale")
    expect(page.locator("#record-status")).to_contain_text("Saved at")
    assert_accessible(page)

    choose = Workshop.objects.get().choose_step
    page.get_by_role("button", name=f"Go to step {choose + 1}: Choose an area").click()
    expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
    assert_no_horizontal_scroll(page, "presenter: choose")
    assert_accessible(page)
    # The one area with an agreed level (an area nobody scored is refused).
    page.get_by_role("radio", name=re.compile("^Area number 1 with")).check(force=True)
    page.get_by_role("button", name="Choose this area").click()
    write_experiment(page)
    page.get_by_role("link", name="Open the printable summary").click()
    assert_no_horizontal_scroll(page, "summary")
    expect(page.locator("main")).to_contain_text(f"{MAX_SCALE} of {MAX_SCALE}")
    assert_accessible(page)
    assert AreaScore.objects.get(score__isnull=False).score == MAX_SCALE
    screen.close()
    phone.context.close()
