"""A live, facilitated workshop: one team, the areas of one maturity model in
turn, one chosen area and one experiment. The model's areas and scale come
from the rubric pinned when the workshop started, never from today's model.

`Workshop.version` goes up on every change other people's screens must show
(step, reveal, agreed score, vote count, timer); each such change is pushed
to every open screen as it commits (workshops/push.py), and the fallback
poll that carries the version it already shows is answered 204.
"""

from __future__ import annotations

import functools
import secrets
import statistics
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.dispatch import Signal
from django.utils import timezone

from maturity.models import MAX_SCALE, Area, MaturityModel

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector must not be misread.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


# How a change reaches the live room's screens (workshops/push.py): on
# PostgreSQL a NOTIFY on this channel, sent as the change commits; on SQLite
# this signal, sent once it has committed, with the workshop's `pk`.
CHANGES_CHANNEL = "workshop_changes"
# After the id in a change's NOTIFY: the change is one of the room's counts only.
COUNTS_SUFFIX = " counts"
changed = Signal()

# A spread this wide (for example 2 to 4) is a conversation worth having.
WIDE_SPREAD = 2


class Spread:
    """How a room voted on one area: a count per level of the workshop's
    scale, never who voted what."""

    def __init__(self, counts: dict[int, int], levels: list[int], ahead: int = 0):
        # How many of the votes were given ahead of the session.
        self.ahead = ahead
        self.counts = {level: counts.get(level, 0) for level in levels}
        votes = [level for level, n in self.counts.items() for _ in range(n)]
        self.total = len(votes)
        self.lowest = min(votes) if votes else None
        self.highest = max(votes) if votes else None
        self.median = statistics.median(votes) if votes else None
        self.is_wide = bool(votes) and self.highest - self.lowest >= WIDE_SPREAD

    @property
    def in_session(self) -> int:
        return self.total - self.ahead

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(level, count, width in tenths of the largest count) for a bar chart
        drawn with CSS classes (the Content Security Policy allows no inline style)."""
        top = max(self.counts.values()) or 1
        return [(level, n, round(10 * n / top)) for level, n in self.counts.items()]

    @property
    def breakdown(self) -> str:
        """The counts in words for summaries: "1 at 2, 3 at 4"."""
        return ", ".join(f"{n} at {level}" for level, n in self.counts.items() if n)


def participant_key(step: int, status: str, revealed_count: int, timer: str) -> str:
    """What a participant's screen depends on: not other people's votes,
    notes or dots. `revealed_count` counts every reveal a phone must show:
    votes revealed, voting opened again (a new round), notes shown and the
    dots' tally. Each only ever goes up, so the count never comes back to
    a value a phone already shows. `timer` is the room clock's whole state
    (timer_token): it changes when the facilitator starts, pauses or
    resets the clock, never as it runs, so each phone asks for its room
    once per press, not once a second; a reset may bring back a key a phone
    showed, and with it the same clock."""
    return f"{step}.{status}.{revealed_count}.{timer}"


def timer_token(seconds: int, elapsed: int, started_at) -> str:
    """The room clock's whole state, short: the same state always gives the
    same token, and a screen showing it shows the same clock."""
    if started_at is None:
        return f"{seconds}-{elapsed}"
    return f"{seconds}-{elapsed}-{round(started_at.timestamp() * 1000)}"


# The phase of one area for the participants' key (see participant_key):
# round 1 unrevealed is 0; a reveal adds 1; opening voting again adds 2 and
# takes the reveal back (net +1); showing the notes adds 1.
PHASE_SQL = (
    "2 * ({t}.vote_round - 1)"
    " + CASE WHEN {t}.revealed_at IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN {t}.notes_shown_at IS NULL THEN 0 ELSE 1 END"
)

# Notes from the phones: a limit a phone can explain, and the same check
# in the form, the model and the database column.
NOTE_MAX = 280
NOTES_PER_AREA = 5
DOTS_PER_PARTICIPANT = 3


class WorkshopQuerySet(models.QuerySet):
    def left_open(self, cutoff: datetime) -> WorkshopQuerySet:
        """Open or paused workshops with nothing done since `cutoff`: not the
        workshop itself (a step, a score, pausing), nor a phone joining,
        voting, writing or placing a dot, and held before it (one set up for
        a later date waits for its day). apply_retention closes them."""
        since = {"workshop": models.OuterRef("pk")}
        recent = [
            Participant.objects.filter(**since, joined_at__gte=cutoff),
            Vote.objects.filter(**since, updated_at__gte=cutoff),
            Note.objects.filter(**since, updated_at__gte=cutoff),
            Dot.objects.filter(**since, created_at__gte=cutoff),
            AreaScore.objects.filter(**since, updated_at__gte=cutoff),
        ]
        left = self.exclude(status=Workshop.Status.CLOSED).filter(
            created_at__lt=cutoff,
            updated_at__lt=cutoff,
            held_on__lt=timezone.localdate(cutoff),
        )
        for rows in recent:
            left = left.exclude(models.Exists(rows))
        return left

    def room_key(self, pk: int) -> str | None:
        """What every phone in the room shows (participant_key), in one
        indexed query, for the phones' streams (workshops/streams.py)."""
        row = (
            self.filter(pk=pk)
            .annotate(revealed_count=self.revealed_count())
            .values_list(
                "step",
                "status",
                "revealed_count",
                "dots_revealed_at",
                "timer_seconds",
                "timer_elapsed",
                "timer_started_at",
            )
            .first()
        )
        if row is None:
            return None
        step, status, revealed, dots_revealed_at, *timer = row
        revealed += dots_revealed_at is not None
        return participant_key(step, status, revealed, timer_token(*timer))

    def recount(self, counting: tuple[str, int, tuple]) -> tuple[int, dict] | None:
        """The workshop's version and the room's counts as `Workshop.room`
        gives them (`counting`: what `Workshop.counting` said to count), in
        one query; None if the workshop is gone."""
        version, counts = _count_room(counting, version=True)
        return None if version is None else (version, counts)

    def for_phones(self) -> WorkshopQuerySet:
        """Workshops as a phone's room needs them: with the team (the
        phone's words name it, "the board", "the team") and what the room's
        key counts (`revealed_count`)."""
        return self.select_related("team").annotate(revealed_count=self.revealed_count())

    def revealed_count(self) -> RawSQL:
        """Every area's reveals a phone must show, summed (participant_key);
        the dots' tally is counted apart."""
        score = AreaScore._meta.db_table
        return RawSQL(
            f"SELECT COALESCE(SUM({PHASE_SQL.format(t='s')}), 0) FROM {score} s"
            f" WHERE s.workshop_id = {self.model._meta.db_table}.id",
            [],
            output_field=models.IntegerField(),
        )

    def run_by(self, user) -> WorkshopQuerySet:
        """The facilitator's workshop list: theirs, the ones in progress first."""
        return (
            self.filter(facilitator=user)
            .select_related("team", "chosen_area", "model")
            .annotate(
                is_done=models.Case(
                    models.When(status="closed", then=1),
                    default=0,
                    output_field=models.IntegerField(),
                )
            )
            .order_by("is_done", "-held_on", "-created_at")
        )

    def last_models(self) -> dict[int, int]:
        """Each group's model at its last workshop, {team id: model id}, in
        one query (the create form starts a group on the model it last used)."""
        last = self.filter(team=models.OuterRef("team")).order_by("-held_on", "-created_at")
        return dict(
            self.filter(pk=models.Subquery(last.values("pk")[:1])).values_list(
                "team_id", "model_id"
            )
        )

    def previous_to(self, workshop: Workshop) -> WorkshopQuerySet:
        """The team's workshops of the same model before this one, newest first
        (the opening screen: only a workshop of the same model is comparable)."""
        return (
            self.filter(
                team_id=workshop.team_id,
                model_id=workshop.model_id,
                created_at__lt=workshop.created_at,
            )
            .exclude(pk=workshop.pk)
            .select_related("chosen_area")
            .order_by("-created_at")
        )


