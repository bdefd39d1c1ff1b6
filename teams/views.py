from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams.models import Team


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A signed-in person's start page: their teams and where to go next."""
    teams = Team.objects.for_member(request.user).order_by("name")
    return render(request, "teams/home.html", {"teams": teams})
