"""Workshops pinned their rubric before scales were data: add the scale to
each pinned copy (as many points as its areas have levels), and nothing else.
The text the team scored against is untouched."""

from django.db import migrations


def pin_scales(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    ScaleLevel = apps.get_model("maturity", "ScaleLevel")
    labels_by_model: dict[int, list[str]] = {}
    for point in ScaleLevel.objects.order_by("model_id", "number"):
        labels_by_model.setdefault(point.model_id, []).append(point.label)
    for workshop in Workshop.objects.all().iterator():
        rubric = workshop.rubric or {}
        if "scale" in rubric:
            continue
        size = max(
            (level["number"] for area in rubric.get("areas", []) for level in area["levels"]),
            default=5,
        )
        labels = labels_by_model.get(workshop.model_id, [])
        if len(labels) != size:
            labels = [f"Level {n}" for n in range(1, size + 1)]
        rubric["scale"] = [{"number": n, "label": label} for n, label in enumerate(labels, 1)]
        workshop.rubric = rubric
        workshop.save(update_fields=["rubric"])


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_scores_within_any_scale"),
        ("maturity", "0003_scale_for_existing_models"),
    ]

    operations = [migrations.RunPython(pin_scales, migrations.RunPython.noop)]
