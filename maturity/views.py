from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from maturity.models import MaturityModel


@require_GET
@login_required
def model_page(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """One model (the default unless a key is given): its scale, every area
    with its levels and prompts, and links to the other models."""
    models = MaturityModel.objects.with_rubric()
    if key is None:
        model = models.filter(is_default=True).first() or models.order_by("pk").first()
        if model is None:
            raise Http404("No maturity model has been loaded yet.")
    else:
        model = get_object_or_404(models, key=key)
    others = MaturityModel.objects.exclude(pk=model.pk).order_by("-is_default", "name")
    return render(request, "maturity/model.html", {"model": model, "others": others})
