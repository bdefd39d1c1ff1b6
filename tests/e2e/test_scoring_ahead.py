"""Scoring ahead, in real Chromium: a workshop opened for scoring ahead,
five people score over two days (the workshops' clock moved on), two change
their minds, one adds a note; the facilitator sees counts only; the live
session starts with five voted on every area, two phones join and vote,
and the reveal shows seven with "5 ahead"; the note given ahead is a card
once the notes are shown. One person scores without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_room_contributions import assert_accessible_without_javascript, join_phone
from workshops.models import Vote, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = ["Sam", "Kit", "Ade", "Jo", ""]  # the last one gives no name


def open_ahead(page, live_server) -> str:
    """The facilitator creates the workshop, open for scoring ahead until
    9am in two days (the workshop's day), and copies the link."""
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}/workshops/new/")
    page.locator("select[name=team]").select_option(label="Repeat Prescriptions")
    day = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Date", exact=True).fill(f"{day.day} {day:%B %Y}")
    page.get_by_label("Open it for scoring ahead").check()
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", name="Scoring ahead", exact=True)).to_be_visible()
    expect(page.get_by_test_id("ahead-until")).to_contain_text(f"{day.day} {day:%B %Y}, 9am")
    assert_accessible(page)
    return page.get_by_label("The link to score ahead").input_value()


def score(browser, link: str, name: str, levels: list[int], *, javascript=True):
    """One person scores every area from the link, in their own browser."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    person = context.new_page()
    person.goto(link)
    if name:
        person.get_by_label("Your name (optional)").fill(name)
    person.get_by_role("button", name="Start scoring").click()
    for n, level in enumerate(levels, start=1):
        expect(person.get_by_text(f"Area {n} of {len(levels)}, scoring ahead")).to_be_visible()
        person.locator(f"button[name=level][value='{level}']").click()
        expect(person.get_by_text("Your vote on")).to_contain_text(f"level {level}")
        link_name = "Next area" if n < len(levels) else "Next: where to work"
        person.get_by_role("link", name=link_name).click()
    expect(person.get_by_role("heading", name="Where should the team work next?")).to_be_visible()
    return person


def test_five_score_ahead_and_the_session_starts_with_their_votes_in(
    page, browser, live_server, setup_team, clock
):
    link = open_ahead(page, live_server)
    code = link.rstrip("/").rsplit("/", 1)[-1]
    areas = Workshop.objects.get().area_count

    # Day one: three people score.
    people = [score(browser, link, name, [2] * areas) for name in PEOPLE[:3]]
    assert_accessible(people[0])

    # Day two: two more (one without JavaScript); two change their minds;
    # one adds a note.
    clock.offset = timedelta(days=1)
    people += [score(browser, link, PEOPLE[3], [3] * areas)]
    people += [score(browser, link, PEOPLE[4], [4] * areas, javascript=False)]
    assert_accessible_without_javascript(browser, people[4])
    for person, level in [(people[0], 5), (people[4], 1)]:
        person.get_by_role("link", name="All areas and what you gave").click()
        person.get_by_role("link", name="Collaboration").click()
        person.locator(f"button[name=level][value='{level}']").click()
        expect(person.get_by_text("Your vote on Collaboration is in")).to_contain_text(
            f"level {level}"
        )
    people[1].get_by_role("link", name="All areas and what you gave").click()
    expect(people[1].get_by_test_id("scored")).to_have_text(str(areas))
    expect(people[1].get_by_text("Your vote: level 2").first).to_be_visible()
    expect(people[1].get_by_text("level 5")).to_have_count(0)  # only their own
    people[1].get_by_role("link", name="Collaboration").click()
    people[1].get_by_label("Holds us back", exact=True).check(force=True)
    people[1].get_by_label("Your note", exact=True).fill("Sign-off from three boards")
    people[1].get_by_role("button", name="Add the note").click()
    expect(people[1].get_by_text("Your note is added")).to_be_visible()

    # The facilitator sees counts, never who gave what.
    page.reload()
    expect(page.get_by_test_id("ahead-people")).to_have_text("5")
    expect(page.get_by_test_id("ahead-voted")).to_have_text(["5"] * areas)
    for name in PEOPLE[:4]:
        expect(page.get_by_text(name, exact=True)).to_have_count(0)
    assert_accessible(page)

    # The session starts: scoring ahead closes, five voted on every area.
    page.get_by_role("button", name="Start the live session").click()
    expect(page.get_by_text("Scoring ahead is closed")).to_be_visible()
    people[2].reload()
    expect(people[2].get_by_text("Scoring ahead has closed")).to_be_visible()
    phones = [join_phone(browser, live_server, code, name) for name in ("Room one", "Room two")]
    page.get_by_role("button", name="Next: Collaboration").click()
    expect(page.get_by_test_id("voted-count")).to_have_text("5")
    assert Vote.objects.filter(round=1).values("area").distinct().count() == areas

    # The two phones in the room vote; then the reveal: one spread.
    for phone, level in zip(phones, (3, 4), strict=True):
        expect(phone.get_by_role("heading", name="Collaboration")).to_be_visible()
        phone.locator(f"button[name=level][value='{level}']").click()
        expect(phone.get_by_text("Your vote is in")).to_be_visible()
    expect(page.get_by_test_id("voted-count")).to_have_text("7")
    page.get_by_role("button", name="Reveal the votes on Collaboration").click()
    expect(page.get_by_test_id("spread-ahead")).to_have_text("7 votes: 5 ahead, 2 in the session")
    expect(page.get_by_text("Sign-off from three boards")).to_have_count(0)
    page.get_by_role("button", name="Show the notes on Collaboration").click()
    expect(page.locator(".app-card__text")).to_have_text(["Sign-off from three boards"])
    assert_accessible(page)
    assert not page.console_errors
