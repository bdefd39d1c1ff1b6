"""A workshop's summary, for the group afterwards: the page its members
read (and print), and the facilitator's emailing of its link once the
workshop has closed. The live room's views are in workshops/views.py."""

from __future__ import annotations

import smtplib
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import events as audit
from audit.models import Kind
from core.links import absolute_link
from core.words import plural
from experiments.models import Experiment
from workshops.emails import summary_message
from workshops.views import (
    _agreed_experiment,
    _can_run,
    _get_workshop_for_user,
    _scored_areas,
    _tally,
)


@require_GET
@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk)
    can_run = _can_run(workshop, request.user)
    context = {
        "workshop": workshop,
        "can_run": can_run,
        # The team's members see the cards once the workshop is closed.
        "scored_areas": _scored_areas(workshop, cards=can_run or workshop.is_closed),
        "experiment": Experiment.objects.filter(workshop=workshop)
        .select_related("owner", "area")
        .first(),
    }
    context["experiment_url"] = context["experiment"] and reverse(
        "experiments:detail", args=[context["experiment"].pk]
    )
    context["team_url"] = reverse("teams:detail", args=[workshop.team.slug])
    tally = _tally(workshop)
    context["tally"] = tally if any(count for _, count, _ in tally) else None
    return render(request, "workshops/summary.html", context)


@require_POST
@login_required
def send_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Email a closed workshop's summary link to the group's members. The
    form carries when the page saw it last sent, so a double click sends once."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    back = redirect("workshops:summary", workshop.pk)
    seen = request.POST.get("sent", "")
    try:
        seen_at = datetime.fromisoformat(seen) if seen else None
    except ValueError:
        seen_at = False  # matches nothing: as if another tab had sent it
    members = [m.user for m in workshop.team.memberships.select_related("user") if m.user.is_active]
    reachable = [u for u in members if u.email]
    unreachable = sorted((u.get_full_name() or u.get_username()) for u in members if not u.email)
    if not reachable:
        messages.error(
            request,
            f"Nobody was sent the summary: no member of {workshop.team.name} has an email"
            " address. An admin can add one to each person.",
        )
        return back
    experiment = _agreed_experiment(workshop)
    link = absolute_link(reverse("workshops:summary", args=[workshop.pk]), request)
    try:
        with transaction.atomic():
            if seen_at is False or not workshop.mark_summary_sent(seen_at):
                messages.info(request, "The summary has just been sent. It was not sent again.")
                return back
            get_connection().send_messages(
                [summary_message(workshop, experiment, u.email, link) for u in reachable]
            )
            audit.record(
                Kind.SUMMARY_SENT,
                request,
                workshop=workshop.pk,
                team=workshop.team.slug,
                sent=len(reachable),
                without_email=len(unreachable),
            )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return back
    except (OSError, smtplib.SMTPException):
        messages.error(
            request,
            "The summary could not be sent: the email service did not answer."
            " Nothing was sent. Try again in a few minutes.",
        )
        return back
    messages.success(request, f"Sent to {plural(len(reachable), 'member')}.")
    if unreachable:
        messages.warning(
            request,
            f"Not sent to {_and(unreachable)}: no email address. An admin can add one.",
        )
    return back


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
