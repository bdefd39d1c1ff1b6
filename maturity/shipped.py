"""The shipped models' corrections (`load_models --update`): a shipped
model's text is brought up to the file's, as a new version of the rubric
(django-simple-history keeps the old; a past workshop keeps the text it
pinned), except text an admin has changed since it was shipped, which is
kept and named.

"Shipped" is what the history says: each row written by `load_models`
carries a reason starting "Shipped". A field whose value today differs
from its value in the object's last shipped row was changed by someone
else (the admin, an imported file) and is kept. An object with no shipped
row (an area or prompt an admin added) is kept as it is. An area's
prompts are one list: if anyone else added, changed, moved or deleted one,
the area keeps its list."""

from __future__ import annotations

import copy

from maturity.interchange import export_area
from maturity.models import MaturityModel, Prompt

LOADED = "Shipped model loaded"
CORRECTED = "Shipped correction"


def _shipped(rows):
    """The last shipped history row of the rows given, newest first."""
    return next((r for r in rows if (r.history_change_reason or "").startswith("Shipped")), None)


def _history(obj) -> list:
    return list(obj.history.order_by("-history_date", "-history_id"))


def _keep_fields(obj, fields, target: dict, label: str, kept: list[str]) -> None:
    """Fields changed since shipped keep today's value in `target`; those
    where the file brings something else are named in `kept`."""
    last = _shipped(_history(obj))
    edited = [f for f in fields if last is None or getattr(last, f) != getattr(obj, f)]
    passed_over = [f for f in edited if target.get(f) != getattr(obj, f)]
    for field in edited:
        target[field] = getattr(obj, field)
    if passed_over:
        kept.append(f"{label}: kept the {' and '.join(passed_over)} an admin changed.")


def with_admins_edits(model: MaturityModel, shipped: dict) -> tuple[dict, list[str]]:
    """The shipped file's data with what admins have changed put back, and
    a line for each thing kept."""
    data = copy.deepcopy(shipped)
    kept: list[str] = []
    _keep_fields(model, ("name", "description", "framing"), data, "The model", kept)
    scale = {p["number"]: p for p in data["scale"]}
    for point in model.scale.all():
        if point.number in scale:
            _keep_fields(
                point, ("label",), scale[point.number], f"Scale level {point.number}", kept
            )
    areas = {a["key"]: a for a in data["areas"]}
    for area in model.areas.order_by("order").prefetch_related("levels", "prompts"):
        shipped_area = areas.get(area.key)
        rows = _history(area)
        if shipped_area is None or _shipped(rows) is None:
            if not area.retired and _shipped(rows) is None:
                kept.append(f"The area {area.name}: an admin's, kept.")
                data["areas"].append(export_area(area))
            continue
        if area.retired and not rows[0].history_change_reason:
            kept.append(f"The area {area.name}: an admin retired it; kept retired.")
            data["areas"].remove(shipped_area)
            continue
        _keep_fields(area, ("name", "summary"), shipped_area, f"The area {area.name}", kept)
        levels = {lv["number"]: lv for lv in shipped_area["levels"]}
        for level in area.levels.all():
            if level.number in levels:
                label = f"{area.name} level {level.number}"
                _keep_fields(level, ("title", "descriptor"), levels[level.number], label, kept)
        prompt_rows = Prompt.history.filter(area_id=area.pk)
        if any(not (r.history_change_reason or "").startswith("Shipped") for r in prompt_rows):
            now = [p.text for p in sorted(area.prompts.all(), key=lambda p: (p.order, p.pk))]
            if now != shipped_area["prompts"]:
                kept.append(f"{area.name}: kept the prompts an admin changed.")
                shipped_area["prompts"] = now
    return data, kept
