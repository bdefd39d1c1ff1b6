from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maturity.models import MaturityModel


@require_GET
@login_required
def model_page(request: HttpRequest) -> HttpResponse:
    """The default model: every area with its five levels and prompts."""
    model = MaturityModel.objects.with_rubric().filter(is_default=True).first()
    if model is None:
        raise Http404("No maturity model has been loaded yet.")
    return render(request, "maturity/model.html", {"model": model})
