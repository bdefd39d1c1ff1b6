"""A live workshop in real Chromium against real servers (gunicorn with
production settings): the people and the steps the reliability tests share.

The facilitator's browser carries a session made in the database, so each
test can point it at whichever server it likes; phones join with the code.
Everything is checked through what the pages show.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.reliability.servers import manage

TEAM = "Repeat Prescriptions"

FACILITATOR_SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from teams.models import Membership, Team
from teams.roles import FACILITATORS
user = get_user_model().objects.create_user("fran", password="a-long-password", first_name="Fran")
user.groups.add(Group.objects.get_or_create(name=FACILITATORS)[0])
member = get_user_model().objects.create_user("morgan", password="a-long-password")
team = Team.objects.create(name="Repeat Prescriptions", slug="repeat-prescriptions")
Membership.objects.create(team=team, user=member)
s = SessionStore()
s["_auth_user_id"] = str(user.pk)
s["_auth_user_backend"] = "identity.backends.PasswordBackend"
s["_auth_user_hash"] = user.get_session_auth_hash()
s.create()
print(s.session_key)
"""


def facilitator_session(env: dict[str, str]) -> str:
    """A facilitator, a team and a signed-in session; returns the session key."""
    return manage(env, "shell", "-c", FACILITATOR_SESSION).strip().splitlines()[-1]


def new_context(browser: Browser, width: int = 1280, height: int = 900) -> BrowserContext:
    # ignore_https_errors: the container test's nginx has a throwaway certificate.
    context = browser.new_context(
        viewport={"width": width, "height": height}, ignore_https_errors=True
    )
    context.set_default_timeout(15_000)
    return context


def facilitator(browser: Browser, session_key: str) -> Page:
    context = new_context(browser)
    # Cookies belong to a host, not a port: one cookie serves every server.
    context.add_cookies(
        [{"name": "sessionid", "value": session_key, "domain": "127.0.0.1", "path": "/"}]
    )
    return context.new_page()


def create_workshop(page: Page, base: str) -> tuple[str, str]:
    """Returns the join code and the presenter path."""
    page.goto(f"{base}/workshops/new/")
    page.locator("select[name=team]").select_option(label=TEAM)
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TEAM)
    path = re.sub(r"^https?://[^/]+", "", page.url)
    return page.get_by_test_id("join-code").inner_text(), path


def join(browser: Browser, base: str, code: str, name: str) -> Page:
    phone = new_context(browser, 390, 844).new_page()
    phone.goto(f"{base}/workshops/join/{code}/")
    phone.get_by_label("Your name (optional)").fill(name)
    phone.get_by_role("button", name="Join the workshop").click()
    expect(phone.get_by_role("heading", name="You have joined")).to_be_visible()
    phone.wait_for_function("() => window.htmx !== undefined")
    return phone


def vote(phone: Page, area: str, level: int) -> None:
    expect(phone.get_by_role("heading", name=area)).to_be_visible()
    phone.locator(".app-vote").nth(level - 1).click()
    expect(phone.get_by_text(f"Your vote is in: level {level}")).to_be_visible()


def record(page: Page, score: int, helps: str, holds_back: str) -> None:
    """Agreed score and notes, left to autosave; waits until the page says saved."""
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator(f"#record input[name=score][value='{score}']").check(force=True)
    page.get_by_label("What helps us").fill(helps)
    with page.expect_response(lambda r: _saves(r, holds_back)) as saved:
        page.get_by_label("What holds us back").fill(holds_back)
    assert "Saved at" in saved.value.text(), saved.value.text()
    expect(page.locator("#record-status")).to_contain_text("Saved at")


def _saves(response, text: str) -> bool:
    return response.url.endswith("/record/") and quote(text) in (response.request.post_data or "")


def close_all(*pages: Page) -> None:
    for page in pages:
        try:
            page.context.close()
        except Exception:  # noqa: BLE001 - already closed with the browser
            pass
