"""Password sign-in switched off (but for break-glass accounts), and signing
out of both the service and the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tests.oidc import sign_in_at_provider


def password_sign_in(client, username, url="login"):
    return client.post(reverse(url), {"username": username, "password": PASSWORD})


def test_with_password_sign_in_off_the_page_offers_only_the_organisation(
    client, oidc_provider, settings
):
    settings.PASSWORD_SIGN_IN = False
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation account" in page
    assert 'name="password"' not in page
    assert "Forgotten your password?" not in page


def test_with_password_sign_in_off_a_password_does_not_sign_in(client, oidc_provider, settings):
    settings.PASSWORD_SIGN_IN = False
    make_user("alex")
    response = password_sign_in(client, "alex")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_with_password_sign_in_off_a_break_glass_admin_still_signs_in(
    client, oidc_provider, settings
):
    settings.PASSWORD_SIGN_IN = False
    settings.BREAK_GLASS_ACCOUNTS = ["ada"]
    make_user("ada", is_staff=True, is_superuser=True)
    response = password_sign_in(client, "ada", url="admin:login")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_switching_password_sign_in_off_ends_password_sessions(client, oidc_provider, settings):
    make_user("alex")
    assert password_sign_in(client, "alex").status_code == 302
    settings.PASSWORD_SIGN_IN = False
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_organisation_sign_in_works_with_password_sign_in_off(client, oidc_provider, settings):
    settings.PASSWORD_SIGN_IN = False
    assert sign_in_at_provider(client, "alex").status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_ends_the_session_here_and_sends_the_person_to_end_the_provider_session(
    client, oidc_provider
):
    sign_in_at_provider(client, "alex")
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{oidc_provider.issuer}/session/end"
    )
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("login"))


def test_a_password_account_signs_out_here_only(client, oidc_provider):
    make_user("alex")
    password_sign_in(client, "alex")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_pages_allow_forms_to_lead_to_the_provider(client, oidc_provider):
    """Sign-out is a form post redirected to the provider: the page's CSP
    form-action must allow it (browsers check redirects after a post)."""
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert oidc_provider.issuer in form_action


def test_without_a_provider_form_action_is_self_only(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"


def test_with_password_sign_in_off_only_break_glass_accounts_get_a_reset_email(
    client, oidc_provider, settings, mailoutbox
):
    settings.PASSWORD_SIGN_IN = False
    settings.BREAK_GLASS_ACCOUNTS = ["ada"]
    make_user("alex")
    make_user("ada")
    page = client.get(reverse("password_reset")).content.decode()
    assert "signs people in with their organisation account" in page
    for email in ("alex@example.nhs.uk", "ada@example.nhs.uk"):
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302  # the same answer for both
    assert [m.to for m in mailoutbox] == [["ada@example.nhs.uk"]]
