"""The guides' pictures (`make screenshots`): the demo started afresh on a
throwaway SQLite database, a real Chromium driven through a workshop with
five phones, and the PNGs written to docs/images/: every step of the
workshop as a projector shows it (1280x720, the whole screen, no scrolling),
presenter mode, and a phone's (390 px). Run it again after changing a page
and commit the pictures with the change; the guides' alt text says what
each one shows, so keep a picture's subject when you change it. It serves
on 8000 (as `make run`), or on $PORT (`make screenshots PORT=8101`)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
DESKTOP = {"width": 1280, "height": 900}
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
TEAM = "Repeat Prescriptions"
AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]
PHONES = ["Sam", "Kit", "Ade", "Jo", ""]

sys.path.insert(0, str(ROOT / "scripts"))
from ensure_browser import playwright_chromium, system_chromium  # noqa: E402


def free_port() -> int:
    """$PORT, else 8000 as `make run` serves, so the pictures show its join
    links; any free port if something is serving there already."""
    for port in (int(os.environ.get("PORT") or 8000), 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise SystemExit("No free port")


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_demo(folder: str) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "SECRET_KEY": "screenshots-only",
    }
    for step in (["migrate", "--noinput"], ["load_models"], ["seed_demo"]):
        manage(env, *step)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The demo did not start")


def shot(
    page, name: str, *, full_page: bool = False, height: int | None = None, scroll_to=None
) -> None:
    """The page as it is (the viewport), the whole of it, or its top `height`
    pixels: the guides show what matters, not a page of footer."""
    page.wait_for_timeout(300)  # let the last swap settle
    page.evaluate("document.activeElement && document.activeElement.blur()")
    if scroll_to is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        page.locator(scroll_to).evaluate("e => e.scrollIntoView()")
    clip = (
        {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height} if height else None
    )
    page.screenshot(
        path=IMAGES / f"{name}.png",
        full_page=full_page or bool(height),
        clip=clip,
        animations="disabled",
    )
    print(f"  docs/images/{name}.png")


def sign_in(context, url: str, username: str, password: str):
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    return page


def workshop(browser, url: str) -> None:
    desk = browser.new_context(viewport=PROJECTOR)
    screen = sign_in(desk, url, "facilitator", "demo-facilitator")
    screen.goto(f"{url}/workshops/")
    screen.get_by_role("link", name="Start a new workshop").click()
    screen.locator("select[name=team]").select_option(label=TEAM)
    screen.get_by_label("Title").fill("Spring workshop")
    screen.get_by_role("button", name="Create the workshop").click()
    code = screen.get_by_test_id("join-code").inner_text()
    shot(screen, "facilitator-opening")

    phones = []
    for name in PHONES:
        phone = browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
        phone.goto(f"{url}/workshops/join/")
        phone.get_by_label("Workshop code").fill(code)
        if name:
            phone.get_by_label("Your name (optional)").fill(name)
        if not phones:
            shot(phone, "phone-join")
        phone.get_by_role("button", name="Join the workshop").click()
        expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
        phones.append(phone)

    for number, area in enumerate(AREAS, start=1):
        screen.get_by_role("button", name=f"Next: {area}").click()
        expect(screen.get_by_text(f"Area {number} of {len(AREAS)}")).to_be_visible()
        # htmx saves the score as it is picked: let it take the new page first.
        screen.wait_for_function("() => window.htmx !== undefined")
        screen.wait_for_timeout(300)
        if number == 1:  # the room clock, on every screen
            screen.get_by_role("button", name="Start timer").click()
            for phone in phones:  # each phone redraws its room for the clock: vote after
                expect(phone.locator('#timer[data-running="true"]')).to_be_visible()
        if number > 1:  # scored by the facilitator alone, as a team may
            screen.locator(
                f"#record input[name=score][value='{[0, 3, 2, 3, 4, 2][number]}']"
            ).check(force=True)
            expect(screen.locator("#record-status")).to_contain_text("Saved at")
            continue
        for n, phone in enumerate(phones):
            expect(phone.get_by_role("heading", name=area)).to_be_visible()
            phone.locator(".app-vote").nth([1, 2, 2, 3, 2][n]).click()
            expect(phone.get_by_text("Your vote is in")).to_be_visible()
        phones[0].locator("#note-kind-helps").check(force=True)
        phones[0].locator("textarea[name=text]").fill("We sit together on Tuesdays")
        phones[0].get_by_role("button", name="Add the note").click()
        expect(phones[0].get_by_text("We sit together on Tuesdays")).to_be_visible()
        shot(phones[0], "phone-vote")
        shot(phones[0], "phone-notes", scroll_to="#notes-title")
        screen.get_by_role("button", name=f"Reveal the votes on {area}").click()
        expect(screen.locator(".app-spread__stats")).to_be_visible()
        screen.get_by_role("button", name=f"Show the notes on {area}").click()
        expect(screen.get_by_role("button", name="Add to the record")).to_be_visible()
        screen.wait_for_load_state()
        screen.locator("#record input[name=score][value='3']").check(force=True)
        screen.get_by_label("What helps us").fill("Sitting together on Tuesdays")
        expect(screen.locator("#record-status")).to_contain_text("Saved at")
        shot(screen, "facilitator-area")
        presenter = desk.new_page()
        presenter.goto(re.sub(r"/workshops/(\d+)/.*", r"/workshops/\1/screen/", screen.url))
        shot(presenter, "presenter-mode")
        presenter.close()

    screen.get_by_role("button", name="Next: Choose an area").click()
    for n, phone in enumerate(phones):
        buttons = phone.get_by_role("button", name=re.compile("^Place a dot"))
        expect(buttons.first).to_be_visible()
        for pick in ([2, 2, 3], [2, 0, 3], [3, 2, 2], [0, 2, 4], [2, 3, 3])[n]:
            buttons.nth(pick).click()
            phone.wait_for_timeout(200)
    screen.get_by_role("button", name="Show the dots").click()
    screen.get_by_role("radio", name=re.compile("^Culture")).check(force=True)
    shot(screen, "choose-area")
    presenter = desk.new_page()
    presenter.goto(re.sub(r"/workshops/(\d+)/.*", r"/workshops/\1/screen/", screen.url))
    shot(presenter, "presenter-choose")
    presenter.close()
    screen.get_by_role("button", name="Choose this area").click()
    shot(screen, "facilitator-experiment")
    screen.get_by_label("We believe that").fill("a different person running each retrospective")
    screen.get_by_label("will result in").fill("everyone speaking up about what holds us back")
    screen.get_by_label("We will know this when we see").fill("actions from more than two people")
    screen.get_by_label("Or the owner's name").fill("Priya")
    screen.get_by_role("button", name="Save the experiment").click()
    expect(screen.get_by_role("heading", name="What we found")).to_be_visible()
    shot(screen, "summary")
    screen.get_by_role("button", name="Close the workshop").click()
    expect(screen.get_by_role("button", name="Close the workshop")).to_have_count(0)


def scoring_ahead(browser, url: str) -> None:
    """A shift team scores ahead: the facilitator's page with the link and
    the counts, a phone scoring an area, and the reveal's one spread."""
    desk = browser.new_context(viewport=DESKTOP)
    setup = sign_in(desk, url, "facilitator", "demo-facilitator")
    setup.goto(f"{url}/workshops/new/")
    setup.locator("select[name=team]").select_option(label=TEAM)
    setup.get_by_label("Title").fill("Night shift check-in")
    setup.get_by_label("Open it for scoring ahead").check()
    setup.get_by_label("Date", exact=True).fill("31 December 2099")
    setup.get_by_role("button", name="Create the workshop").click()
    link = setup.get_by_label("The link to score ahead").input_value()
    for n, name in enumerate(["Sam", "Kit", "", "Jo"]):
        phone = browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
        phone.goto(link)
        if name:
            phone.get_by_label("Your name (optional)").fill(name)
        phone.get_by_role("button", name="Start scoring").click()
        for number in range(1, len(AREAS) + (1 if n < 2 else -1)):
            phone.locator(".app-vote").nth([1, 2, 2, 3][n] + (number % 2)).click()
            expect(phone.get_by_text("Your vote on")).to_be_visible()
            if n == 0 and number == 1:
                phone.locator("#note-kind-holds_back").check(force=True)
                phone.locator("textarea[name=text]").fill("Handovers run over, so nobody can join")
                phone.get_by_role("button", name="Add the note").click()
                expect(phone.get_by_text("Your note is added")).to_be_visible()
                phone.reload()  # as the person finds it when they come back
                shot(phone, "ahead-phone")
            if number < len(AREAS):
                phone.get_by_role("link", name="Next area").click()
    setup.reload()
    shot(setup, "ahead-setup", full_page=True)
    screen = desk.new_page()
    screen.set_viewport_size(PROJECTOR)
    screen.goto(setup.url)
    screen.get_by_role("button", name="Start the live session").click()
    screen.get_by_role("button", name=f"Next: {AREAS[0]}").click()
    screen.get_by_role("button", name=f"Reveal the votes on {AREAS[0]}").click()
    expect(screen.locator(".app-spread__ahead")).to_be_visible()
    screen.get_by_role("button", name=f"Show the notes on {AREAS[0]}").click()
    expect(screen.get_by_role("button", name="Add to the record")).to_be_visible()
    shot(screen, "facilitator-ahead-reveal")


def team_pages(browser, url: str) -> None:
    member = sign_in(browser.new_context(viewport=DESKTOP), url, "member", "demo-member")
    member.goto(f"{url}/")
    member.get_by_role("link", name=TEAM).first.click()
    shot(member, "team-history", height=2100)
    member.goto(f"{url}/playbook/")
    shot(member, "playbook")


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    executable = system_chromium() or playwright_chromium()
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_demo(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable)
                print("Pictures written:")
                workshop(browser, url)
                team_pages(browser, url)
                scoring_ahead(browser, url)  # last: its workshop is not on the team's page
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
