"""Organisation sign-in in real Chromium against the real OpenID Connect
provider (tests/oidc.py): its own login form, consent, and sign-out pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from identity.models import OrganisationAccount
from tests.conftest import make_team
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUTTON = "Sign in with your organisation account"


@pytest.fixture
def page(page):
    # The provider's development pages import a web font; this network has
    # no internet, so refuse anything that is not on loopback at once.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    return page


def sign_in_with_organisation(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=BUTTON).click()
    expect(page.locator("input[name=login]")).to_be_visible()  # the provider's own form
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if "/interaction/" in page.url and consent.count():
        consent.click()


def sign_out(page, live_server) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # at the provider
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_first_sign_in_creates_the_account_and_lands_on_home(page, live_server, oidc_provider):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)

    sign_in_with_organisation(page, live_server, "alex")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Alex Member")
    assert_accessible(page)
    account = OrganisationAccount.objects.get(subject="alex")
    assert account.user.email == "alex.member@trust.nhs.uk"
    # The provider's pages log their refused web font; ours log nothing.
    page.console_errors.clear()
    page.reload()
    assert not page.console_errors


def test_the_group_claim_makes_a_facilitator_who_can_start_a_workshop(
    page, live_server, oidc_provider
):
    call_command("load_models")
    make_team("Repeat Prescriptions")

    sign_in_with_organisation(page, live_server, "fran")
    page.get_by_role("link", name="Workshops", exact=True).click()
    page.get_by_role("link", name="Start a new workshop").click()
    page.locator("select[name=team]").select_option(label="Repeat Prescriptions")
    page.get_by_role("button", name="Create the workshop").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Repeat Prescriptions")
    assert_accessible(page)


def test_losing_the_group_at_the_provider_removes_the_role_at_next_sign_in(
    page, live_server, oidc_provider
):
    sign_in_with_organisation(page, live_server, "fran")
    expect(page.get_by_role("link", name="Workshops", exact=True)).to_be_visible()
    sign_out(page, live_server)

    oidc_provider.accounts["fran"]["groups"] = ["all-staff"]
    oidc_provider.save()
    sign_in_with_organisation(page, live_server, "fran")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Fran Facilitator")
    expect(page.get_by_role("link", name="Workshops", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/workshops/")
    assert response.status == 403


def test_someone_from_another_organisation_is_refused(page, live_server, oidc_provider, settings):
    settings.OIDC_ALLOWED_TENANTS = ["tenant-trust"]

    sign_in_with_organisation(page, live_server, "olly")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You cannot sign in to this service with that account"
    )
    expect(page.get_by_text("No account has been created for you")).to_be_visible()
    assert_accessible(page)
    assert not get_user_model().objects.exists()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_sign_out_ends_both_sessions(page, live_server, oidc_provider):
    sign_in_with_organisation(page, live_server, "alex")
    page.wait_for_url(f"{live_server.url}/")

    sign_out(page, live_server)

    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"/accounts/login/"))  # signed out here
    page.get_by_role("link", name=BUTTON).click()
    # ...and at the provider: it asks who you are again instead of sending you straight back.
    expect(page.locator("input[name=login]")).to_be_visible()


def test_with_password_sign_in_off_only_the_organisation_button_is_offered(
    page, live_server, oidc_provider, settings
):
    settings.PASSWORD_SIGN_IN = False
    page.goto(f"{live_server.url}/accounts/login/")

    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.get_by_label("Username")).to_have_count(0)
    assert_accessible(page)
    sign_in_with_organisation(page, live_server, "alex")
    page.wait_for_url(f"{live_server.url}/")
