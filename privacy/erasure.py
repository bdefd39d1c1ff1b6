"""Erasing a person (an admin's action, on the person's request): the
account stays as a pseudonym, so what they recorded for a team stays the
team's record, attributed to "a former member"; everything that says who
they were goes. Signing in again through the organisation's provider makes
a new, empty account: the link to the old one is gone."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from experiments.models import Experiment
from identity.models import OrganisationAccount
from teams.models import Membership
from workshops.models import Participant, Workshop

FORMER_MEMBER = "a former member"


class CannotErase(Exception):
    """Why this person cannot be erased now, in words for the admin."""


def is_erased(person) -> bool:
    return person.username == pseudonym(person.pk)


def pseudonym(pk: int) -> str:
    return f"former-member-{pk}"


def open_workshops(person):
    """Workshops still open that this person is running or in: erasing them
    mid-workshop would take the room's facilitator or a phone away."""
    return (
        Workshop.objects.exclude(status=Workshop.Status.CLOSED)
        .filter(Q(facilitator=person) | Q(participants__user=person))
        .select_related("team")
        .distinct()
        .order_by("held_on", "pk")
    )


def erase(person_pk: int, by) -> None:
    """Erase one person, or raise CannotErase saying why not (and change
    nothing). The person's row is locked first, so two admins erasing the
    same person at once end with one erasure and one clear message."""
    User = get_user_model()
    with transaction.atomic():
        person = User.objects.select_for_update().filter(pk=person_pk).first()
        if person is None:
            raise CannotErase("This person is no longer in the service.")
        if is_erased(person):
            raise CannotErase("This person has already been erased.")
        if person.pk == by.pk:
            raise CannotErase("You cannot erase yourself. Ask another admin.")
        busy = list(open_workshops(person)[:3])
        if busy:
            names = "; ".join(f"{w.team.name}, {w.held_on:%-d %B %Y}" for w in busy)
            raise CannotErase(
                f"{person.get_full_name() or person.username} is in a workshop that is still "
                f"open ({names}). Close it first, then erase them."
            )
        username = person.username
        Participant.objects.filter(user=person).update(user=None, display_name="")
        Experiment.objects.filter(owner=person).update(owner_name="")
        Experiment.history.filter(owner_id=person.pk).update(owner_name="")
        Membership.objects.filter(user=person).delete()
        OrganisationAccount.objects.filter(user=person).delete()
        for model in (AccessLog, AccessFailureLog, AccessAttempt):
            model.objects.filter(username=username).delete()
        person.groups.clear()
        person.user_permissions.clear()
        person.username = pseudonym(person.pk)
        person.first_name, person.last_name, person.email = FORMER_MEMBER, "", ""
        person.is_active = person.is_staff = person.is_superuser = False
        person.last_login = None
        person.set_unusable_password()
        person.save()
