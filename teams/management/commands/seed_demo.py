"""Demo people, a demo team, a demo board and, from each app that has one, its demo data.

Apps add their own demo data with a `demo.py` module that has a
`seed(stdout) -> None` function; this command calls them in INSTALLED_APPS order.
"""

import importlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from core.refusals import ConfigurationError
from teams.models import Membership, Team
from teams.roles import ADMINS, FACILITATORS

DEMO_USERS = [
    # username, password, first, last, role
    ("facilitator", "demo-facilitator", "Fran", "Facilitator", FACILITATORS),
    ("member", "demo-member", "Morgan", "Member", None),
    ("admin", "demo-admin", "Ada", "Admin", ADMINS),
]
DEMO_TEAM = ("Repeat Prescriptions", "repeat-prescriptions")
OTHER_TEAM = ("Digital Urgent Care", "digital-urgent-care")
# A board uses the service too (progress/demo.py gives it a past workshop).
DEMO_BOARD = ("Trust Board", "trust-board")


class Command(BaseCommand):
    help = "Create demo sign-ins and demo data for local development (refuses unless DEBUG)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options) -> str:
        if not settings.DEBUG and not force:
            raise ConfigurationError(
                "Demo data is for development only: DEBUG is off. Set DEBUG=true on a "
                "development copy, never on the live service."
            )
        User = get_user_model()
        if User.objects.filter(username="facilitator").exists():
            return self.sign_ins("Demo data already there.")
        with transaction.atomic():
            facilitators, _ = Group.objects.get_or_create(name=FACILITATORS)
            admins, _ = Group.objects.get_or_create(name=ADMINS)
            groups = {FACILITATORS: facilitators, ADMINS: admins}
            team, _ = Team.objects.get_or_create(name=DEMO_TEAM[0], slug=DEMO_TEAM[1])
            Team.objects.get_or_create(name=OTHER_TEAM[0], slug=OTHER_TEAM[1])
            Team.objects.get_or_create(
                name=DEMO_BOARD[0], slug=DEMO_BOARD[1], defaults={"kind": Team.Kind.BOARD}
            )
            for username, password, first, last, role in DEMO_USERS:
                user = User.objects.create_user(
                    username,
                    email=f"{username}@example.nhs.uk",
                    password=password,
                    first_name=first,
                    last_name=last,
                )
                if role:
                    user.groups.add(groups[role])
                if role == ADMINS:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                if username == "member":
                    Membership.objects.create(team=team, user=user)
            for app in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{app.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app.name}.demo":
                        raise
                    continue
                module.seed(self.stdout)
        return self.sign_ins("Demo data created.")

    def sign_ins(self, headline: str) -> str:
        lines = [headline, "Demo sign-ins (development only):"]
        labels = {FACILITATORS: "Facilitator", ADMINS: "Admin", None: "Team member"}
        for username, password, _first, _last, role in DEMO_USERS:
            lines.append(f"  {labels[role]:<12} username {username:<12} password {password}")
        return "\n".join(lines)
