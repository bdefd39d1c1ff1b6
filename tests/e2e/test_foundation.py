"""A newcomer signs in and reads the model, in a real browser."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from teams.roles import FACILITATORS
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_facilitator_signs_in_and_reads_the_model(page, live_server):
    call_command("load_models")
    make_user("fran", groups=[FACILITATORS])

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert_accessible(page)

    sign_in(page, live_server, "fran")
    expect(page.get_by_role("heading", name="Hello, Fran")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Models").first.click()
    areas = page.locator(".app-area")
    expect(areas).to_have_count(5)
    for i in range(5):
        expect(areas.nth(i).locator(".app-level")).to_have_count(5)
    assert_accessible(page)
    # No script or style was blocked by the Content Security Policy, nothing failed to load.
    assert not page.console_errors, page.console_errors

    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