class Workshop(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="workshops")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_workshops"
    )
    title = models.CharField(max_length=120, blank=True)
    held_on = models.DateField(default=timezone.localdate)
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="workshops")
    # The rubric as it was when the workshop was created (MaturityModel.snapshot()).
    rubric = models.JSONField(default=dict)
    rubric_as_of = models.DateTimeField(default=timezone.now)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # 0 opening screen; 1..N the areas in order; N+1 choose an area;
    # N+2 write the experiment; N+3 summary.
    step = models.PositiveSmallIntegerField(default=0)
    chosen_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The tally of the participants' dots at the choose step, once shown.
    dots_revealed_at = models.DateTimeField(null=True, blank=True)
    timer_seconds = models.PositiveIntegerField(default=10 * 60)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_elapsed = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the facilitator last emailed the summary to the group's members.
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    # When retention took the names typed on phones and the link between a
    # phone and its votes, notes and dots (privacy/retention.py).
    phones_forgotten_at = models.DateTimeField(null=True, blank=True)
    # Closed by retention after settings.AUTO_CLOSE_DAYS with no activity,
    # not by its facilitator (its summary says so).
    closed_automatically = models.BooleanField(default=False)
    # Scoring ahead: open until `ahead_until`, unless the session started
    # first (`ahead_closed_at`, which also records when the session started).
    ahead_until = models.DateTimeField(null=True, blank=True)
    ahead_closed_at = models.DateTimeField(null=True, blank=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["team", "-held_on"])]

    def __str__(self) -> str:
        return self.title or f"{self.team} workshop, {self.held_on:%-d %B %Y}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def bump_version(self, *, counts: bool = False) -> None:
        """Tell every open screen something changed, without a
        read-modify-write race (workshops/push.py): on PostgreSQL the update
        and its NOTIFY are one statement, delivered only if the change
        commits; on SQLite this process's hub hears of it on commit.
        `counts`: the change is one the room's counts show and nothing else
        (someone joined, voted, wrote a note or placed a dot, from their
        phone, in the room), so the shared screens need only count again
        (`Workshop.objects.recount`), not be drawn again."""
        if connection.vendor == "postgresql":
            table = Workshop._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH bumped AS (UPDATE {table} SET version = version + 1 WHERE id = %s"
                    " RETURNING id) SELECT pg_notify(%s, id::text || %s) FROM bumped",
                    [self.pk, CHANGES_CHANNEL, COUNTS_SUFFIX if counts else ""],
                )
        else:
            Workshop.objects.filter(pk=self.pk).update(version=F("version") + 1)
            pk = self.pk
            transaction.on_commit(lambda: changed.send(Workshop, pk=pk, counts=counts))
        # Read the new version only if this request draws it (deferred:
        # Django loads it on first use). A phone's post never does.
        self.__dict__.pop("version", None)

    # Steps. 0 opens; 1..N are the areas of the pinned rubric; then choose,
    # experiment and summary.

    @property
    def areas(self) -> list[dict]:
        return self.rubric.get("areas", [])

    @property
    def scale(self) -> list[dict]:
        """The pinned scale: [{"number", "label"}], lowest first. A rubric
        pinned without one (workshops migration 0004 adds it to all of them)
        has as many points as its areas have levels."""
        if "scale" in self.rubric:
            return self.rubric["scale"]
        size = max((len(area["levels"]) for area in self.areas), default=0)
        return [{"number": n, "label": str(n)} for n in range(1, size + 1)]

    @property
    def level_numbers(self) -> list[int]:
        return [point["number"] for point in self.scale]

    @property
    def highest_level(self) -> int:
        return len(self.scale)

    @property
    def model_name(self) -> str:
        return self.rubric.get("model", {}).get("name", "")

    @property
    def area_count(self) -> int:
        return len(self.areas)

    @property
    def choose_step(self) -> int:
        return self.area_count + 1

    @property
    def experiment_step(self) -> int:
        return self.area_count + 2

    @property
    def summary_step(self) -> int:
        return self.area_count + 3

    def area_for_step(self, step: int) -> dict | None:
        if 1 <= step <= self.area_count:
            return self.areas[step - 1]
        return None

    def area_by_id(self, area_id) -> dict | None:
        for area in self.areas:
            if str(area["id"]) == str(area_id):
                return area
        return None

    @property
    def current_area(self) -> dict | None:
        return self.area_for_step(self.step)

    def step_label(self, step: int) -> str:
        if step == 0:
            return "Open"
        if area := self.area_for_step(step):
            return area["name"]
        return {
            self.choose_step: "Choose an area",
            self.experiment_step: "Write the experiment",
            self.summary_step: "Summary",
        }.get(step, "")

    @property
    def steps(self) -> list[tuple[int, str]]:
        return [(n, self.step_label(n)) for n in range(self.summary_step + 1)]

    def _check_open(self) -> None:
        if self.is_closed:
            raise ValidationError("This workshop is closed. Its summary can no longer change.")

    # Scoring ahead: before the session, each person scores every area in
    # their own time, privately, through the same votes, notes and dots as
    # the room's. The session starting (or the closing time) ends it.

    @property
    def ahead_open(self) -> bool:
        return (
            self.ahead_until is not None
            and self.ahead_closed_at is None
            and not self.is_closed
            and timezone.now() < self.ahead_until
        )

    @property
    def was_open_ahead(self) -> bool:
        return self.ahead_until is not None

    @property
    def ahead_closed(self) -> datetime | None:
        """When scoring ahead closed (the session started, or its time came);
        None while it is open or if it never was."""
        if self.ahead_until is None or self.ahead_open:
            return None
        return min(filter(None, [self.ahead_closed_at, self.ahead_until, self.closed_at]))

    @property
    def session_started(self) -> bool:
        """Whether the live session (or the facilitator's own, with no
        meeting) has begun: past the opening, or scoring ahead ended by hand."""
        return self.step > 0 or self.ahead_closed_at is not None or self.is_closed

    def open_ahead(self, until: datetime) -> bool:
        """Open the workshop for scoring ahead until `until`, or move that
        time while it is open. Only before the session starts."""
        self._check_open()
        if self.session_started:
            raise ValidationError(
                "The session has started, so scoring ahead cannot open again. "
                "People vote in the room now."
            )
        if until <= timezone.now():
            raise ValidationError("Choose a closing time in the future.")
        if until == self.ahead_until:
            return False
        self.ahead_until = until
        self.save(update_fields=["ahead_until", "updated_at"])
        return True

    def close_ahead(self) -> bool:
        """End scoring ahead now: the session starts with the votes in. A
        workshop that was never open for it, or has closed it, is unchanged."""
        if self.ahead_until is None or self.ahead_closed_at is not None:
            return False
        now = timezone.now()
        changed = Workshop.objects.filter(
            pk=self.pk, ahead_closed_at__isnull=True, ahead_until__isnull=False
        ).update(ahead_closed_at=now)
        if changed:
            self.ahead_closed_at = now
        return bool(changed)

    def _check_ahead_open(self, what: str) -> None:
        if self.is_closed:
            raise ValidationError(f"This workshop has finished, so {what} are closed.")
        if not self.ahead_open:
            raise ValidationError(
                f"Scoring ahead has closed, so {what} given ahead can no longer change. "
                "Join the live session to take part."
            )

    def _check_ahead_area(self, area_id, what: str) -> None:
        self._check_ahead_open(what)
        if self.area_by_id(area_id) is None:
            raise ValidationError(f"Choose one of the {self.area_count} areas.")

    def ahead_counts(self) -> dict:
        """What the facilitator sees of scoring ahead, counts only and never
        who gave what: how many people have started, and per area how many
        voted and how many notes were added ahead (three queries)."""
        votes = dict(
            Vote.objects.filter(workshop=self, participant__ahead=True, round=1)
            .values_list("area_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("area_id", "n")
        )
        notes = dict(
            Note.objects.filter(workshop=self, participant__ahead=True)
            .values_list("area_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("area_id", "n")
        )
        return {
            "people": Participant.objects.filter(workshop=self, ahead=True).count(),
            "areas": [
                {"area": a, "voted": votes.get(a["id"], 0), "notes": notes.get(a["id"], 0)}
                for a in self.areas
            ],
        }

    def members_yet_to_score(self) -> list:
        """The group's active members with an email address who have not
        voted on every area, signed in (for the reminder; nobody is shown
        who they are). A member who scored under a typed name cannot be
        told apart, so is reminded too."""
        scored = (
            Participant.objects.filter(workshop=self, user__isnull=False)
            .annotate(areas=Count("votes__area", distinct=True))
            .filter(areas__gte=self.area_count)
            .values("user")
        )
        members = self.team.memberships.filter(user__is_active=True).exclude(user__email="")
        return [m.user for m in members.exclude(user__in=scored).select_related("user")]

    # State changes. Each names its target, so repeating one changes nothing.

    def go_to(self, step: int) -> bool:
        self._check_open()
        if not 0 <= step <= self.summary_step:
            raise ValidationError(f"There is no step {step} in this workshop.")
        if step == self.step:
            return False
        self.close_ahead()  # moving on from the opening starts the session
        self.step = step
        # A new step starts with a fresh, stopped timer.
        self.timer_started_at = None
        self.timer_elapsed = 0
        self.save(update_fields=["step", "timer_started_at", "timer_elapsed", "updated_at"])
        self.bump_version()
        return True

    def score_for(self, area_id) -> AreaScore:
        score, _ = AreaScore.objects.get_or_create(workshop=self, area_id=area_id)
        return score

    def reveal(self, area_id) -> bool:
        self._check_open()
        if self.area_by_id(area_id) is None:
            raise ValidationError("That area is not part of this workshop.")
        score = self.score_for(area_id)
        changed = AreaScore.objects.filter(pk=score.pk, revealed_at__isnull=True).update(
            revealed_at=timezone.now()
        )
        if changed:
            self.bump_version()
        return bool(changed)

    def record(self, area_id, *, score, helps: str, holds_back: str, revision: int) -> bool:
        """Save the agreed score and notes if nobody saved newer ones since
        `revision`. Returns False (and changes nothing) when they did."""
        self._check_open()
        if self.area_by_id(area_id) is None:
            raise ValidationError("That area is not part of this workshop.")
        if score is not None and score not in self.level_numbers:
            raise ValidationError(f"Choose a score from 1 to {self.highest_level}.")
        # Notes autosave every few seconds while they are typed: the row is
        # there and the revision matches, so one query saves them.
        rows = AreaScore.objects.filter(workshop=self, area_id=area_id, notes_revision=revision)
        saved = {
            "score": score,
            "helps": helps,
            "holds_back": holds_back,
            "notes_revision": F("notes_revision") + 1,
            "updated_at": timezone.now(),
        }
        changed = rows.update(**saved)
        if not changed and self.score_for(area_id).notes_revision == revision:
            changed = rows.update(**saved)  # the area's first save: its row is new
        # No new version: no poll shows the agreed notes (they are on the
        # facilitator's form, and its own revision guards them), so an
        # autosave every few seconds must not redraw every screen's poll.
        return bool(changed)

    def _area_state(self, area_id) -> tuple[bool, int, bool]:
        """(votes revealed, the round open, notes shown) for one area, in one
        query: written out, as every vote, note and drawing of the room asks
        it, and the ORM took three times as long to build it as to run it."""
        with connection.cursor() as cursor:
            cursor.execute(_area_state_sql(), [self.pk, int(area_id)])
            row = cursor.fetchone()
        if row is None:
            return False, 1, False
        return row[0] is not None, row[1], row[2] is not None

    def _check_live(self, what: str) -> None:
        if self.is_closed:
            raise ValidationError(f"This workshop has finished, so {what} are closed.")
        if self.status == self.Status.PAUSED:
            raise ValidationError(
                f"The workshop is paused. Carry on when the facilitator resumes it ({what})."
            )

    def vote(self, participant: Participant, area_id, level: int, *, ahead: bool = False) -> int:
        """A participant's private vote on an area: the area on screen, or
        (`ahead`) any area while scoring ahead is open. The same row either
        way, so a vote given ahead can be changed in the room until the
        reveal. Returns the round it counts in."""
        if ahead:
            self._check_ahead_area(area_id, "votes")
        else:
            if self.is_closed:
                raise ValidationError("This workshop has finished, so votes are closed.")
            if self.status == self.Status.PAUSED:
                raise ValidationError(
                    "The workshop is paused. Vote when the facilitator resumes it."
                )
            area = self.current_area
            if area is None or str(area["id"]) != str(area_id):
                raise ValidationError(
                    "Voting for that area is not open. Vote on the area on screen."
                )
        if level not in self.level_numbers:
            raise ValidationError(f"Choose a level from 1 to {self.highest_level}.")
        revealed, vote_round, _ = self._area_state(area_id)
        if revealed:
            raise ValidationError("The votes for this area have been revealed, so it is closed.")
        # A change of mind is one query, a first vote an insert after it.
        if not _change_vote(participant.pk, area_id, vote_round, level):
            try:
                with transaction.atomic():
                    Vote.objects.create(
                        workshop=self,
                        participant=participant,
                        area_id=area_id,
                        round=vote_round,
                        level=level,
                    )
            except IntegrityError:
                # Two requests from one device raced to make the vote: change
                # it. Anything else the database refused is not a vote.
                if not _change_vote(participant.pk, area_id, vote_round, level):
                    raise
        self.bump_version(counts=not ahead)
        return vote_round

    def revote(self, area_id) -> bool:
        """Open voting again on a revealed area: a new round starts, the
        earlier round's votes are kept. A repeat (double click) does nothing."""
        self._check_open()
        if self.area_by_id(area_id) is None:
            raise ValidationError("That area is not part of this workshop.")
        changed = AreaScore.objects.filter(
            workshop=self, area_id=area_id, revealed_at__isnull=False
        ).update(revealed_at=None, vote_round=F("vote_round") + 1, updated_at=timezone.now())
        if changed:
            self.bump_version()
        return bool(changed)

    # Notes from the phones: private to their author until shown, and then
    # shown without a name.

    def _check_notes_open(self, area_id, ahead: bool = False) -> None:
        if ahead:
            self._check_ahead_area(area_id, "notes")
        else:
            self._check_live("notes")
            area = self.current_area
            if area is None or str(area["id"]) != str(area_id):
                raise ValidationError(
                    "Notes for that area are not open. Add notes to the area on screen."
                )
        if self._area_state(area_id)[2]:
            raise ValidationError(
                "The notes for this area are on the shared screen now, so they can no longer "
                "change."
            )

    def add_note(
        self, participant: Participant, area_id, kind: str, text: str, *, ahead: bool = False
    ) -> Note:
        text = clean_note_text(text)
        if kind not in Note.Kind.values:
            raise ValidationError("Choose what helps us or what holds us back.")
        self._check_notes_open(area_id, ahead)
        with transaction.atomic():
            # One phone's notes go in one at a time, so its limit holds even
            # when it sends several at once.
            Participant.objects.select_for_update().filter(pk=participant.pk).first()
            if (
                Note.objects.filter(participant=participant, area_id=area_id).count()
                >= NOTES_PER_AREA
            ):
                raise ValidationError(
                    f"You have added {NOTES_PER_AREA} notes on this area, the most there can "
                    "be. Change or delete one to add another."
                )
            note = Note.objects.create(
                workshop=self, participant=participant, area_id=area_id, kind=kind, text=text
            )
        self.bump_version(counts=not ahead)
        return note

    def _own_note(self, participant: Participant, note_id) -> Note:
        try:
            note_id = int(note_id)
        except (TypeError, ValueError):
            note_id = None
        note = Note.objects.filter(pk=note_id, workshop=self, participant=participant).first()
        if note is None:
            raise ValidationError("That note is not one of yours, or it has been deleted.")
        return note

    def change_note(
        self, participant: Participant, note_id, kind: str, text: str, *, ahead: bool = False
    ) -> Note:
        text = clean_note_text(text)
        if kind not in Note.Kind.values:
            raise ValidationError("Choose what helps us or what holds us back.")
        note = self._own_note(participant, note_id)
        self._check_notes_open(note.area_id, ahead)
        Note.objects.filter(pk=note.pk).update(kind=kind, text=text, updated_at=timezone.now())
        note.kind, note.text = kind, text
        self.bump_version(counts=not ahead)
        return note

    def delete_note(self, participant: Participant, note_id, *, ahead: bool = False) -> bool:
        note = self._own_note(participant, note_id)
        self._check_notes_open(note.area_id, ahead)
        deleted, _ = Note.objects.filter(pk=note.pk).delete()
        if deleted:
            self.bump_version(counts=not ahead)
        return bool(deleted)

    def show_notes(self, area_id) -> bool:
        self._check_open()
        if self.area_by_id(area_id) is None:
            raise ValidationError("That area is not part of this workshop.")
        score = self.score_for(area_id)
        changed = AreaScore.objects.filter(pk=score.pk, notes_shown_at__isnull=True).update(
            notes_shown_at=timezone.now()
        )
        if changed:
            self.bump_version()
        return bool(changed)

    def _shown_note(self, note_id) -> Note:
        self._check_open()
        try:
            note_id = int(note_id)
        except (TypeError, ValueError):
            note_id = None
        note = Note.objects.filter(pk=note_id, workshop=self).first()
        if note is None or not self._area_state(note.area_id)[2]:
            raise ValidationError("That card is not on the screen. Reload the page.")
        return note

    def hide_note(self, note_id, hidden: bool = True) -> bool:
        """Take a card off the screen (or put it back). It is kept for the record."""
        note = self._shown_note(note_id)
        changed = Note.objects.filter(pk=note.pk, hidden=not hidden).update(hidden=hidden)
        if changed:
            self.bump_version()
        return bool(changed)

    def add_note_to_record(self, note_id) -> bool:
        """Append a card's text to the agreed notes, through the same
        revision check as typing, so it never replaces what someone is typing:
        the open form is told newer notes were saved and keeps its text."""
        note = self._shown_note(note_id)
        if note.added_at is not None:
            return False
        field = "helps" if note.kind == Note.Kind.HELPS else "holds_back"
        for _ in range(5):
            score = self.score_for(note.area_id)
            current = getattr(score, field)
            combined = f"{current.rstrip()}\n{note.text}" if current.strip() else note.text
            if len(combined) > RECORD_NOTES_MAX:
                raise ValidationError(
                    f"The agreed notes would be longer than {RECORD_NOTES_MAX} characters. "
                    "Shorten them first."
                )
            values = {"helps": score.helps, "holds_back": score.holds_back, field: combined}
            if self.record(
                note.area_id, score=score.score, revision=score.notes_revision, **values
            ):
                Note.objects.filter(pk=note.pk).update(added_at=timezone.now())
                self.bump_version()  # the card now says it is in the agreed notes
                return True
        raise ValidationError("The agreed notes kept changing. Try again.")

    # Dots: at the choose step each participant places up to three dots on
    # the areas. An aid: the facilitator still records the choice.

    def _check_dots_open(self, ahead: bool = False) -> None:
        if ahead:
            self._check_ahead_open("dots")
        else:
            self._check_live("dots")
            if self.step != self.choose_step:
                raise ValidationError("Dots are placed at the choose-an-area step.")
        if self.dots_revealed_at is not None:
            raise ValidationError("The dots have been counted on the shared screen.")

    def place_dot(self, participant: Participant, area_id, *, ahead: bool = False) -> bool:
        self._check_dots_open(ahead)
        if self.area_by_id(area_id) is None:
            raise ValidationError(f"Choose one of the {self.area_count} areas.")
        with transaction.atomic():
            Participant.objects.select_for_update().filter(pk=participant.pk).first()
            if Dot.objects.filter(participant=participant).count() >= DOTS_PER_PARTICIPANT:
                raise ValidationError(
                    f"You have placed all {DOTS_PER_PARTICIPANT} dots. Take one back to move it."
                )
            Dot.objects.create(workshop=self, participant=participant, area_id=int(area_id))
        self.bump_version(counts=not ahead)
        return True

    def remove_dot(self, participant: Participant, area_id, *, ahead: bool = False) -> bool:
        self._check_dots_open(ahead)
        if self.area_by_id(area_id) is None:
            raise ValidationError(f"Choose one of the {self.area_count} areas.")
        dot = Dot.objects.filter(participant=participant, area_id=int(area_id)).last()
        if dot is None:
            return False
        deleted, _ = Dot.objects.filter(pk=dot.pk).delete()
        if deleted:
            self.bump_version(counts=not ahead)
        return bool(deleted)

    def reveal_dots(self) -> bool:
        self._check_open()
        changed = Workshop.objects.filter(pk=self.pk, dots_revealed_at__isnull=True).update(
            dots_revealed_at=timezone.now()
        )
        if changed:
            self.refresh_from_db(fields=["dots_revealed_at"])
            self.bump_version()
        return bool(changed)

    def dot_tally(self) -> dict[int, int]:
        """Dots per area of the pinned rubric, in one query."""
        counts = dict(
            Dot.objects.filter(workshop=self)
            .values_list("area_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("area_id", "n")
        )
        return {area["id"]: counts.get(area["id"], 0) for area in self.areas}

    def choose(self, area_id) -> bool:
        """The one area to work on: only an area with an agreed level (an
        experiment starts from where the group agreed it is)."""
        self._check_open()
        area = self.area_by_id(area_id)
        if area is None:
            raise ValidationError(f"Choose one of the {self.area_count} areas.")
        if str(self.chosen_area_id) == str(area_id):
            return False
        if not AreaScore.objects.filter(
            workshop=self, area_id=area["id"], score__isnull=False
        ).exists():
            raise ValidationError(
                "%(area)s has no agreed level yet. Go back to %(area)s and record the"
                " level the %(group)s agreed, then choose it.",
                code="not_scored",
                params={
                    "area": area["name"],
                    "group": self.team.noun,
                    "step": self.areas.index(area) + 1,
                },
            )
        self.chosen_area_id = int(area_id)
        self.save(update_fields=["chosen_area", "updated_at"])
        from experiments.models import Experiment

        Experiment.objects.filter(workshop=self).update(area_id=self.chosen_area_id)
        self.bump_version()
        return True

    def set_status(self, status: str) -> bool:
        if status not in self.Status.values:
            raise ValidationError("Unknown workshop state.")
        self._check_open()
        if status == self.status:
            return False
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.CLOSED:
            self.closed_at = timezone.now()
            self.timer_started_at = None
            fields += ["closed_at", "timer_started_at"]
        self.save(update_fields=fields)
        self.bump_version()
        return True

    def close_left_open(self) -> bool:
        """Close a workshop nobody closed (apply_retention); False if it was
        closed meanwhile. Its open screens hear it as any closing."""
        with transaction.atomic():
            closed = (
                Workshop.objects.filter(pk=self.pk)
                .exclude(status=self.Status.CLOSED)
                .update(
                    status=self.Status.CLOSED,
                    closed_at=timezone.now(),
                    timer_started_at=None,
                    closed_automatically=True,
                    updated_at=timezone.now(),
                )
            )
            if closed:
                self.bump_version()
        return bool(closed)

    def mark_summary_sent(self, seen: datetime | None) -> bool:
        """Record that the summary is being sent, if the page asking saw the
        sending this row last records (`seen`): a double click or a second
        tab sends it once. Only a closed workshop's summary is sent."""
        if not self.is_closed:
            raise ValidationError(
                "Close the workshop before sending its summary: until then it can still change."
            )
        now = timezone.now()
        changed = Workshop.objects.filter(pk=self.pk, summary_sent_at=seen).update(
            summary_sent_at=now
        )
        if changed:
            self.summary_sent_at = now
        return bool(changed)

    def forget_phones(self) -> bool:
        """Retention, once the workshop has been closed long enough: the names
        typed on phones, which account a phone was signed in with, and which
        phone gave which vote, note or dot go. The votes, notes and dots stay,
        so the summary, spreads and history read as before, with no names.
        Each phone keeps its row, under a new token, so the count of who
        joined stays. False if the workshop is open or already forgotten."""
        with transaction.atomic():
            workshop = Workshop.objects.select_for_update().filter(pk=self.pk).first()
            if (
                workshop is None
                or workshop.status != self.Status.CLOSED
                or workshop.phones_forgotten_at
            ):
                return False
            Vote.objects.filter(workshop=self).update(participant=None)
            Note.objects.filter(workshop=self).update(participant=None)
            Dot.objects.filter(workshop=self).update(participant=None)
            phones = list(Participant.objects.filter(workshop=self).only("pk"))
            for phone in phones:
                phone.display_name, phone.user, phone.token = "", None, uuid.uuid4()
            Participant.objects.bulk_update(phones, ["display_name", "user", "token"])
            self.phones_forgotten_at = workshop.phones_forgotten_at = timezone.now()
            workshop.save(update_fields=["phones_forgotten_at"])
        return True

    # The countdown is a visual cue only: nothing waits for it.

    @property
    def timer_running(self) -> bool:
        return self.timer_started_at is not None

    @property
    def timer_deadline(self):
        """When a running timer reaches zero; None while it is stopped."""
        if self.timer_started_at is None:
            return None
        return self.timer_started_at + timedelta(seconds=self.timer_seconds - self.timer_elapsed)

    @property
    def timer_token(self) -> str:
        return timer_token(self.timer_seconds, self.timer_elapsed, self.timer_started_at)

    @property
    def timer_remaining(self) -> int:
        elapsed = self.timer_elapsed
        if self.timer_started_at:
            elapsed += int((timezone.now() - self.timer_started_at).total_seconds())
        return max(self.timer_seconds - elapsed, 0)

    def timer(self, action: str, minutes: int | None = None) -> bool:
        self._check_open()
        now = timezone.now()
        if action == "start":
            if self.timer_running:
                return False
            self.timer_started_at = now
        elif action == "pause":
            if not self.timer_running:
                return False
            self.timer_elapsed += int((now - self.timer_started_at).total_seconds())
            self.timer_started_at = None
        elif action == "reset":
            self.timer_started_at = None
            self.timer_elapsed = 0
            if minutes:
                self.timer_seconds = minutes * 60
        else:
            raise ValidationError("Unknown timer action.")
        self.save(
            update_fields=["timer_started_at", "timer_elapsed", "timer_seconds", "updated_at"]
        )
        self.bump_version()
        return True

    # What the screens show.

    def spreads(self, rounds: dict[int, int] | None = None) -> dict[int, Spread]:
        """Every area's spread in its latest round (`rounds`: area -> round;
        read from the scores when not given), in one query (two without)."""
        if rounds is None:
            rounds = dict(
                AreaScore.objects.filter(workshop=self).values_list("area_id", "vote_round")
            )
        return {
            area_id: by_round.get(self._round(rounds, area_id), self._empty_spread())
            for area_id, by_round in self.spreads_by_round(rounds).items()
        }

    def _empty_spread(self) -> Spread:
        return Spread({}, self.level_numbers)

    def _round(self, rounds, area_id) -> int:
        return (rounds or {}).get(area_id, 1)

    def spreads_by_round(self, rounds: dict[int, int] | None = None) -> dict[int, dict]:
        """area -> {round: Spread} for every round voted, in one query (two
        when the rounds are not given)."""
        if rounds is None:
            rounds = dict(
                AreaScore.objects.filter(workshop=self).values_list("area_id", "vote_round")
            )
        counts: dict[int, dict[int, dict[int, int]]] = {}
        ahead: dict[tuple[int, int], int] = {}
        rows = (
            Vote.objects.filter(workshop=self)
            .values_list("area_id", "round", "level", "participant__ahead")
            .annotate(n=Count("id"))
            .order_by()
        )
        for area_id, vote_round, level, given_ahead, n in rows:
            by_level = counts.setdefault(area_id, {}).setdefault(vote_round, {})
            by_level[level] = by_level.get(level, 0) + n
            if given_ahead:
                ahead[area_id, vote_round] = ahead.get((area_id, vote_round), 0) + n
        levels = self.level_numbers
        return {
            area["id"]: {
                r: Spread(c, levels, ahead.get((area["id"], r), 0))
                for r, c in counts.get(area["id"], {}).items()
            }
            for area in self.areas
        }

    def scores_by_area(self) -> dict[int, AreaScore]:
        return {s.area_id: s for s in self.scores.all()}

    def room(self, vote_round: int = 1) -> dict:
        """Joined and voted counts for the current area (voted in the open
        round, and how many notes from how many people), or at the choose
        step how many placed dots: one query."""
        return _count_room(self.counting(vote_round))[1]

    def counting(self, vote_round: int = 1) -> tuple[str, int, tuple]:
        """What `room` counts at this step, without the workshop: its id,
        and the area and round on screen. What the shared screens keep to
        count again when only the counts change (`Workshop.objects.recount`)."""
        area = self.current_area
        if area:
            return "area", self.pk, (area["id"], vote_round)
        return ("choose" if self.step == self.choose_step else ""), self.pk, ()

    def default_review_date(self):
        return timezone.localdate() + timedelta(weeks=4)


class AreaScore(models.Model):
    """What the team agreed for one area: the score, the notes and the reveal."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    # Within the workshop's own scale: checked by the form and Workshop.record.
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE)],
    )
    helps = models.TextField("What helps us", blank=True)
    holds_back = models.TextField("What holds us back", blank=True)
    # Autosave sends the revision it started from; older text never replaces newer.
    notes_revision = models.PositiveIntegerField(default=0)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # The round of voting open (or last revealed): opening voting again after
    # a reveal starts the next round; earlier rounds' votes are kept.
    vote_round = models.PositiveSmallIntegerField(default=1)
    # When the facilitator showed the participants' notes on this area.
    notes_shown_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "area"], name="unique_score_per_area"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=MAX_SCALE)),
                name="score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.area} {self.score or '-'}"


class Participant(models.Model):
    """Someone voting from their own device. No account needed: the browser
    keeps the token. The facilitator can vote too, as a participant with a user."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Joined to score ahead of the session (the spread says how many votes
    # were given ahead); the same person may carry on in the room.
    ahead = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=Q(user__isnull=False),
                name="one_participant_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or "Participant"


class Vote(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    # Null once retention has forgotten which phone voted (the vote stays).
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="votes"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    # Within the workshop's own scale: checked by Workshop.vote.
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE)]
    )
    # Votes before voting was opened again stay in the record as earlier rounds.
    round = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "area", "round"], name="one_vote_per_area_round"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=MAX_SCALE), name="vote_level_in_range"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "area"])]

    def __str__(self) -> str:
        return f"{self.area}: {self.level}"


