"""Organisation sign-in against a real OpenID Connect provider (tests/oidc.py):
accounts keyed on issuer and subject, name and email refreshed, roles from
the provider's groups, the allow-list, and the page without a provider."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from identity.models import OrganisationAccount
from teams.roles import ADMINS, FACILITATORS, is_admin, is_facilitator
from tests.oidc import ADMIN_GROUP, sign_in_at_provider


def signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_without_a_provider_the_sign_in_page_is_as_before(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    assert "Forgotten your password?" in page
    assert "Sign in with" not in page
    assert client.get(reverse("identity:start")).status_code == 404
    assert client.get(reverse("identity:callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_a_provider_the_page_offers_both(client, oidc_provider):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation account" in page
    assert 'name="password"' in page


def test_first_sign_in_creates_the_account_and_lands_on_home(client, oidc_provider):
    response = sign_in_at_provider(client, "alex")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user.is_authenticated
    assert (user.get_full_name(), user.email) == ("Alex Member", "alex.member@trust.nhs.uk")
    assert user.username == "alex.member@trust.nhs.uk"
    assert not user.has_usable_password()
    account = OrganisationAccount.objects.get(user=user)
    assert (account.issuer, account.subject) == (oidc_provider.issuer, "alex")
    assert "Alex Member" in client.get(reverse("home")).content.decode()


def test_a_new_email_address_keeps_the_same_account(client, oidc_provider):
    sign_in_at_provider(client, "alex")
    first = signed_in_user(client)
    client.logout()

    oidc_provider.accounts["alex"].update(email="alex.m@trust.nhs.uk", name="Alex Renamed")
    oidc_provider.save()
    sign_in_at_provider(client, "alex")

    again = signed_in_user(client)
    assert again.pk == first.pk
    assert (again.get_full_name(), again.email) == ("Alex Renamed", "alex.m@trust.nhs.uk")
    assert get_user_model().objects.count() == 1


def test_someone_else_with_the_same_email_gets_their_own_account(client, oidc_provider):
    """Accounts are never matched on the email address."""
    oidc_provider.accounts["imposter"] = dict(oidc_provider.accounts["alex"])
    oidc_provider.save()
    sign_in_at_provider(client, "alex")
    alex = signed_in_user(client)
    client.logout()

    sign_in_at_provider(client, "imposter")

    imposter = signed_in_user(client)
    assert imposter.pk != alex.pk
    assert imposter.username == "alex.member@trust.nhs.uk-2"


def test_a_local_account_with_the_same_email_is_not_taken_over(client, oidc_provider):
    local = get_user_model().objects.create_user(
        "alex-local", email="alex.member@trust.nhs.uk", password="a-long-test-password"
    )
    sign_in_at_provider(client, "alex")
    assert signed_in_user(client).pk != local.pk


def test_the_facilitator_group_makes_a_facilitator(client, oidc_provider):
    sign_in_at_provider(client, "fran")
    user = signed_in_user(client)
    assert is_facilitator(user) and not is_admin(user)
    assert client.get(reverse("workshops:create")).status_code == 200


def test_losing_the_group_at_the_provider_removes_the_role_at_next_sign_in(client, oidc_provider):
    sign_in_at_provider(client, "fran")
    client.logout()
    oidc_provider.accounts["fran"]["groups"] = ["all-staff"]
    oidc_provider.save()

    sign_in_at_provider(client, "fran")

    assert not is_facilitator(signed_in_user(client))
    assert client.get(reverse("workshops:create")).status_code == 403


def test_the_admin_group_makes_an_admin_and_losing_it_removes_it(client, oidc_provider):
    oidc_provider.accounts["alex"]["groups"] = [ADMIN_GROUP]
    oidc_provider.save()
    sign_in_at_provider(client, "alex")
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()

    oidc_provider.accounts["alex"]["groups"] = []
    oidc_provider.save()
    sign_in_at_provider(client, "alex")
    assert client.get(reverse("admin:index")).status_code == 403


def test_a_role_with_no_mapping_is_left_to_the_service(client, oidc_provider, settings):
    settings.OIDC_FACILITATOR_GROUPS = []
    sign_in_at_provider(client, "alex")
    user = signed_in_user(client)
    user.groups.add(Group.objects.get_or_create(name=FACILITATORS)[0])
    client.logout()

    sign_in_at_provider(client, "alex")

    assert is_facilitator(signed_in_user(client))


def test_roles_follow_a_roles_claim_when_configured(client, oidc_provider, settings):
    settings.OIDC_GROUPS_CLAIM = "roles"
    oidc_provider.accounts["alex"]["roles"] = [ADMIN_GROUP]
    oidc_provider.accounts["alex"]["groups"] = []
    oidc_provider.save()
    sign_in_at_provider(client, "alex")
    assert ADMINS in {g.name for g in signed_in_user(client).groups.all()}
    assert client.get(reverse("admin:index")).status_code == 200


def test_next_page_is_kept_through_the_provider(client, oidc_provider):
    response = sign_in_at_provider(client, "alex", next_url=reverse("playbook:list"))
    assert response["Location"] == reverse("playbook:list")


def test_a_next_page_on_another_site_is_ignored(client, oidc_provider):
    response = sign_in_at_provider(client, "alex", next_url="https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_a_switched_off_account_is_refused(client, oidc_provider):
    sign_in_at_provider(client, "alex")
    user = signed_in_user(client)
    client.logout()
    user.is_active = False
    user.save()

    response = sign_in_at_provider(client, "alex")

    assert response.status_code == 403
    assert "Your account is switched off" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_a_tenant_not_allowed_is_refused_and_no_account_is_made(client, oidc_provider, settings):
    settings.OIDC_ALLOWED_TENANTS = ["tenant-trust"]

    response = sign_in_at_provider(client, "olly")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in to this service with that account" in page
    assert "not connected to this service" in page
    assert "No account has been created for you" in page
    assert not signed_in_user(client).is_authenticated
    assert not get_user_model().objects.exists()
    assert sign_in_at_provider(client, "alex").status_code == 302


def test_an_email_domain_not_allowed_is_refused(client, oidc_provider, settings):
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["trust.nhs.uk", "nhs.net"]

    response = sign_in_at_provider(client, "olly")

    assert response.status_code == 403
    assert "email address from the organisations connected" in response.content.decode()
    assert not get_user_model().objects.exists()
    assert sign_in_at_provider(client, "alex").status_code == 302


def test_an_unverified_email_does_not_pass_the_domain_check(client, oidc_provider, settings):
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["trust.nhs.uk"]
    oidc_provider.accounts["alex"]["email_verified"] = False
    oidc_provider.save()
    assert sign_in_at_provider(client, "alex").status_code == 403
    assert not get_user_model().objects.exists()
