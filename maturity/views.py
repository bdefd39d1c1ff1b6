from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from core.kept import counter, kept
from maturity.models import Area, Level, MaturityModel, Prompt, ScaleLevel

# What a model page reads: each table has a trigger that moves the "rubric"
# counter (migration 0004), so a page kept under the counter is drawn again
# after any change to any model (tests/maturity/test_kept.py checks both).
RUBRIC_TABLES = (MaturityModel, ScaleLevel, Area, Level, Prompt)


@require_GET
@login_required
def model_page(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """One model (the default unless a key is given): its scale, every area
    with its levels and prompts, and links to the other models. The same for
    everyone: kept for each version of the models (core/kept.py)."""
    name, rubric = kept("model-page", lambda: counter("rubric"), lambda: _rubric(key), key)
    return render(request, "maturity/model.html", {"name": name, "rubric": rubric})


def _rubric(key: str | None) -> tuple[str, str]:
    """The model's name and its page's body."""
    models = MaturityModel.objects.with_rubric()
    if key is None:
        model = models.filter(is_default=True).first() or models.order_by("pk").first()
        if model is None:
            raise Http404("No maturity model has been loaded yet.")
    else:
        model = get_object_or_404(models, key=key)
    others = MaturityModel.objects.exclude(pk=model.pk).order_by("-is_default", "name")
    body = render_to_string("maturity/_model.html", {"model": model, "others": others})
    return model.name, body