RECORD_NOTES_MAX = 2000


def clean_note_text(text: str) -> str:
    """A note as it is kept: trimmed, no control characters but new lines,
    within NOTE_MAX. Explains what is wrong otherwise."""
    text = "".join(
        c for c in (text or "") if c in "\n\t" or (c.isprintable() and c not in "\u2028\u2029")
    )
    text = "\n".join(line.rstrip() for line in text.replace("\t", " ").split("\n")).strip()
    if not text:
        raise ValidationError("Write your note before adding it.")
    if len(text) > NOTE_MAX:
        raise ValidationError(f"Keep your note to {NOTE_MAX} characters or fewer.")
    return text


class Note(models.Model):
    """A participant's note on one area. Its author is kept so only they can
    change it before it is shown; no page (nor the admin) ever shows who
    wrote it. Hidden cards stay in the workshop's record."""

    class Kind(models.TextChoices):
        HELPS = "helps", "What helps us"
        HOLDS_BACK = "holds_back", "What holds us back"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="notes")
    # Never shown anywhere. SET_NULL: a note outlives its participant.
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="notes"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=NOTE_MAX)
    # Taken off the shared screen by the facilitator (kept for the record).
    hidden = models.BooleanField(default=False)
    # When the facilitator added the card to the agreed notes.
    added_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workshop", "area"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["helps", "holds_back"]), name="note_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class Dot(models.Model):
    """One of a participant's dots on an area at the choose step (up to
    DOTS_PER_PARTICIPANT, several may sit on one area). Only the tally is shown."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="dots")
    # Null once retention has forgotten which phone placed it (the dot stays).
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="dots"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workshop", "area"])]

    def __str__(self) -> str:
        return f"Dot on {self.area_id}"


class FailedJoin(models.Model):
    """Failed join attempts per client per time window, so join codes resist
    guessing. Kept in the database: every app server sees the same count."""

    # A room of phones often shares one public address (hospital Wi-Fi), so
    # allow for typos; 30 guesses among 25**6 codes find nothing.
    WINDOW = timedelta(minutes=10)
    LIMIT = 30

    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window_start"], name="one_row_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.failures} since {self.window_start:%H:%M}"

    @classmethod
    def _window(cls):
        now = timezone.now()
        size = int(cls.WINDOW.total_seconds())
        return now - timedelta(seconds=int(now.timestamp()) % size, microseconds=now.microsecond)

    @classmethod
    def is_blocked(cls, client: str) -> bool:
        return cls.objects.filter(
            client=client, window_start=cls._window(), failures__gte=cls.LIMIT
        ).exists()

    @classmethod
    def record(cls, client: str) -> None:
        window = cls._window()
        rows = cls.objects.filter(client=client, window_start=window)
        if rows.update(failures=F("failures") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(client=client, window_start=window, failures=1)
        except IntegrityError:
            rows.update(failures=F("failures") + 1)


_ROOM_COUNTS = {
    "area": ("joined", "voted", "note_count", "noted"),
    "choose": ("joined", "dotted", "dot_count"),
    "": ("joined",),
}


@functools.cache
def _area_state_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('revealed_at')}, {quote('vote_round')}, {quote('notes_shown_at')}"
        f" FROM {quote(AreaScore._meta.db_table)} WHERE {quote('workshop_id')} = %s"
        f" AND {quote('area_id')} = %s"
    )


def _change_vote(participant_id: int, area_id, vote_round: int, level: int) -> int:
    """A participant's vote in that round set to `level`, if they have one
    (how many rows changed: 0 or 1), in one statement written out."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Vote._meta.db_table)} SET {quote('level')} = %s,"
            f" {quote('updated_at')} = %s WHERE {quote('participant_id')} = %s"
            f" AND {quote('area_id')} = %s AND {quote('round')} = %s",
            [level, timezone.now(), participant_id, int(area_id), vote_round],
        )
        return cursor.rowcount


