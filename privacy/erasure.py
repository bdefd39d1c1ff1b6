"""Erasing a person (an admin's action, on the person's request): the
account stays as a pseudonym, so what they recorded for a team stays the
team's record, attributed to "a former member"; everything that says who
they were goes. Signing in again through the organisation's provider makes
a new, empty account: the link to the old one is gone."""

from __future__ import annotations

import json
import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from audit.models import AuditEvent
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
            # The reason goes into the audit trail, which outlives the name:
            # it never needs one (the event points at the person).
            raise CannotErase(
                f"This person is in a workshop that is still open ({names}). "
                "Close it first, then erase them."
            )
        username, email = person.username, person.email
        Participant.objects.filter(user=person).update(user=None, display_name="")
        Experiment.objects.filter(owner=person).update(owner_name="")
        Experiment.history.filter(owner_id=person.pk).update(owner_name="")
        Membership.objects.filter(user=person).delete()
        OrganisationAccount.objects.filter(user=person).delete()
        typed = [name for name in (username, email) if name]
        for model in (AccessLog, AccessFailureLog, AccessAttempt):
            model.objects.filter(_any_iexact("username", typed, exact=username)).delete()
        _audit_points_at_pseudonym(person, typed, username)
        _admin_log_names_pseudonym(person, username)
        person.groups.clear()
        person.user_permissions.clear()
        person.username = pseudonym(person.pk)
        person.first_name, person.last_name, person.email = FORMER_MEMBER, "", ""
        person.is_active = person.is_staff = person.is_superuser = False
        person.last_login = None
        person.set_unusable_password()
        person.save()


def _any_iexact(field: str, typed: list[str], exact: str) -> Q:
    """What was typed as this person's username: theirs exactly (another
    account may differ only in case), or their email in any case."""
    query = Q(**{field: exact})
    for value in typed:
        if value != exact:
            query |= Q(**{f"{field}__iexact": value})
    return query


def _audit_points_at_pseudonym(person, typed: list[str], username: str) -> None:
    """The trail keeps each event's kind, time and outcome, and points it at
    the pseudonym. Only a username someone typed at the sign-in page can
    hold a name (a failed sign-in before this was written without one, or
    one typed as an email address): it becomes the pseudonym. Erasure is
    the one writer allowed past the trail's append-only rule, by law."""
    events = AuditEvent.objects.filter(detail__has_key="username").filter(
        Q(person=person)
        | Q(person__isnull=True) & _any_iexact("detail__username", typed, exact=username)
    )
    for pk, detail in events.values_list("pk", "detail"):
        detail = {**detail, "username": pseudonym(person.pk)}
        AuditEvent.objects.filter(pk=pk).update(person=person, detail=detail)


def _admin_log_names_pseudonym(person, username: str) -> None:
    """Django's admin log keeps each object's text from when it was
    changed: the person's own entries ("owen"), and those naming them
    through an object of theirs ("owen in Team A", "owen at <issuer>"),
    in the entry's title or in its change message (as JSON)."""
    name = pseudonym(person.pk)
    users = ContentType.objects.get_for_model(type(person))
    LogEntry.objects.filter(content_type=users, object_id=str(person.pk)).update(object_repr=name)
    repr_named = re.compile(rf"^{re.escape(username)}(?= (in|at) )")
    encoded = json.dumps(username)[1:-1]
    message_named = re.compile(rf'(?<="){re.escape(encoded)}(?= (in|at) )')
    entries = LogEntry.objects.filter(
        Q(object_repr__startswith=f"{username} ") | Q(change_message__contains=f'"{encoded} ')
    )
    for entry in entries.only("object_repr", "change_message"):
        object_repr = repr_named.sub(name, entry.object_repr)
        change_message = message_named.sub(name, entry.change_message)
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=object_repr, change_message=change_message
        )
