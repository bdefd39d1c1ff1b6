"""Scoring ahead, the facilitator's side: open a workshop for scoring
ahead until a time (or move that time), share its link (copied, or emailed
to the group's members), see how many have scored each area (counts only,
never who gave what), remind the members who have not, and start the
session, in a room or alone. The people scoring are in workshops/ahead.py.
"""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.links import absolute_link
from core.words import plural
from workshops.emails import ahead_message
from workshops.forms import AHEAD_CLOSES_AT, AheadForm
from workshops.views import _get_workshop_for_user


def ahead_link(request: HttpRequest, workshop) -> str:
    return absolute_link(reverse("workshops:ahead", args=[workshop.join_code]), request)


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The workshop's scoring ahead: open it, or while it is open move its
    closing time; its link, code and counts."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    if workshop.ahead_until:
        until = timezone.localtime(workshop.ahead_until)
        initial = {"ahead_on": until.date(), "ahead_at": until.time()}
    else:
        initial = {"ahead_on": workshop.held_on, "ahead_at": AHEAD_CLOSES_AT}
    form = AheadForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opened = workshop.ahead_until is None
            if workshop.open_ahead(form.cleaned_data["until"]):
                messages.success(
                    request,
                    "The workshop is open for scoring ahead. Send the link to the "
                    f"{workshop.team.noun}."
                    if opened
                    else "Scoring ahead now closes at the new time.",
                )
            return redirect("workshops:ahead_setup", workshop.pk)
        except ValidationError as error:
            form.add_error(None, error)
    context = {
        "workshop": workshop,
        "form": form,
        "link": ahead_link(request, workshop),
        "counts": workshop.ahead_counts() if workshop.was_open_ahead else None,
        "members": workshop.team.memberships.count(),
    }
    return render(request, "workshops/ahead_setup.html", context)


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close scoring ahead and start the session: in the room (the opening
    screen), or with no meeting (the first area, to record the levels)."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    try:
        workshop._check_open()
        if not workshop.was_open_ahead:
            raise ValidationError("This workshop was not open for scoring ahead.")
        workshop.close_ahead()
        if request.POST.get("then") == "alone" and workshop.step == 0:
            workshop.go_to(1)
        workshop.bump_version()  # the opening screen's counts, on every screen open
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("workshops:ahead_setup", workshop.pk)
    messages.success(request, "Scoring ahead is closed. The session starts with its votes in.")
    return redirect("workshops:present", workshop.pk)


@require_POST
@login_required
def email(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the link to the group's members, or remind those who have not
    scored every area yet. Each is sent their own message: nobody learns
    who else was sent one, and the facilitator only how many."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    back = redirect("workshops:ahead_setup", workshop.pk)
    if not workshop.ahead_open:
        messages.error(request, "Scoring ahead is not open, so nothing was sent.")
        return back
    reminder = request.POST.get("to") == "reminder"
    if reminder:
        people = workshop.members_yet_to_score()
    else:
        people = [
            m.user
            for m in workshop.team.memberships.select_related("user")
            if m.user.is_active and m.user.email
        ]
    if not people:
        messages.info(
            request,
            "Every member with an email address has scored every area: nobody was reminded."
            if reminder
            else f"Nobody was sent the link: no member of {workshop.team.name} has an email"
            " address. Copy the link and share it another way.",
        )
        return back
    link = ahead_link(request, workshop)
    try:
        get_connection().send_messages(
            [ahead_message(workshop, u.email, link, reminder=reminder) for u in people]
        )
    except (OSError, smtplib.SMTPException):
        messages.error(
            request,
            "The email could not be sent: the email service did not answer. Nothing was sent."
            " Try again in a few minutes, or copy the link.",
        )
        return back
    messages.success(
        request,
        f"Reminder sent to {plural(len(people), 'member')} who had not scored every area."
        if reminder
        else f"Link sent to {plural(len(people), 'member')}.",
    )
    return back
