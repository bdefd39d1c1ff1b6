"""Each step fits the room: on a projector or a meeting-room screen
(1280x720, 1920x1080) every step of the facilitator's screen shows what the
room must see and the facilitator's next control without scrolling, and
presenter mode shows the whole step at 1920x1080 (at 1280x720 all but the
room's cards after the first). Measured, not eyeballed: each required
element's box against the viewport, and the page's height. At 390 px and at
200% zoom (a 640x360 CSS viewport) nothing scrolls sideways. axe checks
every step at every size. One walk through the steps per size and model:
the default model (5 areas x 5 levels) and the board's (11 areas x 4)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from teams.models import Team
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_workshop_keyboard_zoom import assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECTORS = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
SIZES = {
    **{name: {"viewport": {"width": w, "height": h}} for name, (w, h) in PROJECTORS.items()},
    "390px": {"viewport": {"width": 390, "height": 844}},
    "200% zoom": {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2},
}
BOARD = ("Trust Board", "Digital leadership")
TEAM = ("Repeat Prescriptions", "Product team maturity")

# What must be in view at each step: CSS selectors, every match measured.
NEXT = ".app-step-buttons .nhsuk-button:not(.nhsuk-button--secondary)"
JOIN = ["[data-testid=join-code]", ".app-join__qr svg, .app-join__qr img"]
FACILITATOR = {
    "open": [*JOIN, "h1", "#live", NEXT],
    "area": [*JOIN, "#timer", "h1", ".app-level__title", "#live", "#record .nhsuk-radios", NEXT],
    "choose": [
        *JOIN,
        "h1",
        "#live",
        ".app-choose-form .nhsuk-radios__item",
        ".app-choose-form button",
    ],
    "experiment": [*JOIN, "h1", ".app-hypothesis .nhsuk-form-group", ".app-hypothesis button"],
    "summary": ["h1", ".app-experiment__hypothesis", ".app-score-list li", ".app-close button"],
}
PRESENTER = {
    "open": [*JOIN, "h1", "#live"],
    "area": [*JOIN, "h1", ".app-level", "#live"],
    "choose": ["h1", ".app-score-list li", "#live"],
    "experiment": ["h1", "#live"],
    "summary": ["h1", ".app-experiment__hypothesis", ".app-score-list li"],
}

OUT_OF_VIEW = """(selectors) => {
  const out = [];
  for (const selector of selectors) {
    const found = [...document.querySelectorAll(selector)];
    if (!found.length) out.push(`${selector}: missing`);
    for (const e of found) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.top < 0 || r.bottom > innerHeight + 1 || r.right > innerWidth + 1)
        out.push(`${selector} ${e.textContent.trim().slice(0, 30)}: `
          + `${Math.round(r.top)}-${Math.round(r.bottom)}`);
    }
  }
  return {out, height: document.documentElement.scrollHeight, viewport: innerHeight};
}"""


@pytest.fixture
def setup_groups(db):
    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])
    make_team(TEAM[0], make_user("morgan"))
    make_team(BOARD[0], make_user("cora"), kind=Team.Kind.BOARD)


def check(page: Page, size: str, step: str, required: dict, *, whole: bool = False) -> None:
    """At a projector's size, everything `required` at this step is in
    view at the top of the page (and with `whole`, nothing is below it);
    at any size, nothing scrolls sideways; and axe finds nothing."""
    page.wait_for_load_state()
    page.evaluate("window.scrollTo(0, 0)")
    what = f"{page.url} at {size}, {step}"
    if size in PROJECTORS:
        seen = page.evaluate(OUT_OF_VIEW, required[step])
        assert not seen["out"], f"{what}: out of view {seen['out']}"
        if whole:
            assert seen["height"] <= seen["viewport"], f"{what}: the page scrolls {seen}"
    assert_no_horizontal_scroll(page, what)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("size", "group"),
    [
        ("1280x720", TEAM),
        ("1280x720", BOARD),
        ("1920x1080", TEAM),
        ("1920x1080", BOARD),
        ("390px", TEAM),
        ("200% zoom", BOARD),
    ],
    ids=["1280x720-team", "1280x720-board", "1920x1080-team", "1920x1080-board", "390px", "200%"],
)
def test_every_step_fits_the_room(browser, live_server, setup_groups, size, group):
    context = browser.new_context(**SIZES[size])
    context.set_default_timeout(10_000)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page = context.new_page()
    try:
        sign_in(page, live_server, "fran")
        page.goto(f"{live_server.url}/workshops/new/")
        page.locator("select[name=team]").select_option(label=group[0])
        page.get_by_role("radio", name=re.compile(f"^{group[1]}")).check(force=True)
        page.get_by_role("button", name="Create the workshop").click()
        code = page.get_by_test_id("join-code").inner_text()
        screen = context.new_page()
        screen_url = re.sub(r"/workshops/(\d+)/.*", r"/workshops/\1/screen/", page.url)
        phone.goto(f"{live_server.url}/workshops/join/{code}/")
        phone.get_by_role("button", name="Join the workshop").click()
        expect(page.get_by_test_id("joined-count")).to_have_text("1")

        def both(step: str) -> None:
            check(page, size, step, FACILITATOR)
            screen.goto(screen_url)
            check(screen, size, step, PRESENTER, whole=size == "1920x1080")

        both("open")

        # An area: a vote and two notes from the phone, revealed and shown.
        page.get_by_role("button", name=re.compile("^Next: ")).click()
        expect(page.get_by_text(re.compile(r"^Area 1 of \d+$"))).to_be_visible()
        phone.locator(".app-vote").nth(1).click()
        expect(phone.get_by_text("Your vote is in: level 2")).to_be_visible()
        for kind, text in [("helps", "We sit together on Tuesdays"), ("holds_back", "Hand-offs")]:
            phone.locator(f"#note-kind-{kind}").check(force=True)
            phone.locator("textarea[name=text]").fill(text)
            phone.get_by_role("button", name="Add the note").click()
            expect(phone.locator(".app-my-note__text", has_text=text)).to_be_visible()
        page.get_by_role("button", name=re.compile("^Reveal the votes")).click()
        expect(page.locator(".app-spread__stats")).to_be_visible()
        page.get_by_role("button", name=re.compile("^Show the notes")).click()
        expect(page.locator("#cards .app-card")).to_have_count(2)
        page.locator("#record input[name=score][value='2']").check(force=True)
        expect(page.locator("#record-status")).to_contain_text("Saved")
        area = dict(FACILITATOR)
        # Every card in view on a 1080p screen; the first on a 720p one.
        area["area"] = [
            *FACILITATOR["area"],
            "#cards .app-card"
            if size == "1920x1080"
            else "#cards .app-cards__column:first-child li:first-child",
        ]
        check(page, size, "area", area)
        screen.goto(screen_url)
        presenter = dict(PRESENTER)
        presenter["area"] = [
            *PRESENTER["area"],
            "#cards .app-cards__column:first-child li:first-child",
        ]
        check(screen, size, "area", presenter, whole=size == "1920x1080")

        # Choose, with every area's dots counted.
        page.get_by_role("button", name=re.compile("Choose an area$")).click()
        expect(page.get_by_role("heading", name="Choose one area to work on")).to_be_visible()
        phone.get_by_role("button", name=re.compile("^Place a dot")).first.click()
        expect(phone.locator(".app-dots-left strong")).to_have_text("2")
        page.get_by_role("button", name="Show the dots").click()
        expect(page.locator(".app-tally li").first).to_be_visible(timeout=10_000)
        both("choose")

        page.locator(".app-choose-form input[type=radio]").first.check(force=True)
        page.get_by_role("button", name="Choose this area").click()
        expect(
            page.get_by_role("heading", name=re.compile("^Write the experiment"))
        ).to_be_visible()
        both("experiment")

        page.get_by_label("We believe that").fill("a different person running each retrospective")
        page.get_by_label("will result in").fill("everyone speaking up about what holds us back")
        page.get_by_label("We will know this when we see").fill("actions from more than two people")
        page.get_by_label("Or the owner's name").fill("Priya")
        page.get_by_role("button", name="Save the experiment").click()
        expect(page.get_by_role("heading", name="What we found")).to_be_visible()
        both("summary")
    finally:
        context.close()
        phone.context.close()
