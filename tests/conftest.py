"""Personas and helpers shared by every test.

The personas: a facilitator, a member of team A, a member of team B, an
admin and an anonymous visitor (the plain `client`).
"""

import io
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from teams.models import Membership, Team
from teams.roles import ADMINS, FACILITATORS
from tests.oidc import _running_provider, oidc_provider  # noqa: F401 (a real OIDC provider)

PASSWORD = "a-long-test-password"


def pytest_collection_modifyitems(config, items):
    """Browser tests last. Playwright's sync API keeps an event loop running
    on the main thread from the first browser test to the end of the
    session, and a test that runs async code itself (the live room's
    streams, the ASGI layers) cannot do so beside it."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def live_server(request):
    """The service under uvicorn (tests/asgi_live_server.py), in place of
    pytest-django's WSGI live server: the live room streams."""
    from tests.asgi_live_server import AsgiLiveServer

    server = AsgiLiveServer()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests talk plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # The manifest needs collectstatic; tests serve the source files instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch):
    """The workshops' clock, for a test to move on (tests/clock.py)."""
    from tests.clock import move_clock

    return move_clock(monkeypatch)


@pytest.fixture
def rubric(db):
    """The shipped default rubric, loaded as `make run` loads it."""
    from maturity.models import MaturityModel

    call_command("load_models")
    return MaturityModel.objects.get(is_default=True)


def make_user(username: str, *, groups=(), **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username,
        email=extra.pop("email", f"{username}@example.nhs.uk"),
        password=PASSWORD,
        first_name=extra.pop("first_name", username.title()),
        **extra,
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_team(name: str, *members, kind: str = Team.Kind.TEAM) -> Team:
    from django.utils.text import slugify

    team = Team.objects.create(name=name, slug=slugify(name), kind=kind)
    for member in members:
        Membership.objects.create(team=team, user=member)
    return team


@pytest.fixture
def facilitator(db):
    return make_user("fran", groups=[FACILITATORS])


@pytest.fixture
def member_a(db):
    return make_user("alex")


@pytest.fixture
def member_b(db):
    return make_user("bea")


@pytest.fixture
def admin_user(db):
    return make_user("ada", groups=[ADMINS], is_staff=True, is_superuser=True)


@pytest.fixture
def team_a(member_a):
    return make_team("Team A", member_a)


@pytest.fixture
def team_b(member_b):
    return make_team("Team B", member_b)


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def facilitator_client(client, facilitator):
    return client_for(client, facilitator)


@pytest.fixture
def member_a_client(client, member_a, team_a):
    return client_for(client, member_a)


@pytest.fixture
def member_b_client(client, member_b, team_b):
    return client_for(client, member_b)


@pytest.fixture
def admin_client_(client, admin_user):
    return client_for(client, admin_user)


@pytest.fixture
def log_lines():
    """What the service's console handler writes (settings.LOGGING), as lines."""
    (handler,) = logging.getLogger().handlers[:1]
    written = io.StringIO()
    before = handler.setStream(written)
    yield lambda: [line for line in written.getvalue().splitlines() if line.strip()]
    handler.setStream(before)
