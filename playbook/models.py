"""The shared playbook: finished experiments a team chose to publish, so every
other team can find them and start their own version.

An entry is written by the team from one finished experiment. It carries
text only (never the team's scores). Search on PostgreSQL uses a weighted
`search_vector` column that a database trigger keeps up to date (see
migration 0002); on SQLite the column stays empty and search falls back to
matching every word with LIKE.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import slugify

from experiments.models import Experiment
from workshops.models import AreaScore

SLUG_MAX_LENGTH = 80
# Slugs that would read like one of the playbook's own pages.
RESERVED_SLUGS = {"publish"}
SEARCH_CONFIG = "english"
# Fields searched, with the weight each carries on PostgreSQL (A counts most).
SEARCH_WEIGHTS = {
    "title": "A",
    "problem": "B",
    "hypothesis": "B",
    "what_we_did": "C",
    "learning": "C",
    "advice": "D",
}
_SQLITE_WEIGHTS = {"A": 8, "B": 4, "C": 2, "D": 1}
# On SQLite each word adds six LIKE tests to the ranking; a cap keeps a long
# search string from building an expression deeper than SQLite allows.
_SQLITE_RANKED_WORDS = 10
WORD = re.compile(r"\w+")
HYPOTHESIS = re.compile(
    r"^\s*We believe that\s+(?P<change>.+?)\s+will result in\s+(?P<outcome>.+?)\.\s+"
    r"We will know this when we see\s+(?P<signal>.+?)\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def search_words(text: str) -> list[str]:
    """The words in a search string, in order, without repeats."""
    return list(dict.fromkeys(word.lower() for word in WORD.findall(text)))


class EntryQuerySet(models.QuerySet):
    def published(self) -> EntryQuerySet:
        """Entries anyone signed in may read: published and not hidden by an admin."""
        return self.filter(status=Entry.Status.PUBLISHED, hidden=False)

    def for_list(self) -> EntryQuerySet:
        """The playbook list page: newest first, with what each card shows, in one query."""
        return (
            self.published()
            .select_related("area__model", "team")
            .defer("search_vector")
            .order_by("-published_at", "-pk")
        )

    def for_team_member(self, user) -> EntryQuerySet:
        """Entries of the teams a person belongs to, in any state (the list page's
        'your team's entries', so a hidden or withdrawn entry is never out of sight)."""
        return (
            self.filter(team__memberships__user=user)
            .select_related("team")
            .defer("search_vector")
            .order_by("-updated_at")
        )

    def suggestions(self, area, limit: int = 3) -> EntryQuerySet:
        """A few entries for one area (the workshop's choose-an-area and
        write-the-experiment steps)."""
        return self.for_list().filter(area=area)[:limit]

    def suggestions_by_area(self, area_ids, limit: int = 3) -> dict[int, list[Entry]]:
        """The same few entries for each of many areas, in one query whatever
        the number of areas or entries (the choose-an-area step shows every
        area's). PostgreSQL: each area's newest few from the index, joined
        with UNION ALL. SQLite cannot slice inside a union: it numbers every
        entry of the areas instead, which is fine at a laptop's scale."""
        area_ids = list(area_ids)
        if not area_ids:
            return {}
        if connection.features.supports_slicing_ordering_in_compound:
            first, *rest = [self.for_list().filter(area_id=area)[:limit] for area in area_ids]
            ranked = first.union(*rest, all=True) if rest else first
        else:
            ranked = (
                self.for_list()
                .filter(area_id__in=area_ids)
                .annotate(
                    place=Window(
                        RowNumber(),
                        partition_by=F("area_id"),
                        order_by=[F("published_at").desc(), F("pk").desc()],
                    )
                )
                .filter(place__lte=limit)
            )
        by_area: dict[int, list[Entry]] = {}
        for entry in ranked:
            by_area.setdefault(entry.area_id, []).append(entry)
        return by_area

    def search(self, text: str) -> EntryQuerySet:
        """Entries matching every word of `text`, most relevant first.

        PostgreSQL: full-text search over the weighted search vector, ranked
        with SearchRank (title counts most, advice least). SQLite: every word
        must appear somewhere (LIKE), ranked by where the words appear.
        """
        words = search_words(text)
        if not words:
            return self
        if connection.vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-published_at", "-pk")
            )
        matches = Q()
        for word in words:
            matches &= Q(
                _connector=Q.OR, **{f"{field}__icontains": word for field in SEARCH_WEIGHTS}
            )
        rank = Value(0, output_field=IntegerField())
        for word in words[:_SQLITE_RANKED_WORDS]:
            for field, weight in SEARCH_WEIGHTS.items():
                rank += Case(
                    When(**{f"{field}__icontains": word}, then=_SQLITE_WEIGHTS[weight]),
                    default=0,
                    output_field=IntegerField(),
                )
        return self.filter(matches).annotate(rank=rank).order_by("-rank", "-published_at", "-pk")


