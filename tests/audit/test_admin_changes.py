"""What admins change in the Django admin: people, their roles, teams and
memberships, each change one event with the admin as its actor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent, Kind
from teams.models import Membership, Team
from teams.roles import FACILITATORS
from tests.audit.helpers import form_data, new_events


def change(client, url_name: str, obj, **changes) -> list[AuditEvent]:
    """Post an admin change page back with `changes`; the events it wrote."""
    url = reverse(url_name, args=[obj.pk])
    data = form_data(client.get(url))
    data.update(changes)
    with new_events() as trail:
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    return trail.events


def change_user(client, user, **changes) -> list[AuditEvent]:
    return change(client, "admin:auth_user_change", user, **changes)


def change_team(client, team, **changes) -> list[AuditEvent]:
    return change(client, "admin:teams_team_change", team, **changes)


def test_giving_a_role_is_one_role_change_by_the_admin(admin_client_, admin_user, member_a):
    facilitators = Group.objects.get_or_create(name=FACILITATORS)[0]
    (event,) = change_user(admin_client_, member_a, groups=[facilitators.pk])

    assert (event.kind, event.actor, event.person) == (Kind.ROLE_CHANGED, admin_user, member_a)
    assert event.detail == {"source": "admin", "added": [FACILITATORS], "removed": []}
    assert event.client == "127.0.0.1"


def test_taking_a_role_away_is_one_role_change(admin_client_, facilitator):
    (event,) = change_user(admin_client_, facilitator, groups=[])

    assert event.detail == {"source": "admin", "added": [], "removed": [FACILITATORS]}


def test_changing_a_persons_details_names_the_fields_not_the_values(
    admin_client_, admin_user, member_a
):
    (event,) = change_user(admin_client_, member_a, email="alex.new@example.nhs.uk", is_active=[])

    assert (event.kind, event.actor, event.person) == (Kind.PERSON_CHANGED, admin_user, member_a)
    assert event.detail == {
        "source": "admin",
        "action": "changed",
        "fields": ["Email address", "Active"],
    }


def test_saving_a_person_unchanged_writes_nothing(admin_client_, member_a):
    assert change_user(admin_client_, member_a) == []


def test_setting_a_password_is_one_event_without_the_password(admin_client_, member_a):
    url = reverse("admin:auth_user_password_change", args=[member_a.pk])
    secret = "a-brand-new-password-1"
    with new_events() as trail:
        response = admin_client_.post(
            url, {"password1": secret, "password2": secret, "usable_password": "true"}
        )
        assert response.status_code == 302

    (event,) = trail.events
    assert (event.kind, event.person) == (Kind.PERSON_CHANGED, member_a)
    assert event.detail == {"source": "admin", "action": "changed", "fields": ["password"]}
    assert secret not in str(event.detail)


def test_adding_and_deleting_a_person_are_events(admin_client_, admin_user):
    with new_events() as added:
        response = admin_client_.post(
            reverse("admin:auth_user_add"),
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": "a-long-test-password-2",
                "password2": "a-long-test-password-2",
            },
        )
        assert response.status_code == 302
    newcomer = get_user_model().objects.get(username="newcomer")
    (event,) = added.events
    assert (event.kind, event.person, event.detail) == (
        Kind.PERSON_CHANGED,
        newcomer,
        {"source": "admin", "action": "added"},
    )

    url = reverse("admin:auth_user_delete", args=[newcomer.pk])
    with new_events() as deleted:
        assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    (event,) = deleted.events
    assert (event.kind, event.actor, event.person) == (Kind.PERSON_CHANGED, admin_user, None)
    assert event.detail == {"source": "admin", "action": "deleted", "username": "newcomer"}


def test_adding_a_member_is_one_membership_event(admin_client_, admin_user, team_a, member_b):
    (event,) = change_team(admin_client_, team_a, **{"memberships-1-user": str(member_b.pk)})

    assert (event.kind, event.actor, event.person) == (
        Kind.MEMBERSHIP_CHANGED,
        admin_user,
        member_b,
    )
    assert event.detail == {"source": "admin", "action": "added", "team": "team-a"}


def test_removing_a_member_is_one_membership_event(admin_client_, team_a, member_a):
    (event,) = change_team(admin_client_, team_a, **{"memberships-0-DELETE": "on"})

    assert (event.kind, event.person, event.detail["action"]) == (
        Kind.MEMBERSHIP_CHANGED,
        member_a,
        "removed",
    )
    assert not Membership.objects.filter(team=team_a).exists()


def test_putting_someone_in_a_members_place_is_two_membership_events(
    admin_client_, team_a, member_a, member_b
):
    events = change_team(admin_client_, team_a, **{"memberships-0-user": str(member_b.pk)})

    assert [(e.kind, e.person, e.detail["action"]) for e in events] == [
        (Kind.MEMBERSHIP_CHANGED, member_a, "removed"),
        (Kind.MEMBERSHIP_CHANGED, member_b, "added"),
    ]


def test_renaming_a_team_is_one_team_event(admin_client_, admin_user, team_a):
    (event,) = change_team(admin_client_, team_a, name="Team Alpha")

    assert (event.kind, event.actor, event.detail) == (
        Kind.TEAM_CHANGED,
        admin_user,
        {"source": "admin", "action": "changed", "team": "team-a", "fields": ["Name"]},
    )


def test_adding_a_team_with_a_member_is_a_team_event_and_a_membership_event(
    admin_client_, member_a
):
    data = {
        "name": "Team C",
        "slug": "team-c",
        "kind": "team",
        "description": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": str(member_a.pk),
    }
    with new_events() as trail:
        assert admin_client_.post(reverse("admin:teams_team_add"), data).status_code == 302

    assert [(e.kind, e.person, e.detail["action"]) for e in trail.events] == [
        (Kind.MEMBERSHIP_CHANGED, member_a, "added"),
        (Kind.TEAM_CHANGED, None, "added"),
    ]


def test_deleting_a_team_is_one_team_event(admin_client_, team_b):
    url = reverse("admin:teams_team_delete", args=[team_b.pk])
    with new_events() as trail:
        assert admin_client_.post(url, {"post": "yes"}).status_code == 302

    (event,) = trail.events
    assert event.detail == {"source": "admin", "action": "deleted", "team": "team-b"}
    assert not Team.objects.filter(pk=team_b.pk).exists()
