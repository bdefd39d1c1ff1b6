"""The first admin of a new installation, without a shell: from the
environment with Django's `createsuperuser --noinput`, or, with
organisation sign-in, the first person in the admin group
(docs/operators.md "The first admin")."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.oidc import ADMIN_GROUP, sign_in_at_provider

User = get_user_model()


def test_the_first_admin_comes_from_the_environment_and_signs_in(client, db, monkeypatch):
    assert not User.objects.exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "platform-admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "platform-admin@example.nhs.uk")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-secret-from-the-store")
    call_command("createsuperuser", interactive=False, verbosity=0)

    response = client.post(
        reverse("admin:login"),
        {"username": "platform-admin", "password": "a-long-secret-from-the-store"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_with_organisation_sign_in_the_first_person_in_the_admin_group_is_admin(
    client, oidc_provider
):
    assert not User.objects.exists()
    oidc_provider.accounts["alex"]["groups"] = [ADMIN_GROUP]
    oidc_provider.save()
    sign_in_at_provider(client, "alex")
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:teams_team_add")).status_code == 200
