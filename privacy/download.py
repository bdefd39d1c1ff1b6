"""What the service holds about one person, as they download it from their
account page (the right of access). Everything the privacy notice says is
held about a person, and nothing about anyone else: no other member's
name, no admin's address, no other phone's votes."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django.db.models import Q

from audit.models import AuditEvent
from experiments.models import Experiment, ProgressNote
from playbook.models import Entry
from workshops.models import Dot, Note, Participant, Vote, Workshop


def _when(value) -> str | None:
    return value.isoformat() if value else None


def held_about(person) -> dict:
    phones = list(
        Participant.objects.filter(user=person).select_related("workshop__team").order_by("pk")
    )
    votes, notes, dots = {}, {}, {}
    for vote in Vote.objects.filter(participant__in=phones).select_related("area"):
        votes.setdefault(vote.participant_id, []).append(
            {"area": vote.area.name, "level": vote.level, "round": vote.round}
        )
    for note in Note.objects.filter(participant__in=phones).select_related("area"):
        notes.setdefault(note.participant_id, []).append(
            {
                "area": note.area.name,
                "kind": note.get_kind_display(),
                "text": note.text,
                "written_at": _when(note.created_at),
            }
        )
    for dot in Dot.objects.filter(participant__in=phones).select_related("area"):
        dots.setdefault(dot.participant_id, []).append(dot.area.name)
    return {
        "account": {
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "joined": _when(person.date_joined),
            "last_signed_in": _when(person.last_login),
            "active": person.is_active,
            "roles": sorted(person.groups.values_list("name", flat=True)),
        },
        "organisation_sign_in": [
            {
                "issuer": account.issuer,
                "subject": account.subject,
                "linked": _when(account.created_at),
                "last_signed_in": _when(account.last_signed_in_at),
            }
            for account in person.organisation_accounts.order_by("pk")
        ],
        "teams": [
            {"team": m.team.name, "member_since": _when(m.joined_at)}
            for m in person.memberships.select_related("team").order_by("team__name")
        ],
        "workshops_facilitated": [
            {
                "workshop": str(w),
                "team": w.team.name,
                "held_on": _when(w.held_on),
                "status": w.status,
            }
            for w in Workshop.objects.filter(facilitator=person)
            .select_related("team")
            .defer("rubric")
            .order_by("held_on", "pk")
        ],
        "workshops_joined_signed_in": [
            {
                "workshop": str(p.workshop),
                "team": p.workshop.team.name,
                "name_typed": p.display_name,
                "joined": _when(p.joined_at),
                "scored_ahead": p.ahead,
                "votes": votes.get(p.pk, []),
                "notes": notes.get(p.pk, []),
                "dots": dots.get(p.pk, []),
            }
            for p in phones
        ],
        "experiments_owned": [
            {
                "area": e.area.name,
                "we_believe_that": e.change,
                "team": e.team.name,
                "status": e.status,
                "review_date": _when(e.review_date),
            }
            for e in Experiment.objects.filter(owner=person)
            .select_related("team", "area")
            .order_by("pk")
        ],
        "experiment_notes_written": [
            {
                "experiment": n.experiment.change,
                "text": n.text,
                "written_at": _when(n.created_at),
            }
            for n in ProgressNote.objects.filter(author=person)
            .select_related("experiment")
            .order_by("created_at", "pk")
        ],
        "playbook_entries_started": [
            {"entry": entry.title, "created": _when(entry.created_at)}
            for entry in Entry.objects.filter(created_by=person).order_by("pk")
        ],
        "sign_ins": [
            {
                "at": _when(log.attempt_time),
                "signed_out": _when(log.logout_time),
                "address": log.ip_address,
                "browser": log.user_agent,
            }
            for log in AccessLog.objects.filter(username=person.username).order_by("attempt_time")
        ],
        "failed_sign_ins": [
            {"at": _when(log.attempt_time), "address": log.ip_address, "browser": log.user_agent}
            for log in AccessFailureLog.objects.filter(username=person.username).order_by(
                "attempt_time"
            )
        ],
        # What they did, with the address they did it from; what was done to
        # them, without who did it or from where (that is about someone else).
        "audit_events": [
            {
                "at": _when(event.at),
                "what": event.get_kind_display(),
                "succeeded": event.succeeded,
                "by_you": event.actor_id == person.pk,
                **({"address": event.client} if event.actor_id == person.pk else {}),
            }
            for event in AuditEvent.objects.filter(Q(actor=person) | Q(person=person)).order_by(
                "at", "pk"
            )
        ],
    }
