from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


class TeamQuerySet(models.QuerySet):
    def for_member(self, user) -> TeamQuerySet:
        """The teams a person belongs to (home page, dashboard)."""
        return self.filter(memberships__user=user)

    def visible_to(self, user) -> TeamQuerySet:
        """Teams whose pages a person may open: their own teams, teams whose
        workshops they facilitated, every team for admins."""
        from teams.roles import is_admin

        if not user.is_authenticated:
            return self.none()
        if is_admin(user):
            return self.all()
        return self.filter(Q(memberships__user=user) | Q(workshops__facilitator=user)).distinct()


class Team(models.Model):
    """A group that holds workshops: a product team, a board or a whole
    organisation. They work alike; only the words on their pages differ."""

    class Kind(models.TextChoices):
        TEAM = "team", "Team"
        BOARD = "board", "Board"
        ORGANISATION = "organisation", "Organisation"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.TEAM,
        help_text='What kind of group this is. Its pages call it "the team", '
        '"the board" or "the organisation".',
    )
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def noun(self) -> str:
        """How a sentence names this group: "team", "board" or "organisation"."""
        return self.get_kind_display().lower()

    @property
    def nouns(self) -> str:
        """Several of this group's kind: "teams", "boards", "organisations"."""
        return self.noun + "s"

    @property
    def a_noun(self) -> str:
        """ "a team", "a board", "an organisation"."""
        return with_article(self.noun)

    @property
    def anonymous_name(self) -> str:
        """Who published a playbook entry when the group keeps its name back."""
        return ANONYMOUS_NAMES[self.kind]

    def has_member(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return self.memberships.filter(user=user).exists()


ANONYMOUS_NAMES = {
    Team.Kind.TEAM: "An NHS product team",
    Team.Kind.BOARD: "An NHS board",
    Team.Kind.ORGANISATION: "An NHS organisation",
}


def with_article(noun: str) -> str:
    """ "a team", "an organisation", "a team or board"."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _kind_words(teams, suffix: str, conjunction: str) -> str:
    kinds = {team.kind for team in teams} or {Team.Kind.TEAM}
    words = [label.lower() + suffix for value, label in Team.Kind.choices if value in kinds]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural_nouns(teams) -> str:
    """The groups a page lists, named by their kinds: "teams", "boards",
    "teams and boards", "teams, boards and organisations" (in Kind order)."""
    return _kind_words(teams, "s", "and")


def either_noun(teams) -> str:
    """One of the groups a form offers, named by their kinds: "team",
    "board", "team or board", "team, board or organisation" (in Kind order)."""
    return _kind_words(teams, "", "or")


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def in_its_team(user, model) -> RawSQL:
    """An annotation for rows of `model` (anything with a `team`): whether
    `user` is a member of the row's team, read with the row rather than in a
    query of its own (Team.has_member)."""
    quote = connection.ops.quote_name
    membership = Membership._meta
    team = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field('team').column)}"
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {quote(membership.db_table)} m"
        f" WHERE m.{quote(membership.get_field('team').column)} = {team}"
        f" AND m.{quote(membership.get_field('user').column)} = %s)",
        [user.pk if user.is_authenticated else 0],
        output_field=BooleanField(),
    )
