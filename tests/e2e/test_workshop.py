"""A whole live workshop in real Chromium: a facilitator on the shared screen
and three phones voting; then the same workshop run by the facilitator alone
with JavaScript switched off."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from experiments.models import Experiment
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from workshops.models import AreaScore, Vote, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]


@pytest.fixture
def setup_team(db):
    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])
    member = make_user("morgan", first_name="Morgan")
    make_team("Repeat Prescriptions", member)


def create_workshop(page, live_server) -> str:
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}/workshops/")
    page.get_by_role("link", name="Start a new workshop").click()
    page.locator("select[name=team]").select_option(label="Repeat Prescriptions")
    page.get_by_label("Title").fill("Autumn workshop")
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Repeat Prescriptions")
    return page.get_by_test_id("join-code").inner_text()


def wait_until_saved(page, area: str, holds_back: str) -> None:
    """Autosave is debounced: wait (in the browser's time) until the text is stored."""
    for _ in range(50):
        if AreaScore.objects.filter(area__name=area, holds_back=holds_back).exists():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"notes for {area} were not autosaved")


def write_experiment(page):
    page.get_by_label("We believe that").fill("showing our work to users every fortnight")
    page.get_by_label("will result in").fill("decisions grounded in what users need")
    page.get_by_label("We will know this when we see").fill("fewer changes after release")
    page.get_by_label("First actions").fill("Book the first show and tell")
    page.get_by_label("Or the owner's name").fill("Priya")
    page.get_by_role("button", name="Save the experiment").click()


def test_a_whole_workshop_with_three_phones(page, browser, live_server, setup_team):
    code = create_workshop(page, live_server)
    assert_accessible(page)

    phones = []
    for name in ["Sam", "Kit", ""]:
        phone_context = browser.new_context(viewport={"width": 390, "height": 844})
        phone_context.set_default_timeout(10_000)
        phone = phone_context.new_page()
        phone.goto(f"{live_server.url}/workshops/join/")
        phone.get_by_label("Workshop code").fill(code.lower())
        if name:
            phone.get_by_label("Your name (optional)").fill(name)
        phone.get_by_role("button", name="Join the workshop").click()
        expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
        phones.append(phone)
    expect(page.get_by_test_id("joined-count")).to_have_text("3")

    for number, area in enumerate(AREAS, start=1):
        page.get_by_role("button", name=f"Next: {area}").click()
        expect(page.get_by_text(f"Area {number} of 5")).to_be_visible()
        for n, phone in enumerate(phones):
            expect(phone.get_by_role("heading", name=area)).to_be_visible()
            # Levels 2, 3 and 4: median 3, a spread of two.
            phone.locator(".app-vote").nth(n + 1).click()
            expect(phone.get_by_text(f"Your vote is in: level {n + 2}")).to_be_visible()
        if number == 1:
            # A phone changes its mind before the reveal.
            phones[0].locator(".app-vote").nth(0).click()
            expect(phones[0].get_by_text("Your vote is in: level 1")).to_be_visible()
            assert_accessible(phones[0])
        expect(page.get_by_test_id("voted-count")).to_have_text("3")
        assert "Sam" not in page.locator("#live").inner_text()
        page.get_by_role("button", name=f"Reveal the votes on {area}").click()
        expect(page.locator(".app-spread__stats")).to_contain_text("highest 4")
        if number == 1:
            expect(page.locator(".app-spread__wide")).to_contain_text("Wide spread")
            assert_accessible(page)
        expect(phones[0].get_by_text("The votes are revealed")).to_be_visible()

        page.locator(f"#record input[name=score][value='{number}']").check(force=True)
        page.get_by_label("What helps us").fill(f"{area} helps")
        page.get_by_label("What holds us back").fill(f"{area} holds back")
        expect(page.locator("#record-status")).to_contain_text("Saved at")
        wait_until_saved(page, area, f"{area} holds back")
        expect(page.locator("#record .nhsuk-warning-callout")).to_have_count(0)

    # Notes typed last were saved by autosave: a reload shows them.
    page.reload()
    expect(page.get_by_label("What holds us back")).to_have_value("Approach holds back")

    page.get_by_role("button", name="Next: Choose an area").click()
    expect(page.get_by_text("Delivery helps")).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Culture")).check(force=True)
    page.get_by_role("button", name="Choose this area").click()
    expect(page.get_by_role("heading", name="Write the experiment for Culture")).to_be_visible()
    write_experiment(page)
    expect(page.get_by_role("heading", name="What we found")).to_be_visible()
    expect(phones[1].get_by_role("heading", name="Voting is over")).to_be_visible()

    page.get_by_role("link", name="Open the printable summary").click()
    summary = page.locator("main")
    for area in AREAS:
        expect(summary).to_contain_text(f"{area} helps")
    expect(summary).to_contain_text("showing our work to users every fortnight")
    expect(summary).to_contain_text("Priya")
    expect(page.locator(".app-score-card--chosen")).to_contain_text("Culture")
    assert_accessible(page)
    assert not page.console_errors, page.console_errors

    workshop = Workshop.objects.get()
    assert Vote.objects.count() == 15
    assert sorted(AreaScore.objects.values_list("score", flat=True)) == [1, 2, 3, 4, 5]
    assert Experiment.objects.get().status == "planned"

    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    page.get_by_role("button", name="Close the workshop").click()
    expect(page.get_by_role("heading", name=re.compile("Workshop summary"))).to_be_visible()
    expect(phones[2].get_by_role("heading", name="This workshop has finished")).to_be_visible()
    for phone in phones:
        phone.context.close()


