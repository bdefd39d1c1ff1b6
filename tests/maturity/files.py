"""Model files for the tests: a small valid file, hypothesis strategies for
valid files, and a dump of every rubric table (live and historical) to prove
that a refused file changed nothing."""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager

from django.db import transaction
from hypothesis import strategies as st

from maturity.interchange import FORMAT_VERSION, LIMITS, MAX_PROMPTS
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

RUBRIC_MODELS = (MaturityModel, ScaleLevel, Area, Level, Prompt)


def tables() -> dict[str, list[dict]]:
    """Every row of every rubric table and its history table, in pk order."""
    state = {}
    for model in RUBRIC_MODELS:
        for table in (model, model.history.model):
            state[table._meta.label] = list(table.objects.order_by("pk").values())
    return state


def as_file(data: dict) -> str:
    """A file exactly as `dump_model` writes it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@contextmanager
def rolled_back():
    """Undo everything done inside: one hypothesis example never sees another's rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def small_file(key: str = "small-model", areas: int = 3, scale: int = 4) -> dict:
    """A valid file with plain text, easy to change in a test."""
    return {
        "format_version": FORMAT_VERSION,
        "key": key,
        "name": "Small model",
        "description": "A model for tests.",
        "framing": "Talk, do not judge.",
        "scale": [{"number": n, "label": f"Point {n}"} for n in range(1, scale + 1)],
        "areas": [
            {
                "key": f"area-{a}",
                "name": f"Area {a}",
                "summary": f"What area {a} is about.",
                "levels": [
                    {"number": n, "title": f"A{a} L{n}", "descriptor": f"Area {a} at level {n}."}
                    for n in range(1, scale + 1)
                ],
                "prompts": [f"Question {p} about area {a}?" for p in (1, 2)],
            }
            for a in range(1, areas + 1)
        ],
    }


def changed(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


# Any character a person could type, with line breaks and tabs, never a lone
# surrogate or another control character (the file refuses those).
CHARS = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\r\n\t")
SLUGS = st.from_regex(r"[a-z0-9]{1,11}(-[a-z0-9]{1,11}){0,3}", fullmatch=True) | st.just(
    "k" * LIMITS["key"]
)


@st.composite
def text_pools(draw) -> list[str]:
    """A few texts a file's fields are drawn from (drawing every field's text
    afresh makes each example take seconds)."""
    return draw(st.lists(st.text(CHARS, min_size=1, max_size=24), min_size=2, max_size=6))


def fitted(text: str, limit: int, *, fill: bool, required: bool) -> str:
    """`text` cut to `limit`, or repeated to exactly `limit` characters."""
    if fill:
        text = text * (limit // len(text) + 1)
    text = text[:limit]
    if required and not text.strip():
        text = text[:-1] + "x" if len(text) == limit else text + "x"
    return text


@st.composite
def model_files(draw, key: str | None = None, area_keys=None) -> dict:
    """A valid model file: 2..12 areas, a scale of 3..7, unique area keys."""
    pool = draw(text_pools())

    def text(limit_name: str, required: bool = True) -> str:
        choice = draw(st.sampled_from(pool + [""] * (not required)))
        fill = bool(choice) and draw(st.integers(0, 9)) == 0
        return fitted(choice, LIMITS[limit_name], fill=fill, required=required)

    size = draw(st.integers(MIN_SCALE, MAX_SCALE))
    keys = draw(
        st.lists(
            SLUGS if area_keys is None else area_keys,
            min_size=MIN_AREAS,
            max_size=MAX_AREAS,
            unique=True,
        )
    )
    return {
        "format_version": FORMAT_VERSION,
        "key": key or draw(SLUGS),
        "name": text("name"),
        "description": text("description", required=False),
        "framing": text("framing", required=False),
        "scale": [{"number": n, "label": text("label")} for n in range(1, size + 1)],
        "areas": [
            {
                "key": area_key,
                "name": text("area_name"),
                "summary": text("summary"),
                "levels": [
                    {"number": n, "title": text("title"), "descriptor": text("descriptor")}
                    for n in range(1, size + 1)
                ],
                "prompts": [text("prompt") for _ in range(draw(st.integers(0, MAX_PROMPTS)))],
            }
            for area_key in keys
        ],
    }
