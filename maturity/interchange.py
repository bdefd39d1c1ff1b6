"""A maturity model as a JSON file: what admins import and export.

The file is the whole model in one plain shape (documented in docs/admins.md, "Maturity models"):

    {"format_version": 1, "key", "name", "description", "framing",
     "scale": [{"number", "label"}],
     "areas": [{"key", "name", "summary",
                "levels": [{"number", "title", "descriptor"}],
                "prompts": [str]}]}

Every key is required and no other key is allowed, so exporting an imported
file gives the same file back. `read_model_file` checks everything before
`import_model` touches the database, and the import runs in one transaction:
a bad file changes nothing. Messages say where the problem is
("areas[3].levels[2].descriptor: ...") in words an admin can act on.

Importing a file whose key already exists updates the text in place (every
change kept by django-simple-history). A change of structure never alters
what past workshops scored against: they keep their own pinned copy of the
rubric, and an area left out of the file is retired, not deleted, so the
scores, experiments and playbook entries that point at it keep their area.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import transaction

from core.words import plural
from maturity.models import (
    MAX_AREAS,
    MAX_SCALE,
    MIN_AREAS,
    MIN_SCALE,
    Area,
    Level,
    MaturityModel,
    Prompt,
    ScaleLevel,
)

FORMAT_VERSION = 1
# A large model (12 areas x 7 levels of long text) is well under 200 KB.
MAX_FILE_BYTES = 1024 * 1024
# fullmatch, not match: "$" also matches before a final newline.
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Longest text per field, in characters.
LIMITS = {
    "key": 50,
    "name": 120,
    "description": 4000,
    "framing": 2000,
    "label": 40,
    "area_name": 80,
    "summary": 1000,
    "title": 80,
    "descriptor": 1000,
    "prompt": 300,
}
MAX_PROMPTS = 12
# Problems listed at most for one file.
MAX_PROBLEMS = 50

MODEL_KEYS = ("format_version", "key", "name", "description", "framing", "scale", "areas")
SCALE_KEYS = ("number", "label")
AREA_KEYS = ("key", "name", "summary", "levels", "prompts")
LEVEL_KEYS = ("number", "title", "descriptor")


class ModelFileError(ValueError):
    """The file cannot be imported. `problems` lists every problem found,
    each with where it is."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ImportResult:
    model: MaturityModel
    created: bool
    changes: list[str]


