"""The email a group's members get when the facilitator sends a closed
workshop's summary: where to read it, and what the group agreed to try.
No scores and no notes: they stay behind the sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from core.words import long_date, long_time, possessive
from workshops.models import Workshop

if TYPE_CHECKING:
    from experiments.models import Experiment


def summary_message(workshop: Workshop, experiment: Experiment | None, to: str, link: str):
    team = workshop.team
    held = long_date(workshop.held_on)
    lines = [
        f"The summary of {possessive(team.name)} workshop on {held} ({workshop.model_name})"
        " is ready. Sign in to read it, with the scores and notes:",
        link,
        "",
    ]
    if experiment:
        lines += [
            f"The {team.noun} chose {experiment.area.name} and agreed one experiment:",
            experiment.hypothesis,
            f"Owner: {experiment.owner_label or 'not named'}."
            f" Review date: {long_date(experiment.review_date)}.",
        ]
    elif workshop.chosen_area:
        lines.append(f"The {team.noun} chose {workshop.chosen_area.name}.")
    return EmailMessage(
        subject=f"Workshop summary: {team.name}, {held}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


def ahead_message(workshop: Workshop, to: str, link: str, *, reminder: bool = False):
    """The link to score ahead, or a reminder to someone who has not scored
    every area: to one person, so nobody learns who else was sent it."""
    team = workshop.team
    closes = f"{long_date(workshop.ahead_until)} at {long_time(workshop.ahead_until)}"
    opening = (
        f"You have not scored every area for {possessive(team.name)} workshop yet."
        if reminder
        else f"Score {possessive(team.name)} workshop ({workshop.model_name}) ahead of the"
        " session, in your own time."
    )
    lines = [
        opening,
        f"It takes a few minutes an area, and you can change anything until {closes}:",
        link,
        "",
        f"Your vote is private: nobody sees who voted what, and the {team.noun} sees only"
        " how many people chose each level. Notes are shown without names.",
    ]
    return EmailMessage(
        subject=f"{'Reminder: score' if reminder else 'Score'} ahead: {team.name}, closes {closes}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