def test_the_facilitator_runs_a_workshop_alone_without_javascript(browser, live_server, setup_team):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    create_workshop(page, live_server)
    for number, area in enumerate(AREAS, start=1):
        page.get_by_role("button", name=f"Next: {area}").click()
        expect(page.get_by_text(f"Area {number} of 5")).to_be_visible()
        expect(page.locator("[data-timer-display]")).to_have_text("10:00")
        page.locator(f"#record input[name=score][value='{6 - number}']").check(force=True)
        page.get_by_label("What helps us").fill(f"{area} helps")
        page.get_by_role("button", name="Save score and notes").click()
        expect(page.get_by_text(f"Saved the score and notes for {area}.")).to_be_visible()
    page.get_by_role("button", name="Start timer").click()
    expect(page.locator(".app-timer__state")).to_have_text("running")
    page.get_by_role("button", name="Next: Choose an area").click()
    page.get_by_role("button", name="Choose this area").click()
    expect(page.get_by_text("Choose one area to work on.").first).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Delivery")).check(force=True)
    page.get_by_role("button", name="Choose this area").click()
    page.get_by_label("Review date").fill("2020-01-01")
    write_experiment(page)
    expect(page.get_by_text("The review date must be in the future.").first).to_be_visible()
    expect(page.get_by_label("First actions")).to_have_value("Book the first show and tell")
    page.get_by_label("Review date").fill("2099-01-01")
    page.get_by_role("button", name="Save the experiment").click()
    page.get_by_role("button", name="Close the workshop").click()
    summary = page.locator("main")
    expect(summary).to_contain_text("Workshop summary")
    for area in AREAS:
        expect(summary).to_contain_text(f"{area} helps")
    expect(page.locator(".app-score-card--chosen")).to_contain_text("Delivery")
    # axe-core needs JavaScript: check the same page in a context that has it.
    checker = browser.new_context(storage_state=context.storage_state())
    check_page = checker.new_page()
    check_page.goto(page.url)
    assert_accessible(check_page)
    checker.close()
    experiment = Experiment.objects.get()
    assert experiment.area.name == "Delivery" and experiment.review_date.year == 2099
    context.close()


def test_a_phone_keeps_focus_on_the_level_it_chose(page, browser, live_server, setup_team):
    code = create_workshop(page, live_server)
    page.get_by_role("button", name="Next: Collaboration").click()
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{live_server.url}/workshops/join/{code}/")
    phone.get_by_role("button", name="Join the workshop").click()
    phone.wait_for_function("() => window.htmx !== undefined")
    phone.locator(".app-vote").nth(3).focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Your vote is in: level 4")).to_be_visible()
    assert phone.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    phone.context.close()


def test_notes_typed_just_before_moving_on_are_saved(page, live_server, setup_team):
    create_workshop(page, live_server)
    page.get_by_role("button", name="Next: Collaboration").click()
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("What holds us back").press_sequentially("said in the last second")
    # Straight on, inside the autosave's debounce.
    page.get_by_role("button", name="Next: Focus").click()
    expect(page.get_by_text("Area 2 of 5")).to_be_visible()
    score = AreaScore.objects.get(area__name="Collaboration")
    assert score.holds_back == "said in the last second"


def test_a_dropped_connection_is_not_shown_as_saved(page, live_server, setup_team):
    create_workshop(page, live_server)
    page.get_by_role("button", name="Next: Collaboration").click()
    page.wait_for_function("() => window.htmx !== undefined")
    page.route("**/record/", lambda route: route.abort())
    page.get_by_label("What helps us").fill("typed while offline")
    expect(page.locator("#record-status")).to_contain_text("Not saved")
    expect(page.get_by_label("What helps us")).to_have_value("typed while offline")
    page.unroute("**/record/")
    page.get_by_label("What helps us").press_sequentially(".")
    expect(page.locator("#record-status")).to_contain_text("Saved at")
    assert AreaScore.objects.get(area__name="Collaboration").helps == "typed while offline."


def test_moving_on_waits_for_notes_queued_behind_a_slow_save(page, live_server, setup_team):
    """A save is still in flight when the last words are typed and Next is
    pressed: the page waits for them to be saved instead of dropping them."""
    create_workshop(page, live_server)
    page.get_by_role("button", name="Next: Collaboration").click()
    page.wait_for_function("() => window.htmx !== undefined")
    held = []

    def hold(route):  # the first save hangs until the test lets it go
        held.append(route)

    page.route("**/record/", hold)
    page.get_by_label("What helps us").fill("first thoughts")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first save was never sent"
    page.get_by_label("What holds us back").fill("the last words")
    page.get_by_role("button", name="Next: Focus").click()
    page.unroute("**/record/", hold)
    try:
        held[0].continue_()
    except Exception:  # noqa: BLE001 - the page may have gone (the bug this catches)
        pass
    expect(page.get_by_text("Area 2 of 5")).to_be_visible()
    score = AreaScore.objects.get(area__name="Collaboration")
    assert (score.helps, score.holds_back) == ("first thoughts", "the last words")
