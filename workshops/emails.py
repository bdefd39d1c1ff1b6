"""The email a group's members get when the facilitator sends a closed
workshop's summary: where to read it, and what the group agreed to try.
No scores and no notes: they stay behind the sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from core.words import long_date, possessive
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
