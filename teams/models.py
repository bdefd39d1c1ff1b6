from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
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

    def has_member(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return self.memberships.filter(user=user).exists()


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
