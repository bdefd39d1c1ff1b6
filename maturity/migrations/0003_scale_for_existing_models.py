"""Give every model that existed before scales were data its scale: as many
points as its areas have levels (five, for every installation so far), with
the labels the product team maturity model now ships with. A history row
dated with the model's own first history row keeps "as of" look-ups whole."""

from django.db import migrations
from django.db.models import Max, Min

SHIPPED_LABELS = {
    "product-team-maturity": ["Starting out", "Emerging", "Established", "Advanced", "Leading"],
}


def add_scales(apps, schema_editor):
    MaturityModel = apps.get_model("maturity", "MaturityModel")
    ScaleLevel = apps.get_model("maturity", "ScaleLevel")
    HistoricalScaleLevel = apps.get_model("maturity", "HistoricalScaleLevel")
    HistoricalMaturityModel = apps.get_model("maturity", "HistoricalMaturityModel")
    Level = apps.get_model("maturity", "Level")
    for model in MaturityModel.objects.all():
        if ScaleLevel.objects.filter(model=model).exists():
            continue
        size = Level.objects.filter(area__model=model).aggregate(n=Max("number"))["n"] or 5
        labels = SHIPPED_LABELS.get(model.key) or []
        if len(labels) != size:
            labels = [f"Level {n}" for n in range(1, size + 1)]
        since = HistoricalMaturityModel.objects.filter(id=model.pk).aggregate(d=Min("history_date"))[
            "d"
        ]
        for number, label in enumerate(labels, start=1):
            point = ScaleLevel.objects.create(model=model, number=number, label=label)
            if since:
                HistoricalScaleLevel.objects.create(
                    id=point.pk,
                    model_id=model.pk,
                    number=number,
                    label=label,
                    history_date=since,
                    history_type="+",
                    history_change_reason="Scale recorded when models became data",
                )


class Migration(migrations.Migration):
    dependencies = [("maturity", "0002_scale_and_retired_areas")]

    operations = [migrations.RunPython(add_scales, migrations.RunPython.noop)]
