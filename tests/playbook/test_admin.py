"""Moderation in the Django admin: hide with a reason, show again."""

from django.urls import reverse

from playbook.models import Entry
from tests.playbook.factories import make_entry

CHANGELIST = reverse("admin:playbook_entry_changelist")


def test_admin_lists_entries_for_moderation(admin_client_, team_a):
    make_entry(team_a, title="Weekly releases")
    response = admin_client_.get(CHANGELIST, {"hidden__exact": "0"})
    assert "Weekly releases" in response.content.decode()


def test_hide_action_needs_a_reason(admin_client_, team_a):
    entry = make_entry(team_a)
    response = admin_client_.post(
        CHANGELIST,
        {"action": "hide_entries", "_selected_action": [entry.pk], "reason": ""},
        follow=True,
    )
    assert "write a reason" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.hidden


def test_hide_action_with_a_reason_hides_and_the_team_reads_it(
    admin_client_, admin_user, team_a, member_a, client
):
    entry = make_entry(team_a)
    admin_client_.post(
        CHANGELIST,
        {"action": "hide_entries", "_selected_action": [entry.pk], "reason": "Names a patient."},
    )
    entry.refresh_from_db()
    assert entry.hidden and entry.hidden_by == admin_user
    assert not Entry.objects.published().exists()

    client.force_login(member_a)
    page = client.get(reverse("playbook:entry", args=[entry.slug])).content.decode()
    assert "Hidden by an admin" in page and "Names a patient." in page


def test_unhide_action_shows_it_again(admin_client_, admin_user, team_a):
    entry = make_entry(team_a)
    entry.hide("Checking.", by=admin_user)
    response = admin_client_.post(
        CHANGELIST, {"action": "unhide_entries", "_selected_action": [entry.pk]}, follow=True
    )
    entry.refresh_from_db()
    assert entry.is_visible and entry.hidden_reason == ""
    assert "Shown 1 entry again." in response.content.decode()


def test_the_messages_count_the_entries(admin_client_, team_a):
    entries = [make_entry(team_a, title=f"Entry {n}") for n in range(3)]
    hide = {"action": "hide_entries", "reason": "Names a patient."}
    one = admin_client_.post(CHANGELIST, {**hide, "_selected_action": [entries[0].pk]}, follow=True)
    assert "Hidden 1 entry." in one.content.decode()
    two = [e.pk for e in entries[1:]]
    both = admin_client_.post(CHANGELIST, {**hide, "_selected_action": two}, follow=True)
    assert "Hidden 2 entries." in both.content.decode()


def test_moderation_lists_offer_no_bulk_delete(admin_client_, team_a):
    make_entry(team_a)
    for url_name in ("admin:playbook_entry_changelist", "admin:playbook_adoption_changelist"):
        page = admin_client_.get(reverse(url_name)).content.decode()
        assert "delete_selected" not in page, url_name
    entry = Entry.objects.get()
    refused = admin_client_.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert refused.status_code in (200, 302)
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_change_form_refuses_hidden_without_a_reason(admin_client_, team_a):
    entry = make_entry(team_a)
    url = reverse("admin:playbook_entry_change", args=[entry.pk])
    data = {
        "hidden": "on",
        "hidden_reason": "",
        "title": entry.title,
        "area": entry.area_id,
        "status": entry.status,
        "show_team_name": "on",
        "problem": entry.problem,
        "hypothesis": entry.hypothesis,
        "what_we_did": entry.what_we_did,
        "duration": entry.duration,
        "result": entry.result,
        "learning": entry.learning,
        "advice": entry.advice,
    }
    response = admin_client_.post(url, data)
    assert "Say why the entry is hidden" in response.content.decode()
    data["hidden_reason"] = "Off topic."
    admin_client_.post(url, data)
    entry.refresh_from_db()
    assert entry.hidden and entry.hidden_at is not None


def test_team_member_cannot_moderate(member_a_client, team_a):
    assert member_a_client.get(CHANGELIST).status_code == 403
