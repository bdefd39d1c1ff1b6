"""Taking data away and bringing models in: a team's exports, model files
from the admin and from manage.py. One event each, refusals included."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import Kind
from maturity.interchange import dump_model
from tests.audit.helpers import new_events


@pytest.mark.parametrize("name,fmt", [("teams:export_csv", "csv"), ("teams:export_json", "json")])
def test_a_team_export_is_one_event_each_time(member_a_client, member_a, team_a, name, fmt):
    url = reverse(name, args=[team_a.slug])
    with new_events() as trail:
        assert member_a_client.get(url).status_code == 200
        assert member_a_client.get(url).status_code == 200  # the kept copy: still an export

    assert len(trail.events) == 2
    event = trail.events[0]
    assert (event.kind, event.actor, event.person) == (Kind.TEAM_EXPORTED, member_a, None)
    assert event.detail == {"team": "team-a", "format": fmt}
    assert event.client == "127.0.0.1"


def test_a_refused_team_export_writes_nothing(member_b_client, team_a):
    with new_events() as trail:
        url = reverse("teams:export_csv", args=[team_a.slug])
        assert member_b_client.get(url).status_code == 404
    assert trail.events == []


def test_exporting_a_model_from_the_admin_is_one_event(admin_client_, admin_user, rubric):
    with new_events() as trail:
        response = admin_client_.get(reverse("admin:maturity_export", args=[rubric.pk]))
        assert response.status_code == 200

    (event,) = trail.events
    assert (event.kind, event.actor, event.detail) == (
        Kind.MODEL_EXPORTED,
        admin_user,
        {"source": "admin", "model": rubric.key},
    )


def upload(content: str, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="application/json")


def test_importing_a_model_from_the_admin_is_one_event(admin_client_, admin_user, rubric):
    file = upload(dump_model(rubric), "ours.json")
    with new_events() as trail:
        response = admin_client_.post(reverse("admin:maturity_import"), {"file": file})
        assert response.status_code == 302

    (event,) = trail.events
    assert (event.kind, event.succeeded, event.actor) == (Kind.MODEL_IMPORTED, True, admin_user)
    assert event.detail == {
        "source": "admin",
        "model": rubric.key,
        "created": False,
        "file": "ours.json",
    }


def test_a_refused_import_is_one_failed_event(admin_client_, rubric):
    with new_events() as trail:
        response = admin_client_.post(
            reverse("admin:maturity_import"), {"file": upload("{not json", "broken.json")}
        )
        assert response.status_code == 200

    (event,) = trail.events
    assert (event.kind, event.succeeded, event.detail) == (
        Kind.MODEL_IMPORTED,
        False,
        {"source": "admin", "file": "broken.json"},
    )


def test_an_import_post_without_a_file_writes_nothing(admin_client_, rubric):
    with new_events() as trail:
        assert admin_client_.post(reverse("admin:maturity_import")).status_code == 200
    assert trail.events == []


def test_the_commands_record_their_imports_and_exports(rubric, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(dump_model(rubric))
    with new_events() as trail:
        call_command("export_model", rubric.key, stdout=StringIO())
        call_command("import_model", str(path), stdout=StringIO())
        with pytest.raises(CommandError):
            call_command("export_model", "no-such-model")
        with pytest.raises(CommandError):
            call_command("import_model", str(tmp_path / "missing.json"))

    assert [(e.kind, e.succeeded, e.actor, e.client) for e in trail.events] == [
        (Kind.MODEL_EXPORTED, True, None, ""),
        (Kind.MODEL_IMPORTED, True, None, ""),
        (Kind.MODEL_EXPORTED, False, None, ""),
        (Kind.MODEL_IMPORTED, False, None, ""),
    ]
    assert trail.events[1].detail == {
        "source": "command",
        "model": rubric.key,
        "created": False,
        "file": "model.json",
    }