class _Checker:
    """Collects every problem with its place in the file: a key missing or
    unknown is one problem and the rest of its object is still read; only a
    branch that is not the shape it should be (text for a list) is not read
    further, so one mistake gives one message."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def refuse(self) -> ModelFileError:
        """Every problem, up to a page of them (a file that is not a model
        file at all would list thousands)."""
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        if more:
            shown.append(f"... and {plural(more, 'more problem')}.")
        return ModelFileError(shown)

    def object(self, value, where: str, keys: tuple[str, ...]) -> bool:
        """Is `value` an object? Its missing and unknown keys are problems;
        the caller reads the keys it has."""
        if not isinstance(value, dict):
            self.problem(where, "should be an object with " + ", ".join(keys) + ".")
            return False
        missing = [k for k in keys if k not in value]
        unknown = sorted(str(k) for k in value if k not in keys)
        for key in missing:
            self.problem(where, f'"{key}" is missing.')
        for key in unknown:
            self.problem(where, f'"{key}" is not part of a model file.')
        return True

    def text(self, value, where: str, limit: int, *, required: bool = True) -> None:
        if not isinstance(value, str):
            self.problem(where, "should be text.")
        elif required and not value.strip():
            self.problem(where, "is empty. Write some text.")
        elif len(value) > limit:
            self.problem(where, f"is {len(value)} characters long; the most is {limit}.")
        elif any(ord(c) < 32 and c not in "\r\n\t" for c in value):
            self.problem(where, "contains control characters. Remove them.")
        elif any("\ud800" <= c <= "\udfff" for c in value):
            # A lone surrogate is valid JSON (\\ud800) but no database can store it.
            self.problem(where, "contains a broken character (a lone surrogate). Remove it.")

    def key(self, value, where: str) -> None:
        self.text(value, where, LIMITS["key"])
        if isinstance(value, str) and value and not KEY_PATTERN.fullmatch(value):
            self.problem(where, "use lowercase letters, digits and single hyphens only.")

    def number(self, value, where: str) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(where, "should be a whole number.")
            return False
        return True


def read_model_file(raw: bytes | str) -> dict:
    """The model described by a file, checked. Raises ModelFileError."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise ModelFileError([too_big(len(raw))])
    if not raw.strip():
        raise ModelFileError(["The file is empty. Choose a model file exported from this service."])
    repeated: list[str] = []
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a byte order mark.
        data = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_repeats(repeated))
    except UnicodeDecodeError:
        raise ModelFileError(["The file is not text (UTF-8). Export the model again."]) from None
    except json.JSONDecodeError as error:
        raise ModelFileError(
            [
                f"The file is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}."
            ]
        ) from None
    except (ValueError, RecursionError):
        # A number of thousands of digits, or lists nested thousands deep.
        raise ModelFileError(
            [
                "The file is not a model file: it is nested or numbered "
                "far beyond what a model needs."
            ]
        ) from None
    check = _Checker()
    for key in repeated:
        check.problem("", f'"{key}" appears twice in one object. Keep one of them.')
    if not isinstance(data, dict):
        raise ModelFileError(
            [
                f"The file holds {_kind(data)}; a model file holds one object, "
                "{...}, with " + ", ".join(MODEL_KEYS) + "."
            ]
        )
    check.object(data, "", MODEL_KEYS)
    version = data.get("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # True == 1 and 1.0 == 1
        check.problem(
            "format_version",
            f"should be {FORMAT_VERSION}; this service reads version {FORMAT_VERSION} files.",
        )
    if "key" in data:
        check.key(data["key"], "key")
    if "name" in data:
        check.text(data["name"], "name", LIMITS["name"])
    for optional in ("description", "framing"):
        if optional in data:
            check.text(data[optional], optional, LIMITS[optional], required=False)
    size = _check_scale(check, data["scale"]) if "scale" in data else None
    if "areas" in data:
        _check_areas(check, data["areas"], size)
    if check.problems:
        raise check.refuse()
    return data


def too_big(size: int) -> str:
    kb = -(-size // 1024)  # rounded up: 1 byte over the limit is not "1024 KB"
    return f"The file is {kb} KB; a model file can be at most {MAX_FILE_BYTES // 1024} KB."


def _no_repeats(repeated: list[str]):
    """json's object_pairs_hook: note keys given twice (json keeps the last silently)."""

    def hook(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    return hook


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a single piece of text"
    if value is None:
        return "null"
    return "a single value"


def _check_scale(check: _Checker, scale) -> int | None:
    if not isinstance(scale, list):
        check.problem("scale", "should be a list of levels.")
        return None
    if not MIN_SCALE <= len(scale) <= MAX_SCALE:
        check.problem(
            "scale", f"has {plural(len(scale), 'level')}; a scale needs {MIN_SCALE} to {MAX_SCALE}."
        )
    for i, point in enumerate(scale):
        where = f"scale[{i}]"
        if not check.object(point, where, SCALE_KEYS):
            continue
        if _numbered(check, point, where, i) is False:
            check.problem(
                f"{where}.number", f"should be {i + 1}: number the scale 1, 2, 3... in order."
            )
        if "label" in point:
            check.text(point["label"], f"{where}.label", LIMITS["label"])
    return len(scale)


def _check_areas(check: _Checker, areas, size: int | None) -> None:
    if not isinstance(areas, list):
        check.problem("areas", "should be a list of areas.")
        return
    if not MIN_AREAS <= len(areas) <= MAX_AREAS:
        check.problem(
            "areas", f"has {plural(len(areas), 'area')}; a model needs {MIN_AREAS} to {MAX_AREAS}."
        )
    seen: dict[str, int] = {}
    for i, area in enumerate(areas):
        where = f"areas[{i}]"
        if not check.object(area, where, AREA_KEYS):
            continue
        if "key" in area:
            check.key(area["key"], f"{where}.key")
        if isinstance(area.get("key"), str):
            if area["key"] in seen:
                check.problem(
                    f"{where}.key",
                    f'"{area["key"]}" is already the key of areas[{seen[area["key"]]}]. '
                    "Each area needs its own key.",
                )
            seen.setdefault(area["key"], i)
        if "name" in area:
            check.text(area["name"], f"{where}.name", LIMITS["area_name"])
        if "summary" in area:
            check.text(area["summary"], f"{where}.summary", LIMITS["summary"])
        if "levels" in area:
            _check_levels(check, area["levels"], f"{where}.levels", size)
        prompts = area.get("prompts", [])
        if not isinstance(prompts, list):
            check.problem(f"{where}.prompts", "should be a list of questions (it can be empty).")
            continue
        if len(prompts) > MAX_PROMPTS:
            check.problem(f"{where}.prompts", f"has {len(prompts)}; the most is {MAX_PROMPTS}.")
        for j, prompt in enumerate(prompts):
            check.text(prompt, f"{where}.prompts[{j}]", LIMITS["prompt"])


def _check_levels(check: _Checker, levels, where: str, size: int | None) -> None:
    if not isinstance(levels, list):
        check.problem(where, "should be a list with one level for each point of the scale.")
        return
    if size is not None and len(levels) != size:
        check.problem(
            where, f"has {plural(len(levels), 'level')}; the scale has {size}, so it needs {size}."
        )
    for i, level in enumerate(levels):
        here = f"{where}[{i}]"
        if not check.object(level, here, LEVEL_KEYS):
            continue
        if _numbered(check, level, here, i) is False:
            check.problem(
                f"{here}.number", f"should be {i + 1}: list the levels 1, 2, 3... in order."
            )
        for key in ("title", "descriptor"):
            if key in level:
                check.text(level[key], f"{here}.{key}", LIMITS[key])


def _numbered(check: _Checker, point: dict, where: str, i: int) -> bool | None:
    """Is the i-th point of a list numbered i + 1? None when it has no
    number or it is not a whole number (already a problem)."""
    if "number" not in point or not check.number(point["number"], f"{where}.number"):
        return None
    return point["number"] == i + 1


def export_model(model: MaturityModel) -> dict:
    """The model as a file's data: today's text, current areas only."""
    areas = model.areas.current().order_by("order").prefetch_related("levels", "prompts")
    return {
        "format_version": FORMAT_VERSION,
        "key": model.key,
        "name": model.name,
        "description": model.description,
        "framing": model.framing,
        "scale": [{"number": p.number, "label": p.label} for p in model.scale.order_by("number")],
        "areas": [export_area(area) for area in areas],
    }


def export_area(area) -> dict:
    """One area as a file's data: its text today (levels and prompts
    prefetched, or read here)."""
    return {
        "key": area.key,
        "name": area.name,
        "summary": area.summary,
        "levels": [
            {"number": lv.number, "title": lv.title, "descriptor": lv.descriptor}
            for lv in sorted(area.levels.all(), key=lambda lv: lv.number)
        ],
        "prompts": [p.text for p in sorted(area.prompts.all(), key=lambda p: (p.order, p.pk))],
    }


def dump_model(model: MaturityModel) -> str:
    return json.dumps(export_model(model), indent=2, ensure_ascii=False) + "\n"


def import_model(
    raw: bytes | str | dict, *, reason: str = "Imported from a model file"
) -> ImportResult:
    """Create or update the model a file describes, all or nothing."""
    data = read_model_file(json.dumps(raw) if isinstance(raw, dict) else raw)
    with transaction.atomic():
        model = MaturityModel.objects.select_for_update().filter(key=data["key"]).first()
        created = model is None
        changes: list[str] = []
        if created:
            model = MaturityModel(key=data["key"])
            changes.append(f"Created the model {data['name']}.")
        _set(model, data, ("name", "description", "framing"), reason, changes, "Model")
        _sync_scale(model, data["scale"], reason, changes)
        _sync_areas(model, data["areas"], reason, changes)
        problems = model.structure_problems()
        if problems:  # read_model_file should make this impossible
            raise ModelFileError(problems)
    return ImportResult(model=model, created=created, changes=changes)


def _set(obj, data: dict, fields, reason: str, changes: list[str], label: str, **extra) -> None:
    """Save `obj` with `data`'s fields if anything differs (one history row)."""
    values = {field: data[field] for field in fields} | extra
    if obj.pk and all(getattr(obj, f) == v for f, v in values.items()):
        return
    if obj.pk and label:
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        changes.append(f"{label}: changed {', '.join(changed)}.")
    for field, value in values.items():
        setattr(obj, field, value)
    obj._change_reason = reason
    obj.save()


def _sync_scale(model: MaturityModel, scale: list[dict], reason: str, changes: list[str]) -> None:
    existing = {p.number: p for p in model.scale.all()}
    for point in scale:
        obj = existing.pop(point["number"], None) or ScaleLevel(model=model)
        if obj.pk is None:
            changes.append(f"Scale: added level {point['number']}.")
        _set(obj, point, SCALE_KEYS, reason, changes, f"Scale level {point['number']}")
    for obj in existing.values():
        changes.append(f"Scale: removed level {obj.number}.")
        obj._change_reason = reason
        obj.delete()


def _sync_areas(model: MaturityModel, areas: list[dict], reason: str, changes: list[str]) -> None:
    existing = {a.key: a for a in model.areas.all()}
    current = [a for a in existing.values() if not a.retired]
    # Areas that move or leave step aside first, so no two current areas ever
    # share an order number, whatever order the file puts them in.
    wanted = {data["key"]: order for order, data in enumerate(areas, start=1)}
    for offset, area in enumerate(a for a in current if wanted.get(a.key) != a.order):
        Area.objects.filter(pk=area.pk).update(order=1000 + offset)
        area.parked_order = 1000 + offset
    keep = set()
    for order, data in enumerate(areas, start=1):
        area = existing.get(data["key"]) or Area(model=model, key=data["key"])
        if area.pk is None:
            changes.append(f"Added the area {data['name']}.")
        elif area.retired:
            changes.append(f"Brought back the area {data['name']}.")
        _set(
            area,
            data,
            ("name", "summary"),
            reason,
            changes,
            f"Area {data['name']}",
            order=order,
            retired=False,
        )
        keep.add(area.pk)
        _sync_levels(area, data["levels"], reason, changes)
        _sync_prompts(area, data["prompts"], reason, changes)
    for area in current:
        if area.pk not in keep:
            changes.append(f"Retired the area {area.name}; past workshops keep it.")
            area.order = area.parked_order
            area.retired = True
            area._change_reason = reason
            area.save(update_fields=["retired"])


def _sync_levels(area: Area, levels: list[dict], reason: str, changes: list[str]) -> None:
    existing = {lv.number: lv for lv in area.levels.all()}
    for data in levels:
        level = existing.pop(data["number"], None) or Level(area=area)
        _set(level, data, LEVEL_KEYS, reason, changes, f"{area.name} level {data['number']}")
    for level in existing.values():
        level._change_reason = reason
        level.delete()


def _sync_prompts(area: Area, prompts: list[str], reason: str, changes: list[str]) -> None:
    existing = list(area.prompts.order_by("order", "pk"))
    for order, text in enumerate(prompts, start=1):
        prompt = existing.pop(0) if existing else Prompt(area=area)
        _set(
            prompt,
            {"text": text, "order": order},
            ("text", "order"),
            reason,
            changes,
            f"{area.name} prompt {order}",
        )
    for prompt in existing:
        changes.append(f"{area.name}: removed a prompt.")
        prompt._change_reason = reason
        prompt.delete()