def _count_room(counting: tuple[str, int, tuple], *, version: bool = False):
    """(the workshop's version if asked for, else None; the room's counts)."""
    kind, pk, at = counting
    if kind == "area":
        area_id, vote_round = at
        params = [pk, pk, area_id, vote_round] + [pk, area_id] * 2
    else:
        params = [pk] * len(_ROOM_COUNTS[kind])
    with connection.cursor() as cursor:
        cursor.execute(_room_sql(kind, version), [pk, *params] if version else params)
        row = cursor.fetchone()
    if version:
        return row[0], dict(zip(_ROOM_COUNTS[kind], row[1:], strict=True))
    return None, dict(zip(_ROOM_COUNTS[kind], row, strict=True))


@functools.cache
def _room_sql(kind: str, version: bool = False) -> str:
    """Workshop.room's counts, each by its own index: written out, as the
    ORM's aggregate over a join took longer to build than to run, and its
    join grew with people x votes x notes. Only what came from a phone
    still linked to it counts, as before retention unlinks them."""
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def count(model, what: str = "*", where: str = "") -> str:
        return (
            f"(SELECT COUNT({what}) FROM {table(model)} WHERE workshop_id = %s"
            f"{' AND participant_id IS NOT NULL' if model is not Participant else ''}{where})"
        )

    counts = [count(Participant)]
    if kind == "area":
        counts += [
            count(Vote, where=" AND area_id = %s AND round = %s"),
            count(Note, where=" AND area_id = %s"),
            count(Note, "DISTINCT participant_id", " AND area_id = %s"),
        ]
    elif kind == "choose":
        counts += [count(Dot, "DISTINCT participant_id"), count(Dot)]
    if version:
        counts.insert(0, f"(SELECT version FROM {table(Workshop)} WHERE id = %s)")
    return "SELECT " + ", ".join(counts)
