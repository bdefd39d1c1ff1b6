"""A workshop for everyone: completed with the keyboard alone, and usable
at 320 CSS pixels wide and at 200% zoom (1280 px at 2x: a 640 px viewport)
with no horizontal scrolling (WCAG 2.2: 2.1.1 Keyboard, 2.4.7 Focus
Visible, 1.4.10 Reflow)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]


@pytest.fixture
def setup_team(db):
    call_command("load_default_rubric")
    make_user("fran", groups=[FACILITATORS])
    member = make_user("morgan", first_name="Morgan")
    make_team("Repeat Prescriptions", member)


# Reflow: 320 px, and 1280 px at 200% zoom.


def assert_no_horizontal_scroll(page: Page, what: str) -> None:
    page.wait_for_load_state()
    widths = page.evaluate(
        """() => {
          const d = document.documentElement;
          const wide = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 1)
            .slice(0, 5)
            .map((e) => `${e.tagName} ${Math.round(e.getBoundingClientRect().right)}`);
          return {scroll: d.scrollWidth, client: d.clientWidth, wide};
        }"""
    )
    assert widths["scroll"] <= widths["client"], f"{what} scrolls sideways: {widths}"


VIEWPORTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "200% zoom": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("size", VIEWPORTS)
def test_every_workshop_page_reflows_without_sideways_scrolling(
    browser, live_server, setup_team, size
):
    screen_context = browser.new_context(**VIEWPORTS[size])
    phone_context = browser.new_context(**VIEWPORTS[size])
    for context in (screen_context, phone_context):
        context.set_default_timeout(10_000)
    page, phone = screen_context.new_page(), phone_context.new_page()
    try:
        sign_in(page, live_server, "fran")
        page.goto(f"{live_server.url}/workshops/")
        assert_no_horizontal_scroll(page, "workshop list (empty)")
        page.goto(f"{live_server.url}/workshops/new/")
        assert_no_horizontal_scroll(page, "create")
        page.get_by_label("Team", exact=True).select_option(label="Repeat Prescriptions")
        page.get_by_label("Title").fill("A workshop with a rather long title to wrap")
        page.get_by_role("button", name="Create the workshop").click()
        code = page.get_by_test_id("join-code").inner_text()
        presenter = page.url
        assert_no_horizontal_scroll(page, "presenter: open")

        phone.goto(f"{live_server.url}/workshops/join/")
        assert_no_horizontal_scroll(phone, "join")
        phone.get_by_label("Workshop code").fill(code)
        phone.get_by_role("button", name="Join the workshop").click()
        expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: joined")

        page.get_by_role("button", name="Next: Collaboration").click()
        expect(page.get_by_text("Area 1 of 5")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: area")
        expect(phone.get_by_role("heading", name="Collaboration")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: voting")
        phone.locator(".app-vote").nth(4).click()
        expect(phone.get_by_text("Your vote is in: level 5")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: voted")
        page.get_by_role("button", name="Start timer").click()
        expect(page.locator(".app-timer__state")).to_have_text("running")
        page.get_by_role("button", name="Reveal the votes on Collaboration").click()
        expect(page.locator(".app-spread__stats")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: revealed")
        expect(phone.get_by_text("The votes are revealed")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: revealed")

        page.get_by_role("button", name="Pause the workshop").click()
        expect(phone.get_by_role("heading", name="The workshop is paused")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: paused")
        assert_no_horizontal_scroll(phone, "participant: paused")
        page.get_by_role("button", name="Resume the workshop").click()

        page.get_by_role("button", name="Go to step 7: Choose an area").click()
        expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: choose")
        expect(phone.get_by_role("heading", name="Voting is over")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: voting over")
        page.get_by_role("radio", name=re.compile("^Collaboration")).check(force=True)
        page.get_by_role("button", name="Choose this area").click()
        assert_no_horizontal_scroll(page, "presenter: experiment")
        page.get_by_role("button", name="Save the experiment").click()
        expect(page.locator(".nhsuk-error-summary")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: experiment with errors")
        page.get_by_role("button", name="Go to step 9: Summary").click()
        assert_no_horizontal_scroll(page, "presenter: summary step")
        page.get_by_role("link", name="Open the printable summary").click()
        assert_no_horizontal_scroll(page, "summary")
        page.goto(f"{live_server.url}/workshops/")
        assert_no_horizontal_scroll(page, "workshop list")
        page.goto(presenter)
        page.get_by_role("button", name="Close the workshop").click()
        expect(phone.get_by_role("heading", name="This workshop has finished")).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: finished")
        assert_no_horizontal_scroll(page, "summary, closed")
    finally:
        screen_context.close()
        phone_context.close()
