"""Browser tests: Playwright driving a real Chromium against the live server.

Chromium comes from $CHROMIUM_PATH, the system (Debian's package) or
Playwright's own download, in that order (scripts/ensure_browser.py). Every
page a test visits should be checked with `assert_accessible(page)`.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop; Django must still allow the ORM
# calls the tests make to set up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _executable() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None  # Playwright's own build


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server is built once per session, before function-scoped
    settings apply; give it plain HTTP and unhashed static files from the start."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


_running: list = []


@pytest.fixture(scope="session")
def browser():
    """One Chromium per session. tests/reliability imports this fixture too,
    and Playwright's sync API allows one instance per thread: the second
    user gets the running one."""
    if _running:
        yield _running[0]
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_executable(), args=LAUNCH_ARGS)
        _running.append(browser)
        try:
            yield browser
        finally:
            _running.clear()
            browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page


_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violations on the current page."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def setup_team(db):
    """The models, a facilitator "fran" and the team "Repeat Prescriptions"
    (a module may define its own)."""
    from django.core.management import call_command

    from teams.roles import FACILITATORS
    from tests.conftest import make_team, make_user

    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])
    make_team("Repeat Prescriptions", make_user("morgan", first_name="Morgan"))
