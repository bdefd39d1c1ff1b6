"""Organisation sign-in against the real test provider (tests/oidc.py):
success, every refusal with its reason, roles from the provider's groups
and sign-out, each one event."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import Kind
from teams.roles import FACILITATORS
from tests.audit.helpers import new_events
from tests.oidc import sign_in_at_provider, start_sign_in


def kinds(events) -> list[str]:
    return [event.kind for event in events]


def test_a_first_sign_in_is_its_roles_then_the_sign_in(client, oidc_provider):
    with new_events() as trail:
        assert sign_in_at_provider(client, "fran").status_code == 302

    roles, signed_in = trail.events
    fran = signed_in.person
    assert (signed_in.kind, signed_in.actor, signed_in.detail) == (
        Kind.SIGN_IN,
        fran,
        {"method": "organisation"},
    )
    assert signed_in.client == "127.0.0.1"
    assert (roles.kind, roles.actor, roles.person, roles.client) == (
        Kind.ROLE_CHANGED,
        fran,
        fran,
        "127.0.0.1",
    )
    assert roles.detail == {"source": "provider", "added": [FACILITATORS], "removed": []}
    # Nothing the provider handed over (tokens, codes) reaches the trail.
    for event in trail.events:
        assert "token" not in json.dumps(event.detail).lower()


def test_signing_in_again_with_the_same_groups_changes_no_role(client, oidc_provider):
    sign_in_at_provider(client, "fran")
    client.post(reverse("logout"))

    with new_events() as trail:
        sign_in_at_provider(client, "fran")

    assert kinds(trail.events) == [Kind.SIGN_IN]


def test_losing_the_group_at_the_provider_is_a_role_change(client, oidc_provider):
    sign_in_at_provider(client, "fran")
    client.post(reverse("logout"))
    oidc_provider.accounts["fran"]["groups"] = ["all-staff"]
    oidc_provider.save()

    with new_events() as trail:
        sign_in_at_provider(client, "fran")

    roles, _ = trail.events
    assert roles.kind == Kind.ROLE_CHANGED
    assert roles.detail == {"source": "provider", "added": [], "removed": [FACILITATORS]}


def test_organisation_sign_out_is_one_event(client, oidc_provider):
    sign_in_at_provider(client, "alex")
    with new_events() as trail:
        client.post(reverse("logout"))

    (event,) = trail.events
    assert (event.kind, event.detail) == (Kind.SIGN_OUT, {"method": "organisation"})
    assert event.person.username == "alex.member@trust.nhs.uk"


def test_a_tenant_not_allowed_is_one_failed_event_with_the_reason(client, oidc_provider, settings):
    settings.OIDC_ALLOWED_TENANTS = ["tenant-trust"]
    with new_events() as trail:
        assert sign_in_at_provider(client, "olly").status_code == 403

    (event,) = trail.events
    assert (event.kind, event.succeeded, event.person) == (Kind.SIGN_IN_FAILED, False, None)
    assert event.detail == {"method": "organisation", "reason": "tenant"}


def test_a_switched_off_account_is_a_failed_event_about_that_person(client, oidc_provider):
    sign_in_at_provider(client, "alex")
    client.post(reverse("logout"))
    alex = get_user_model().objects.get(username="alex.member@trust.nhs.uk")
    alex.is_active = False
    alex.save()

    with new_events() as trail:
        assert sign_in_at_provider(client, "alex").status_code == 403

    (event,) = trail.events
    assert (event.kind, event.person, event.detail["reason"]) == (
        Kind.SIGN_IN_FAILED,
        alex,
        "inactive",
    )


def test_a_cancelled_sign_in_is_a_failed_event_with_the_providers_answer(client, oidc_provider):
    start_sign_in(client)
    state = next(iter(client.session["oidc_states"]))
    with new_events() as trail:
        response = client.get(
            reverse("identity:callback"), {"error": "access_denied", "state": state}
        )
        assert response.status_code == 403

    (event,) = trail.events
    assert event.detail == {
        "method": "organisation",
        "reason": "cancelled",
        "provider_error": "access_denied",
    }


def test_a_callback_nobody_started_is_a_failed_event(client, oidc_provider):
    with new_events() as trail:
        response = client.get(reverse("identity:callback"), {"code": "c", "state": "s"})
        assert response.status_code == 400

    (event,) = trail.events
    assert (event.kind, event.detail) == (
        Kind.SIGN_IN_FAILED,
        {"method": "organisation", "reason": "failed"},
    )
