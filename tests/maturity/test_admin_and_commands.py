"""Importing and exporting a model file from the admin and from manage.py."""

from __future__ import annotations

import json
import re
from html import unescape
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from maturity.interchange import dump_model
from maturity.models import MaturityModel

from .files import as_file, changed, small_file, tables

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:maturity_import")


def upload(content: bytes | str, name: str = "model.json") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="application/json")


def field_errors(response) -> list[str]:
    """The errors shown next to the file field (the list the field points at)."""
    html = response.content.decode()
    found = re.search(r'<ul class="errorlist" id="id_file_errors">(.*?)</ul>', html, re.S)
    assert found, "no errors next to the file field"
    assert 'aria-describedby="id_file_helptext id_file_errors"' in html
    return [unescape(li) for li in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def test_admin_imports_a_good_file(admin_client_):
    response = admin_client_.post(IMPORT, {"file": upload(as_file(small_file()), "small.json")})

    model = MaturityModel.objects.get(key="small-model")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:maturity_maturitymodel_change", args=[model.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Created Small model. Created the model Small model. Scale: added level 1. "
        "Scale: added level 2. Scale: added level 3. Scale: added level 4. "
        "Added the area Area 1. Added the area Area 2. Added the area Area 3."
    ]
    assert dump_model(model) == as_file(small_file())
    assert model.history.latest().history_user.username == "ada"
    assert model.history.latest().history_change_reason == "Imported from small.json"


def test_admin_reimports_an_unchanged_file(admin_client_):
    admin_client_.post(IMPORT, {"file": upload(as_file(small_file()))})
    before = tables()

    response = admin_client_.post(IMPORT, {"file": upload(as_file(small_file()))}, follow=True)

    assert "Updated Small model. Nothing had changed." in response.content.decode()
    assert tables() == before


def test_admin_bad_file_lists_the_problems_next_to_the_field_and_changes_nothing(
    admin_client_, rubric
):
    def change(d):
        d["areas"][1]["levels"].pop()
        d["areas"][2]["key"] = d["areas"][0]["key"]
        d["name"] = "<b>Small</b>"

    before = tables()
    bad = as_file(changed(small_file(key=rubric.key), change))

    response = admin_client_.post(IMPORT, {"file": upload(bad, "broken <model>.json")})

    assert response.status_code == 200
    assert field_errors(response) == [
        "broken <model>.json was not imported, and nothing changed.",
        "areas[1].levels: has 3 levels; the scale has 4, so it needs 4.",
        'areas[2].key: "area-1" is already the key of areas[0]. Each area needs its own key.',
    ]
    assert "<b>Small</b>" not in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert tables() == before


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"not json", "The file is not valid JSON: Expecting value at line 1, column 1."),
        (
            b"\x00" * (10 * 1024 * 1024),
            "The file is 10240 KB; a model file can be at most 1024 KB.",
        ),
        (b"[1, 2]", "The file holds a list; a model file holds one object"),
    ],
    ids=["not-json", "ten-megabytes", "list"],
)
def test_admin_refuses_a_file_that_is_not_a_model(admin_client_, content, problem):
    before = tables()
    response = admin_client_.post(IMPORT, {"file": upload(content)})
    assert response.status_code == 200
    errors = field_errors(response)
    assert errors[0] == "model.json was not imported, and nothing changed."
    assert errors[1].startswith(problem)
    assert tables() == before


def test_admin_post_without_a_file_asks_for_one(admin_client_):
    response = admin_client_.post(IMPORT, {})
    assert response.status_code == 200
    assert field_errors(response) == ["Choose a model file to import."]


def test_admin_import_page_and_links(admin_client_, rubric):
    page = admin_client_.get(IMPORT)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    listing = admin_client_.get(reverse("admin:maturity_maturitymodel_changelist"))
    assert IMPORT in listing.content.decode()
    change = admin_client_.get(reverse("admin:maturity_maturitymodel_change", args=[rubric.pk]))
    assert reverse("admin:maturity_export", args=[rubric.pk]) in change.content.decode()


@pytest.mark.parametrize("persona", ["facilitator_client", "member_a_client"])
def test_non_admins_cannot_import_or_export(request, persona, rubric):
    client = request.getfixturevalue(persona)
    before = tables()
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(as_file(small_file()))}).status_code == 403
    assert client.get(reverse("admin:maturity_export", args=[rubric.pk])).status_code == 403
    assert tables() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, rubric):
    response = client.post(IMPORT, {"file": upload(as_file(small_file()))})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not MaturityModel.objects.filter(key="small-model").exists()


def test_admin_exports_a_model_as_the_file_dump_model_writes(admin_client_, rubric):
    response = admin_client_.get(reverse("admin:maturity_export", args=[rubric.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="product-team-maturity.json"'
    assert response.content.decode("utf-8") == dump_model(rubric)
    assert json.loads(response.content)["key"] == "product-team-maturity"


def test_admin_export_of_a_missing_model_is_404(admin_client_):
    assert admin_client_.get(reverse("admin:maturity_export", args=[999_999])).status_code == 404


# manage.py import_model / export_model


def test_import_model_command_creates_then_updates(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(as_file(small_file()), encoding="utf-8")
    out = StringIO()

    call_command("import_model", str(path), stdout=out)

    assert out.getvalue().startswith("Created Small model (small-model).\n  Created the model")
    path.write_text(
        as_file(changed(small_file(), lambda d: d.update(name="Smaller"))), encoding="utf-8"
    )
    out = StringIO()
    call_command("import_model", str(path), stdout=out)
    assert out.getvalue() == "Updated Smaller (small-model).\n  Model: changed name.\n"


def test_export_model_command_prints_the_file(rubric, tmp_path):
    out = StringIO()
    call_command("export_model", "product-team-maturity", stdout=out)
    assert out.getvalue() == dump_model(rubric)

    # What it prints imports back with no change.
    path = tmp_path / "ptm.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    out = StringIO()
    call_command("import_model", str(path), stdout=out)
    assert out.getvalue() == "Updated Product team maturity model (product-team-maturity).\n" + (
        "  Nothing had changed.\n"
    )


def test_import_model_command_bad_file_lists_problems_and_changes_nothing(tmp_path, rubric):
    def change(d):
        d["scale"].append({"number": 5, "label": "Five"})
        d["areas"][0]["summary"] = ""

    path = tmp_path / "bad.json"
    path.write_text(as_file(changed(small_file(), change)), encoding="utf-8")
    before = tables()

    with pytest.raises(CommandError) as error:
        call_command("import_model", str(path))

    assert str(error.value).splitlines() == [
        f"{path} was not imported; nothing changed.",
        "  areas[0].summary: is empty. Write some text.",
        "  areas[0].levels: has 4 levels; the scale has 5, so it needs 5.",
        "  areas[1].levels: has 4 levels; the scale has 5, so it needs 5.",
        "  areas[2].levels: has 4 levels; the scale has 5, so it needs 5.",
    ]
    assert tables() == before


def test_import_model_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json: No such file"):
        call_command("import_model", str(tmp_path / "missing.json"))


def test_export_model_command_unknown_key(rubric):
    with pytest.raises(CommandError) as error:
        call_command("export_model", "no-such-model")
    assert str(error.value) == (
        'There is no model with the key "no-such-model": give one of board-digital-leadership, '
        "engineering-quality, product-team-maturity, user-centred-design, what-good-looks-like."
    )
