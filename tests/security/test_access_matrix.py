"""Every URL the project defines, for every persona, gives what the matrix says.

The table is in tests/security/matrix.py. A URL the resolver knows but the
table does not fails `test_every_url_is_in_the_matrix` with its name.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tests.security.matrix import ADMIN_RULE, ARGS, MATRIX, PERSONAS
from tests.security.urls import project_patterns


def test_every_url_is_in_the_matrix():
    listed = {name for name, _ in MATRIX}
    missing = sorted(
        p.name or f"(unnamed) {p.route}"
        for p in project_patterns()
        if p.namespace != "admin" and p.name not in listed
    )
    assert not missing, (
        "These URLs are not in the access matrix (tests/security/matrix.py); "
        "add a row for each, with what every persona should get: " + ", ".join(missing)
    )


def test_matrix_names_only_urls_that_exist():
    known = {p.name for p in project_patterns()}
    stale = sorted({name for name, _ in MATRIX if name not in known})
    assert not stale, f"The matrix names URLs that no longer exist: {stale}"


def outcome(response) -> int | str:
    if response.status_code == 302:
        login_urls = (reverse(settings.LOGIN_URL), reverse("admin:login"))
        if response["Location"].startswith(login_urls):
            return "login"
    return response.status_code


def admin_urls(world) -> list[tuple[str, str]]:
    """Every admin URL the fixture's objects can fill, with its path."""
    urls = []
    for p in project_patterns():
        if p.namespace != "admin" or p.name is None or ("admin", p.name) in MATRIX:
            continue
        if any(name == p.name for name, _ in MATRIX):
            continue
        args = _admin_args(p)
        if args is None:
            continue
        urls.append((p.name, reverse(p.name, args=args)))
    return urls


def _admin_args(p) -> list | None:
    """Arguments for an admin URL from the first stored object of its model;
    None when there is none (the rule is the same for every object)."""
    if "<" not in p.route and "(" not in p.route:
        return []
    short = p.name.removeprefix("admin:")
    if short == "app_list":
        return ["maturity"]
    if short == "view_on_site":
        return None
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if not short.startswith(prefix):
            continue
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            return None
        if short.endswith("_simple_history"):
            record = obj.history.order_by("pk").first()
            return [obj.pk, record.pk] if record else None
        return [obj.pk]
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_matrix_says(persona, world, personas):
    client = personas[persona]
    wrong = []
    for (name, method), row in MATRIX.items():
        url = reverse(name, args=ARGS[row.args](world))
        response = client.generic(method, url)
        got = outcome(response)
        if got != row.expected[persona]:
            wrong.append(f"{method} {name} ({url}): got {got}, matrix says {row.expected[persona]}")
        if name == "logout" and method == "POST":
            client = personas[persona] = _fresh(persona, world)
    assert not wrong, f"{persona}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS[:-1])
def test_pages_an_admin_had_drawn_first_still_follow_the_matrix(persona, world, personas):
    """Pages kept once for everyone who may see them (core/kept.py: a
    team's history and exports, the playbook's results): after an admin,
    who sees everything, has opened every page, nobody else is shown more."""
    admin = personas["admin"]
    for (name, method), row in MATRIX.items():
        if method == "GET" and row.expected["admin"] == 200:
            admin.get(reverse(name, args=ARGS[row.args](world)))
    client = personas[persona]
    wrong = []
    for (name, method), row in MATRIX.items():
        if method != "GET" or name == "logout":
            continue
        got = outcome(client.get(reverse(name, args=ARGS[row.args](world))))
        if got != row.expected[persona]:
            wrong.append(f"GET {name}: got {got}, matrix says {row.expected[persona]}")
    assert not wrong, f"{persona}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_urls_follow_the_admin_rule(persona, world, personas):
    client = personas[persona]
    wrong = []
    for name, url in admin_urls(world):
        got = outcome(client.get(url))
        if got != ADMIN_RULE[persona]:
            wrong.append(f"GET {name} ({url}): got {got}, rule says {ADMIN_RULE[persona]}")
    assert not wrong, f"{persona}:\n  " + "\n  ".join(wrong)


def _fresh(persona, world):
    from tests.security.world import persona_client

    return persona_client(persona, world)
