"""Generated model files. A valid file round-trips exactly (the export of an
import is the same file) and importing it again changes nothing; an invalid
file gives a message saying where, and leaves every rubric table and its
history exactly as it was, whether or not the model already exists."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity.interchange import (
    AREA_KEYS,
    LEVEL_KEYS,
    LIMITS,
    MODEL_KEYS,
    SCALE_KEYS,
    ModelFileError,
    dump_model,
    import_model,
)
from maturity.models import MAX_AREAS, MAX_SCALE, MIN_SCALE, Area, MaturityModel

from .files import SLUGS, as_file, model_files, rolled_back, tables

pytestmark = pytest.mark.django_db

# The suite runs on 2 cores, on SQLite and PostgreSQL: few, whole examples.
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@EXAMPLES
@given(data=model_files())
def test_a_valid_file_round_trips_and_a_second_import_changes_nothing(data):
    file = as_file(data)
    with rolled_back():
        result = import_model(file)
        assert result.created
        assert dump_model(result.model) == file
        assert result.model.structure_problems() == []

        before = tables()
        again = import_model(file.encode("utf-8"))
        assert (again.created, again.changes) == (False, [])
        assert tables() == before


@st.composite
def two_versions(draw):
    """Two files of one model: areas kept, moved, added and left out, the scale resized."""
    first = draw(model_files(key="one-model"))
    known = [area["key"] for area in first["areas"]]
    second = draw(model_files(key="one-model", area_keys=st.sampled_from(known) | SLUGS))
    return first, second


@settings(EXAMPLES, max_examples=20)  # four imports per example
@given(versions=two_versions())
def test_a_changed_file_round_trips_and_areas_are_retired_never_deleted(versions):
    first, second = versions
    with rolled_back():
        model = import_model(as_file(first)).model
        for data in (second, first):  # areas left out retire, then come back
            result = import_model(as_file(data))
            assert result.model.pk == model.pk and not result.created
            assert dump_model(result.model) == as_file(data)
            assert result.model.structure_problems() == []
        every_key = {a["key"] for a in first["areas"]} | {a["key"] for a in second["areas"]}
        assert set(Area.objects.filter(model=model).values_list("key", flat=True)) == every_key
        current = Area.objects.filter(model=model, retired=False)
        assert set(current.values_list("key", flat=True)) == {a["key"] for a in first["areas"]}

        before = tables()
        assert import_model(as_file(first)).changes == []
        assert tables() == before


# Mutations of a valid file. Each takes `draw` and the file's data, breaks the
# data in place and returns where the message must say the problem is.


def _some_area(draw, data) -> tuple[int, dict]:
    i = draw(st.integers(0, len(data["areas"]) - 1))
    return i, data["areas"][i]


def _some_object(draw, data) -> tuple[str, dict, tuple[str, ...]]:
    """The file itself, a point of the scale, an area or a level."""
    i, area = _some_area(draw, data)
    j = draw(st.integers(0, len(area["levels"]) - 1))
    s = draw(st.integers(0, len(data["scale"]) - 1))
    return draw(
        st.sampled_from(
            [
                ("", data, MODEL_KEYS),
                (f"scale[{s}]", data["scale"][s], SCALE_KEYS),
                (f"areas[{i}]", area, AREA_KEYS),
                (f"areas[{i}].levels[{j}]", area["levels"][j], LEVEL_KEYS),
            ]
        )
    )


def _text_fields(data) -> list[tuple[str, dict | list, str | int, int]]:
    """Every text in the file: (where, container, key, limit)."""
    fields = [
        ("key", data, "key", LIMITS["key"]),
        ("name", data, "name", LIMITS["name"]),
        ("description", data, "description", LIMITS["description"]),
        ("framing", data, "framing", LIMITS["framing"]),
    ]
    for s, point in enumerate(data["scale"]):
        fields.append((f"scale[{s}].label", point, "label", LIMITS["label"]))
    for i, area in enumerate(data["areas"]):
        fields += [
            (f"areas[{i}].key", area, "key", LIMITS["key"]),
            (f"areas[{i}].name", area, "name", LIMITS["area_name"]),
            (f"areas[{i}].summary", area, "summary", LIMITS["summary"]),
        ]
        for j, level in enumerate(area["levels"]):
            fields += [
                (f"areas[{i}].levels[{j}].title", level, "title", LIMITS["title"]),
                (f"areas[{i}].levels[{j}].descriptor", level, "descriptor", LIMITS["descriptor"]),
            ]
        for p in range(len(area["prompts"])):
            fields.append((f"areas[{i}].prompts[{p}]", area["prompts"], p, LIMITS["prompt"]))
    return fields


def drop_a_key(draw, data) -> str:
    where, obj, keys = _some_object(draw, data)
    key = draw(st.sampled_from(keys))
    del obj[key]
    return f'{where}: "{key}" is missing.' if where else f'"{key}" is missing.'


def add_an_unknown_key(draw, data) -> str:
    where, obj, _ = _some_object(draw, data)
    obj[draw(st.sampled_from(["colour", "Key", "notes", "levels_"]))] = "anything"
    return where


def remove_a_level(draw, data) -> str:
    i, area = _some_area(draw, data)
    del area["levels"][draw(st.integers(0, len(area["levels"]) - 1))]
    return f"areas[{i}].levels"


def add_a_level(draw, data) -> str:
    i, area = _some_area(draw, data)
    n = len(area["levels"]) + 1
    area["levels"].append({"number": n, "title": "One more", "descriptor": "Beyond the scale."})
    return f"areas[{i}].levels"


def misnumber_a_level(draw, data) -> str:
    i, area = _some_area(draw, data)
    j = draw(st.integers(0, len(area["levels"]) - 1))
    area["levels"][j]["number"] = draw(st.sampled_from([0, j + 2, 99, -1]))
    return f"areas[{i}].levels[{j}].number"


def duplicate_an_area_key(draw, data) -> str:
    j = draw(st.integers(1, len(data["areas"]) - 1))
    i = draw(st.integers(0, j - 1))
    data["areas"][j]["key"] = data["areas"][i]["key"]
    return f"areas[{j}].key"


def make_a_text_too_long(draw, data) -> str:
    where, obj, key, limit = draw(st.sampled_from(_text_fields(data)))
    obj[key] = draw(st.sampled_from(["a", "é", "🙂"])) * (limit + draw(st.integers(1, 3)))
    return where


def empty_a_required_text(draw, data) -> str:
    fields = [f for f in _text_fields(data) if f[0] not in ("description", "framing")]
    where, obj, key, _ = draw(st.sampled_from(fields))
    obj[key] = draw(st.sampled_from(["", " ", "\r\n\t"]))
    return where


def put_in_a_control_character(draw, data) -> str:
    where, obj, key, _ = draw(st.sampled_from(_text_fields(data)))
    bad = draw(st.sampled_from(["\x00", "\x07", "\x1b", "\x0b", "\ud800", "\udfff"]))
    obj[key] = "a" + bad + "b" if where.endswith("key") else obj[key] + bad
    return where


def break_a_key_pattern(draw, data) -> str:
    keys = [field for field in _text_fields(data) if field[0].endswith("key")]
    where, obj, key, _ = draw(st.sampled_from(keys))
    obj[key] = draw(st.sampled_from(["Upper", "two words", "dash-", "-dash", "a--b", "abc\n", "é"]))
    return where


def give_a_wrong_type(draw, data) -> str:
    i, area = _some_area(draw, data)
    s = draw(st.integers(0, len(data["scale"]) - 1))
    not_text = st.sampled_from([None, 7, 1.5, True, [], {}, ["text"]])
    not_number = st.sampled_from([None, "1", 1.0, True, [], {}])
    not_list = st.sampled_from([None, "text", 3, {}, True])
    not_object = st.sampled_from([None, "text", 3, [], True])
    where, obj, key, wrong = draw(
        st.sampled_from(
            [
                ("name", data, "name", not_text),
                ("description", data, "description", not_text),
                ("scale", data, "scale", not_list),
                ("areas", data, "areas", not_list),
                (f"scale[{s}]", data["scale"], s, not_object),
                (f"scale[{s}].number", data["scale"][s], "number", not_number),
                (f"scale[{s}].label", data["scale"][s], "label", not_text),
                (f"areas[{i}]", data["areas"], i, not_object),
                (f"areas[{i}].key", area, "key", not_text),
                (f"areas[{i}].summary", area, "summary", not_text),
                (f"areas[{i}].levels", area, "levels", not_list),
                (f"areas[{i}].levels[0]", area["levels"], 0, not_object),
                (f"areas[{i}].levels[0].number", area["levels"][0], "number", not_number),
                (f"areas[{i}].levels[0].descriptor", area["levels"][0], "descriptor", not_text),
                (f"areas[{i}].prompts", area, "prompts", not_list),
            ]
        )
    )
    obj[key] = draw(wrong)
    return where


def resize_the_scale_out_of_bounds(draw, data) -> str:
    size = draw(st.sampled_from([0, 1, MIN_SCALE - 1, MAX_SCALE + 1, MAX_SCALE + 3]))
    data["scale"] = [{"number": n, "label": f"L{n}"} for n in range(1, size + 1)]
    for area in data["areas"]:
        area["levels"] = [
            {"number": n, "title": f"T{n}", "descriptor": f"D{n}"} for n in range(1, size + 1)
        ]
    return "scale"


def change_the_number_of_areas_out_of_bounds(draw, data) -> str:
    if draw(st.booleans()):
        del data["areas"][1:]
    else:
        while len(data["areas"]) <= MAX_AREAS:
            area = copy.deepcopy(data["areas"][0])
            area["key"] = f"extra-{len(data['areas'])}"
            data["areas"].append(area)
    return "areas"


def give_too_many_prompts(draw, data) -> str:
    i, area = _some_area(draw, data)
    area["prompts"] = [f"Question {p}?" for p in range(13)]
    return f"areas[{i}].prompts"


def write_a_wrong_format_version(draw, data) -> str:
    data["format_version"] = draw(st.sampled_from([0, 2, "1", 1.0, True, None, [1]]))
    return "format_version"


MUTATIONS = [
    drop_a_key,
    add_an_unknown_key,
    remove_a_level,
    add_a_level,
    misnumber_a_level,
    duplicate_an_area_key,
    make_a_text_too_long,
    empty_a_required_text,
    put_in_a_control_character,
    break_a_key_pattern,
    give_a_wrong_type,
    resize_the_scale_out_of_bounds,
    change_the_number_of_areas_out_of_bounds,
    give_too_many_prompts,
    write_a_wrong_format_version,
]


@st.composite
def broken_files(draw):
    good = draw(model_files(key="the-model"))
    bad = copy.deepcopy(good)
    mutation = draw(st.sampled_from(MUTATIONS))
    where = mutation(draw, bad)
    # \u escapes: a lone surrogate is valid JSON, though not valid text.
    return good, json.dumps(bad).encode("ascii"), where


def located(problem: str, where: str) -> bool:
    if where.endswith("."):  # a whole message
        return problem == where
    return problem.startswith(f"{where}:") or (where == "" and ":" not in problem[:2])


@settings(EXAMPLES, max_examples=50)  # most examples never reach the database
@given(case=broken_files(), existing=st.booleans(), other=st.data())
def test_an_invalid_file_says_where_and_changes_nothing(case, existing, other):
    good, raw, where = case
    with rolled_back():
        if existing:  # the update path: a version of the model is already here
            version = other.draw(st.sampled_from([good, None]))
            import_model(as_file(version or other.draw(model_files(key="the-model"))))
        before = tables()

        with pytest.raises(ModelFileError) as refused:
            import_model(raw)

        problems = refused.value.problems
        assert any(located(p, where) for p in problems), (where, problems)
        assert all(p.strip() for p in problems)
        assert tables() == before
        assert MaturityModel.objects.filter(key="the-model").exists() == existing
