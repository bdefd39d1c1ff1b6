"""Named bad files: each gets one clear message saying where the problem is,
and nothing is written."""

from __future__ import annotations

import json

import pytest

from maturity import interchange
from maturity.interchange import MAX_FILE_BYTES, ModelFileError, import_model, read_model_file

from .files import as_file, changed, small_file, tables

pytestmark = pytest.mark.django_db


def refused(raw) -> list[str]:
    before = tables()
    with pytest.raises(ModelFileError) as error:
        import_model(raw)
    assert tables() == before
    return error.value.problems


def test_the_small_file_is_valid(db):
    assert import_model(as_file(small_file())).created


@pytest.mark.parametrize(
    "raw, message",
    [
        (b'{"format_version": 1, "key": ', "The file is not valid JSON: Expecting value at line 1"),
        (b"\xff\xfe{\x00}\x00", "The file is not text (UTF-8). Export the model again."),
        ("{}".encode("utf-16"), "The file is not text (UTF-8). Export the model again."),
        (b"", "The file is empty. Choose a model file exported from this service."),
        (b"  \r\n\t ", "The file is empty. Choose a model file exported from this service."),
        (b"[]", "The file holds a list; a model file holds one object, {...}, with format_version"),
        (b'"model"', "The file holds a single piece of text; a model file holds one object"),
        (b"null", "The file holds null; a model file holds one object"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is not a model file: it is nested"),
        (b'{"format_version": ' + b"9" * 5000 + b"}", "The file is not a model file"),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "utf16",
        "empty",
        "only-spaces",
        "array-at-top",
        "string-at-top",
        "null-at-top",
        "nested-too-deep",
        "huge-number",
    ],
)
def test_a_file_that_is_not_a_model_file(raw, message):
    problems = refused(raw)
    assert len(problems) == 1
    assert problems[0].startswith(message), problems


def test_ten_megabytes_of_junk_are_refused_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(interchange.json, "loads", no_parsing)
    junk = bytes(range(256)) * (10 * 1024 * 1024 // 256)

    assert refused(junk) == ["The file is 10240 KB; a model file can be at most 1024 KB."]
    # One byte over the limit is over it, and says so.
    assert refused(b" " * (MAX_FILE_BYTES + 1)) == [
        "The file is 1025 KB; a model file can be at most 1024 KB."
    ]


def test_a_file_with_a_byte_order_mark_is_read():
    """Windows Notepad saves UTF-8 with a byte order mark."""
    raw = b"\xef\xbb\xbf" + as_file(small_file()).encode("utf-8")
    assert read_model_file(raw) == small_file()


def test_a_level_missing():
    data = changed(small_file(), lambda d: d["areas"][1]["levels"].pop(2))
    assert refused(as_file(data)) == [
        "areas[1].levels: has 3 levels; the scale has 4, so it needs 4.",
        "areas[1].levels[2].number: should be 3: list the levels 1, 2, 3... in order.",
    ]


def test_a_level_missing_at_the_end():
    data = changed(small_file(), lambda d: d["areas"][2]["levels"].pop())
    assert refused(as_file(data)) == [
        "areas[2].levels: has 3 levels; the scale has 4, so it needs 4."
    ]


def test_a_duplicate_area():
    data = changed(small_file(), lambda d: d["areas"].append(d["areas"][0]))
    assert refused(as_file(data)) == [
        'areas[3].key: "area-1" is already the key of areas[0]. Each area needs its own key.'
    ]


def test_text_too_long():
    data = changed(small_file(), lambda d: d["areas"][0]["levels"][1].update(descriptor="é" * 1001))
    assert refused(as_file(data)) == [
        "areas[0].levels[1].descriptor: is 1001 characters long; the most is 1000."
    ]


def test_an_unknown_field_and_a_missing_one():
    def change(d):
        d["areas"][1]["colour"] = "blue"
        del d["scale"][0]["label"]

    assert refused(as_file(changed(small_file(), change))) == [
        'scale[0]: "label" is missing.',
        'areas[1]: "colour" is not part of a model file.',
    ]


def test_format_version_true_is_not_version_one():
    data = changed(small_file(), lambda d: d.update(format_version=True))
    assert refused(json.dumps(data)) == [
        "format_version: should be 1; this service reads version 1 files."
    ]


def test_a_key_with_a_newline_at_the_end_is_refused():
    data = changed(small_file(), lambda d: d.update(key="small-model\n"))
    assert refused(json.dumps(data)) == [
        "key: use lowercase letters, digits and single hyphens only."
    ]


def test_a_lone_surrogate_is_refused_with_a_message_not_a_database_error():
    data = changed(small_file(), lambda d: d["areas"][0].update(name="Area \ud800"))
    assert refused(json.dumps(data)) == [
        "areas[0].name: contains a broken character (a lone surrogate). Remove it."
    ]


def test_a_bad_file_for_an_existing_model_leaves_it_as_it_was():
    import_model(as_file(small_file()))
    data = changed(small_file(areas=4, scale=5), lambda d: d["areas"][3]["levels"].pop())
    problems = refused(as_file(data))
    assert problems == ["areas[3].levels: has 4 levels; the scale has 5, so it needs 5."]


def test_a_file_with_four_problems_lists_all_four():
    """An unknown key once hid every other problem until it was removed."""

    def change(d):
        d["extra"] = "something"
        d["name"] = ""
        d["areas"][0]["levels"][1]["title"] = "T" * 81
        d["areas"][1]["key"] = d["areas"][0]["key"]

    assert refused(as_file(changed(small_file(), change))) == [
        '"extra" is not part of a model file.',
        "name: is empty. Write some text.",
        "areas[0].levels[1].title: is 81 characters long; the most is 80.",
        f'areas[1].key: "{small_file()["areas"][0]["key"]}" is already the key of areas[0]. '
        "Each area needs its own key.",
    ]


def test_a_repeated_key_is_listed_with_the_other_problems():
    problems = refused(b'{"key": "a", "key": "b"}')
    assert problems[0] == '"key" appears twice in one object. Keep one of them.'
    assert '"name" is missing.' in problems


def test_many_problems_are_listed_up_to_fifty_and_the_rest_counted():
    data = changed(small_file(areas=12), lambda d: [a.update(name="") for a in d["areas"]])
    data["areas"] += [dict(a, key=f"more-{i}") for i, a in enumerate(data["areas"])] * 3
    problems = refused(as_file(data))
    assert problems[0] == "areas: has 48 areas; a model needs 2 to 12."
    assert len(problems) == 51
    assert problems[-1] == "... and 23 more problems."