class Entry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    experiment = models.OneToOneField(
        Experiment, on_delete=models.PROTECT, related_name="playbook_entry"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="playbook_entries"
    )
    area = models.ForeignKey("maturity.Area", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(
        max_length=120, help_text="A short name other teams will recognise, in plain English."
    )
    # Readable and stable: set once from the first title, never changed after,
    # so a shared link keeps working when the title is edited.
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True, editable=False)
    problem = models.TextField(
        "The problem we faced", help_text="What was getting in the team's way?"
    )
    hypothesis = models.TextField("Our hypothesis")
    what_we_did = models.TextField("What we did")
    duration = models.CharField(
        "How long we tried it", max_length=60, help_text="For example, 6 weeks."
    )
    result = models.CharField(max_length=20, choices=Experiment.Result.choices)
    learning = models.TextField("What we learned")
    advice = models.TextField("Advice for other teams")
    show_team_name = models.BooleanField("Show our team's name", default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="Hidden from the playbook by an admin.")
    hidden_reason = models.TextField(
        blank=True, help_text="Why it is hidden. The team sees this on its entry."
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date by a trigger on PostgreSQL; always empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published", hidden=False),
                name="playbook_published_newest",
            ),
            models.Index(fields=["area", "result"], name="playbook_area_result"),
            # Each area's newest few (the workshop's suggestions).
            models.Index(
                fields=["area", "-published_at"],
                condition=Q(status="published", hidden=False),
                name="playbook_area_newest",
            ),
            # The list's "your team's entries not in the playbook": a team's
            # few unlisted entries, not all it ever published.
            models.Index(
                fields=["team"],
                condition=~Q(status="published", hidden=False),
                name="playbook_team_unlisted",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(hidden=True, hidden_reason=""), name="hidden_needs_a_reason"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        """Whether anyone signed in can read it."""
        return self.status == self.Status.PUBLISHED and not self.hidden

    @property
    def shared_by(self) -> str:
        return self.team.name if self.show_team_name else self.team.anonymous_name

    def hypothesis_parts(self) -> dict[str, str]:
        """change, outcome and signal, as a starting point for another team's
        experiment. A hypothesis the team rewrote freely goes into `change`."""
        found = HYPOTHESIS.match(self.hypothesis)
        if found:
            return found.groupdict()
        return {"change": self.hypothesis, "outcome": "", "signal": ""}

    def save_with_slug(self) -> None:
        """Save a new entry under a readable slug made unique with a number."""
        base = slugify(self.title)[: SLUG_MAX_LENGTH - 6].strip("-") or "entry"
        taken = (
            set(Entry.objects.filter(slug__startswith=base).values_list("slug", flat=True))
            | RESERVED_SLUGS
        )
        number = 1
        while True:
            self.slug = base if number == 1 else f"{base}-{number}"
            number += 1
            if self.slug in taken:
                continue
            try:
                with transaction.atomic():
                    self.save(force_insert=True)
                return
            except IntegrityError:
                # Someone took this slug a moment ago: try the next number.
                if Entry.objects.filter(slug=self.slug).exists():
                    taken.add(self.slug)
                    continue
                raise

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])

    def withdraw(self) -> None:
        self.status = self.Status.WITHDRAWN
        self.save(update_fields=["status", "updated_at"])

    def hide(self, reason: str, by) -> None:
        if not reason.strip():
            raise ValueError("An entry is hidden with a reason the team can read.")
        self.hidden = True
        self.hidden_reason = reason.strip()
        self.hidden_at = timezone.now()
        self.hidden_by = by
        self.save(update_fields=["hidden", "hidden_reason", "hidden_at", "hidden_by", "updated_at"])

    def unhide(self) -> None:
        self.hidden = False
        self.hidden_reason = ""
        self.hidden_at = None
        self.hidden_by = None
        self.save(update_fields=["hidden", "hidden_reason", "hidden_at", "hidden_by", "updated_at"])

    @classmethod
    def initial_from(cls, experiment: Experiment) -> dict:
        """What the publish form starts with: the experiment's own words."""
        title = experiment.change.strip().rstrip(".")
        return {
            "title": (title[:1].upper() + title[1:])[:120],
            "area": experiment.area_id,
            "problem": problem_of(experiment),
            "hypothesis": experiment.hypothesis,
            "what_we_did": experiment.what_happened,
            "duration": duration_between(experiment.started_on, experiment.finished_on),
            "result": experiment.result,
            "learning": experiment.learning,
            "advice": experiment.advice,
            "show_team_name": True,
        }


def problem_of(experiment: Experiment) -> str:
    """What was getting in the team's way: what the workshop agreed holds it
    back in the area it chose (never its score: an entry shows none), or,
    for an experiment started from the playbook, the entry's own problem."""
    if experiment.workshop_id:
        return (
            AreaScore.objects.filter(workshop_id=experiment.workshop_id, area_id=experiment.area_id)
            .values_list("holds_back", flat=True)
            .first()
            or ""
        ).strip()
    adopted = Adoption.objects.filter(experiment=experiment).select_related("entry").first()
    return adopted.entry.problem if adopted else ""


def duration_between(start: date | None, end: date | None) -> str:
    if not start or not end:
        return ""
    days = (end - start).days
    if days < 14:
        return "1 day" if days == 1 else f"{max(days, 1)} days"
    weeks = round(days / 7)
    return f"{weeks} weeks"


class Adoption(models.Model):
    """A team started its own experiment from an entry ("tried by 3 teams")."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="adoptions")
    experiment = models.OneToOneField(
        Experiment, on_delete=models.CASCADE, related_name="playbook_adoption"
    )
    # Named on the entry only when the team says so, as when it publishes.
    show_team_name = models.BooleanField("Show our team's name on this entry", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.experiment.team} tried {self.entry}"

    @property
    def team_label(self) -> str:
        return (
            self.experiment.team.name
            if self.show_team_name
            else f"{self.experiment.team.a_noun.capitalize()} that chose not to be named"
        )
