"""Every form on the service, for the hostile-input tests.

A FormCase says where a form posts, who posts it, which fields get hostile
values, valid values for the rest, and which pages show what it stores (so
the test can check nothing stored renders as markup).

MERGE: add the workshop, experiment and playbook forms and htmx endpoints,
e.g. FormCase("agreed score", lambda w, c: reverse("workshops:score",
args=[w.workshop_a.pk]), "facilitator", ("score", "helps", "holds_back"),
shown_on=(("workshops:summary", "workshop_a", "member_a"),)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from tests.security.matrix import ARGS


@dataclass(frozen=True)
class FormCase:
    name: str
    url: Callable  # (world, client) -> the URL to post to
    persona: str
    fields: tuple[str, ...]
    base: Callable = lambda world: {}  # valid values for the other fields
    # Pages that show what the form stores: (url name, ARGS key, persona).
    shown_on: tuple[tuple[str, str, str], ...] = field(default=())
    # An htmx endpoint: posted with HX-Request, as htmx sends it (list it
    # twice, with and without, when it also takes plain form posts).
    htmx: bool = False


def _set_password_url(world, client) -> str:
    """The reset link from the email, followed as a browser does (Django
    swaps the token into the session and redirects to the set-password form)."""
    from django.contrib.auth.tokens import default_token_generator

    world.member_a.refresh_from_db()
    token = default_token_generator.make_token(world.member_a)
    response = client.get(reverse("password_reset_confirm", args=[world.reset_uid, token]))
    return response["Location"]


def _area_form(world) -> dict:
    from tests.test_admin_rubric import area_form_data

    world.area.refresh_from_db()
    return area_form_data(world.area)


def _url(name: str, args: str = "-") -> Callable:
    return lambda world, client: reverse(name, args=ARGS[args](world))


ARGS.setdefault("area", lambda w: [w.area.pk])

FORMS = [
    FormCase("sign in", _url("login"), "anon", ("username", "password", "next")),
    FormCase("admin sign in", _url("admin:login"), "anon", ("username", "password")),
    FormCase("password reset", _url("password_reset"), "anon", ("email",)),
    FormCase(
        "password change",
        _url("password_change"),
        "member_a",
        ("old_password", "new_password1", "new_password2"),
    ),
    FormCase("set a new password", _set_password_url, "anon", ("new_password1", "new_password2")),
    FormCase(
        "admin rubric edit",
        _url("admin:maturity_area_change", "area"),
        "admin",
        ("name", "summary", "order", "levels-0-title", "levels-1-descriptor", "prompts-0-text"),
        base=_area_form,
        shown_on=(("maturity:model", "-", "member_a"),),
    ),
]
