"""The live room is pushed: in real Chromium against the service under
uvicorn, a phone sees the reveal and the facilitator's screen sees a vote
counted without any poll, and an idle room asks the service for nothing.
(The fallback poll behind a buffering proxy, and a restart mid-area, are in
tests/reliability/: they need real servers.)"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_workshop import create_workshop, setup_team  # noqa: F401, F811

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def requests_to(page, pattern: str) -> list[str]:
    """Every GET the page makes whose URL matches `pattern`, from now on."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: seen.append(r.url) if r.method == "GET" and re.search(pattern, r.url) else None,
    )
    return seen


def test_a_vote_and_a_reveal_arrive_without_a_poll(
    page,
    browser,
    live_server,
    setup_team,  # noqa: F811
):
    code = create_workshop(page, live_server)
    context = browser.new_context(viewport={"width": 390, "height": 800})
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/workshops/join/{code}/")
        phone.get_by_role("button", name="Join the workshop").click()
        expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
        expect(page.get_by_test_id("joined-count")).to_have_text("1")

        page.get_by_role("button", name="Next: Collaboration").click()
        expect(phone.get_by_role("heading", name="Collaboration")).to_be_visible()
        screen_polls = requests_to(page, r"/workshops/\d+/\?")
        phone_asks = requests_to(phone, r"/workshops/live/[A-Z0-9]+/\?")

        # An idle room: longer than the fallback poll's interval, no request.
        phone.wait_for_timeout(3000)
        assert phone_asks == [] and screen_polls == []

        phone.get_by_role("button", name=re.compile("^3")).click()
        expect(phone.get_by_text("Your vote is in: level 3")).to_be_visible()
        expect(page.get_by_test_id("voted-count")).to_have_text("1")  # pushed
        page.get_by_role("button", name="Reveal the votes on Collaboration").click()
        expect(phone.get_by_text("The votes are revealed on the shared screen.")).to_be_visible()
        expect(phone.get_by_text("You chose level 3.")).to_be_visible()
        assert_accessible(phone)

        # The screen polled never; the phone asked for its room once, told
        # by its stream that the reveal changed it.
        assert screen_polls == []
        assert len(phone_asks) == 1
        assert not page.console_errors
    finally:
        context.close()
