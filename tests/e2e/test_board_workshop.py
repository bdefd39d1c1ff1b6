"""A whole board workshop in real Chromium: the board's own model (a
four-point scale), eight board members voting on their phones, the chosen
area, the experiment, the summary and the board's history page, with axe on
every kind of page on the way. The words follow the board ("the board")."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from experiments.models import Experiment
from teams.models import Team
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_models import create_workshop, join
from tests.e2e.test_workshop import write_experiment
from workshops.models import AreaScore, Vote, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONES = 8


@pytest.fixture
def setup_board(db):
    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])
    make_team("Trust Board", make_user("cora", first_name="Cora"), kind=Team.Kind.BOARD)


def test_a_whole_board_workshop_with_eight_phones(page, browser, live_server, setup_board):
    code = create_workshop(page, live_server, "Digital leadership", team="Trust Board")
    expect(page.locator(".app-framing")).to_contain_text("around the board table")
    assert_accessible(page)
    workshop = Workshop.objects.get()
    areas = [area["name"] for area in workshop.areas]
    top = len(workshop.level_numbers)
    assert workshop.model.key == "board-digital-leadership"
    phones = [join(browser, live_server, code) for _ in range(PHONES)]
    assert_accessible(phones[0])

    for number, area in enumerate(areas, start=1):
        page.get_by_role("button", name=f"Next: {area}").click()
        expect(page.get_by_text(f"Area {number} of {len(areas)}")).to_be_visible()
        for n, phone in enumerate(phones):
            expect(phone.get_by_role("heading", name=area)).to_be_visible()
            phone.locator(".app-vote").nth(n % top).click()
            expect(phone.get_by_text(f"Your vote is in: level {n % top + 1}")).to_be_visible()
        if number == 1:
            expect(phones[0].get_by_text("Where is the board today?")).to_be_visible()
            assert_accessible(phones[0])
        expect(page.get_by_test_id("voted-count")).to_have_text(str(PHONES))
        page.get_by_role("button", name=f"Reveal the votes on {area}").click()
        expect(page.locator(".app-spread__bars li")).to_have_count(top)
        expect(page.get_by_role("heading", name=f"What the board agreed on {area}")).to_be_visible()
        if number == 1:
            assert_accessible(page)
        page.locator(f"#record input[name=score][value='{number % top + 1}']").check(force=True)
        page.get_by_label("What helps us").fill(f"{area} helps")
        expect(page.locator("#record-status")).to_contain_text("Saved at")

    page.get_by_role("button", name="Next: Choose an area").click()
    expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(f"^{areas[0]}")).check(force=True)
    page.get_by_role("button", name="Choose this area").click()
    expect(page.get_by_role("heading", name=f"Write the experiment for {areas[0]}")).to_be_visible()
    assert_accessible(page)
    write_experiment(page)
    expect(page.get_by_role("heading", name="What we found")).to_be_visible()

    page.get_by_role("link", name="Open the printable summary").click()
    summary = page.locator("main")
    expect(summary).to_contain_text("Digital leadership: a board's self-review")
    # Each level out of the board model's own scale: "2 of 4".
    expect(page.locator(".app-score-card__score").first).to_have_text(f"{1 % top + 1} of {top}")
    expect(summary).to_contain_text("showing our work to users every fortnight")
    expect(page.locator(".app-score-card--chosen")).to_contain_text(areas[0])
    assert_accessible(page)

    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    page.get_by_role("button", name="Close the workshop").click()
    expect(page.get_by_role("heading", name=re.compile("Workshop summary"))).to_be_visible()
    page.get_by_role("link", name="Trust Board: all workshops and experiments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trust Board")
    main = page.locator("main")
    expect(main).to_contain_text("Every workshop the board has held")
    expect(main).to_contain_text("Digital leadership: a board's self-review")
    expect(main).not_to_contain_text("the team")
    assert_accessible(page)
    assert not page.console_errors, page.console_errors

    assert Vote.objects.count() == PHONES * len(areas)
    assert AreaScore.objects.filter(score__isnull=False).count() == len(areas)
    assert Experiment.objects.get().area.model.key == "board-digital-leadership"
    for phone in phones:
        phone.context.close()
