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
    phone_errors = []
    phone.on("console", lambda m: phone_errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda error: phone_errors.append(str(error)))
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
        expect(phone.get_by_role("button", name=re.compile("^3"))).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(page.get_by_test_id("voted-count")).to_have_text("1")  # pushed
        phone.get_by_label("Helps us").check()
        phone.get_by_role("textbox", name="Your note").fill("Pairing\nevery day")
        phone.get_by_role("button", name="Add the note").click()
        expect(phone.locator(".app-my-note__text")).to_have_text("Pairingevery day")
        expect(phone.get_by_role("textbox", name="Your note")).to_have_value("")
        page.get_by_role("button", name="Reveal the votes on Collaboration").click()
        expect(phone.get_by_text("The votes are revealed on the shared screen.")).to_be_visible()
        # Pushed to every phone alike; this phone marks its own vote and note.
        expect(phone.get_by_text("You chose level 3.")).to_be_visible()
        expect(phone.get_by_text("You did not vote on this area.")).to_be_hidden()
        expect(phone.locator(".app-my-note__text")).to_have_text("Pairingevery day")
        expect(phone.get_by_role("link", name=re.compile("^Change"))).to_be_visible()
        assert_accessible(phone)
        marked = phone.locator("#room").inner_text()

        # The screen polled never, and the phone never asked for its room:
        # the reveal came drawn in its stream, its vote and note came from
        # what the phone keeps.
        assert screen_polls == []
        assert phone_asks == []
        assert not page.console_errors and not phone_errors
        # What it shows is what the service draws for this phone itself.
        phone.reload()
        expect(phone.get_by_text("You chose level 3.")).to_be_visible()
        assert phone.locator("#room").inner_text() == marked
    finally:
        context.close()


def marked(name: str, id_: str, html: str, n: int) -> str:
    """An event of the stream (`name`) carrying the element `html`, marked
    as the stream's `n`th (a clock's state changed too: the same is kept)."""
    html = html.replace(f'id="{id_}"', f'id="{id_}" data-sent="{n}"', 1)
    html = html.replace('data-timer-state="', f'data-timer-state="{n}-', 1)
    return f"event: {name}\nid: {n}\ndata: {html}\n\n"


def test_events_that_follow_each_other_at_once_all_reach_the_shared_screens(
    page,
    live_server,
    setup_team,  # noqa: F811
):
    """The race of the missed vote, made on purpose: every element a shared
    screen's stream swaps is sent two states back to back (as a vote
    counted just after the page's first state, or two changes in a row).
    The second must show: htmx listens to the stream from the new element
    only once it has settled, and it dropped what came before that."""
    create_workshop(page, live_server)
    page.get_by_role("button", name="Next: Collaboration").click()
    expect(page.get_by_role("heading", name="Collaboration", level=2)).to_be_visible()
    run_screen = page.url
    presenter = page.get_by_role("link", name="Open presenter mode").get_attribute("href")
    for url in (run_screen, live_server.url + presenter):
        page.goto(url)
        expect(page.locator("[data-live-stream]")).to_be_attached()
        swapped = page.locator("[data-sse-swap]").evaluate_all(
            "all => all.map(e => [e.dataset.sseSwap, e.id, e.outerHTML.replace(/\\n/g, ' ')])"
        )
        assert {name for name, _, _ in swapped} >= {"live", "cards", "timer"}, url
        events = "retry: 600000\n\n" + "".join(
            marked(name, id_, html, n) for name, id_, html in swapped for n in (1, 2)
        )

        def stream(route, request, body=events):
            # Both at once; then nothing more comes.
            route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

        page.route("**/events/**", stream)
        # The fallback poll, when the stream has ended, hears that nothing changed.
        page.route(
            re.compile(r"/workshops/\d+/(screen/)?\?"), lambda route: route.fulfill(status=204)
        )
        page.reload()
        for _, id_, _ in swapped:
            expect(page.locator(f"#{id_}")).to_have_attribute("data-sent", "2", timeout=3000)
        page.unroute_all()
