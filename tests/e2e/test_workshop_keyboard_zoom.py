"""A workshop for everyone: completed with the keyboard alone, and usable
at 320 CSS pixels wide and at 200% zoom (1280 px at 2x: a 640 px viewport)
with no horizontal scrolling (WCAG 2.2: 2.1.1 Keyboard, 2.4.7 Focus
Visible, 1.4.10 Reflow)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import sign_in
from workshops.models import AreaScore, Vote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]


@pytest.fixture
def setup_team(db):
    call_command("load_models")
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
        page.locator("select[name=team]").select_option(label="Repeat Prescriptions")
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
        # The agreed level: an area is chosen only once the room has agreed one.
        page.locator("#record input[name=score][value='3']").check(force=True)
        page.get_by_label("What helps us").fill("Collaboration helps")
        expect(page.locator("#record-status")).to_contain_text("Saved at")

        page.get_by_role("button", name="Go to step 7: Choose an area").click()
        expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
        assert_no_horizontal_scroll(page, "presenter: choose")
        # The phones place their dots at the choose step.
        expect(
            phone.get_by_role("heading", name="Where should the team work next?")
        ).to_be_visible()
        assert_no_horizontal_scroll(phone, "participant: dots")
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


# Keyboard alone: Tab, Shift+Tab, Enter, Space and the arrow keys.

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const shows = (e, pseudo) => {
    const s = getComputedStyle(e, pseudo);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && s.outlineColor !== "transparent" && !/, 0\\)$/.test(s.outlineColor);
    return outline || (s.boxShadow && s.boxShadow !== "none");
  };
  const label = el.labels && el.labels[0];
  // NHS.UK radios draw their focus ring on the label's circle.
  const focus = shows(el) || (el.type === "radio" && label && shows(label, "::before"));
  const name = (label ? label.innerText : "") || el.innerText || el.value || "";
  return {name: name.trim().replace(/\\s+/g, " "), tag: el.tagName, type: el.type || "", focus};
}"""


def tab_to(page: Page, target: str | Callable[[dict], bool], *, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is `target` (a
    name it starts with, or a test); every element passed must show focus."""
    matches = target if callable(target) else lambda info: info["name"].startswith(target)
    key = "Shift+Tab" if back else "Tab"
    passed = []
    for _ in range(150):
        page.keyboard.press(key)
        info = page.evaluate(FOCUSED)
        if info is None:
            continue
        assert info["focus"], f"no visible focus on {info} (after {passed[-3:]})"
        if matches(info):
            return info
        passed.append(info["name"][:30])
    raise AssertionError(f"{key} never reached {target!r}: {passed}")


def radio(info: dict) -> bool:
    return info["type"] == "radio"


def test_a_whole_workshop_with_the_keyboard_alone(browser, live_server, setup_team):
    screen_context = browser.new_context(viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    for context in (screen_context, phone_context):
        context.set_default_timeout(10_000)
    page, phone = screen_context.new_page(), phone_context.new_page()
    keys = page.keyboard
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        tab_to(page, "Username")
        keys.type("fran")
        tab_to(page, "Password")
        keys.type("a-long-test-password")
        keys.press("Enter")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/workshops/")
        tab_to(page, "Start a new workshop")
        keys.press("Enter")
        page.wait_for_url("**/workshops/new/")
        tab_to(page, lambda info: info["tag"] == "SELECT")  # Team
        keys.press("ArrowDown")
        tab_to(page, "Create the workshop")
        keys.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Repeat Prescriptions")
        code = page.get_by_test_id("join-code").inner_text()
        page.wait_for_function("() => window.htmx !== undefined")

        phone.goto(f"{live_server.url}/workshops/join/{code}/")
        tab_to(phone, "Your name (optional)")
        phone.keyboard.type("Sam")
        phone.keyboard.press("Enter")
        expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
        phone.wait_for_function("() => window.htmx !== undefined")
        expect(page.get_by_test_id("joined-count")).to_have_text("1")

        for number, area in enumerate(AREAS, start=1):
            tab_to(page, f"Next: {area}")
            keys.press("Enter")
            expect(page.get_by_text(f"Area {number} of 5")).to_be_visible()

            expect(phone.get_by_role("heading", name=area)).to_be_visible()
            level = 6 - number
            tab_to(phone, f"{level} ")
            phone.keyboard.press("Space" if number % 2 else "Enter")
            expect(phone.get_by_text(f"Your vote is in: level {level}")).to_be_visible()

            expect(page.get_by_test_id("voted-count")).to_have_text("1")
            tab_to(page, f"Reveal the votes on {area}")
            keys.press("Enter")
            expect(page.locator(".app-spread__stats")).to_contain_text(f"Lowest {level}")

            # The agreed score: into the radios, then arrow keys (Space for 1).
            tab_to(page, radio)
            if number == 1:
                keys.press("Space")
            for _ in range(number - 1):
                keys.press("ArrowDown")
            tab_to(page, "What helps us")
            keys.type(f"{area} helps")
            tab_to(page, "What holds us back")
            keys.type(f"{area} holds back")
            # Leaving the notes saves them (and the page says so).
            keys.press("Tab")
            expect(page.locator("#record-status")).to_contain_text("Saved at")

        tab_to(page, "Next: Choose an area")
        keys.press("Enter")
        expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
        tab_to(page, radio)
        keys.press("ArrowDown")
        keys.press("ArrowDown")
        tab_to(page, "Choose this area")
        keys.press("Enter")

        expect(page.get_by_role("heading", name="Write the experiment for Culture")).to_be_visible()
        tab_to(page, "We believe that")
        keys.type("showing our work every fortnight")
        tab_to(page, "will result in")
        keys.type("decisions grounded in what users need")
        tab_to(page, "We will know this when we see")
        keys.type("fewer changes after release")
        tab_to(page, "Or the owner's name")
        keys.type("Priya")
        # Back up to a field passed over.
        tab_to(page, "First actions", back=True)
        keys.type("Book the first show and tell")
        tab_to(page, "Save the experiment")
        keys.press("Enter")

        expect(page.get_by_role("heading", name="What we found")).to_be_visible()
        expect(phone.get_by_role("heading", name="Voting is over")).to_be_visible()
        tab_to(page, "Close the workshop")
        keys.press("Enter")
        expect(page.get_by_role("heading", name=re.compile("Workshop summary"))).to_be_visible()
        summary = page.locator("main")
        for area in AREAS:
            expect(summary).to_contain_text(f"{area} holds back")
        expect(summary).to_contain_text("Book the first show and tell")
        expect(page.locator(".app-score-card--chosen")).to_contain_text("Culture")
        expect(phone.get_by_role("heading", name="This workshop has finished")).to_be_visible()

        assert Vote.objects.count() == 5
        scores = dict(AreaScore.objects.values_list("area__name", "score"))
        assert scores == {area: n for n, area in enumerate(AREAS, start=1)}
    finally:
        screen_context.close()
        phone_context.close()
