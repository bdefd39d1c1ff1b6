"""Hostile input to every form: never a 500, nothing stored that renders as
markup, oversized input refused with a clear message.

The forms are listed in tests/security/forms.py. 20 random examples per
form keep make test fast; HOSTILE_EXAMPLES=300 digs deeper (do it on
PostgreSQL, which refuses what SQLite silently stores).
"""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.security.forms import FORMS
from tests.security.matrix import ARGS
from tests.security.world import persona_client

MARKUP = [
    "<script>alert('hostile')</script>",
    '"><img src=x onerror=alert(1)>',
    "<b onmouseover=alert(1)>bold</b>",
    "</textarea><svg onload=alert(1)>",
    "<a href=javascript:alert(1)>link</a>",
]
HOSTILE = MARKUP + [
    "' OR '1'='1' --",
    "'; DROP TABLE auth_user; --",
    "1); SELECT pg_sleep(5); --",
    "\x00",
    "nul\x00inside",
    "\x1b[31m\x07\x08\x7f",
    "\u202etxt.exe\u200b\ufeff",
    "👩🏽‍⚕️🏥 Zoë Ødegård Łukasz 李",
    "{{ request }}{% csrf_token %}",
    "%(x)s %s %n",
    "\r\nSet-Cookie: hostile=1",
    "a" * 300,
    "-1",
    "1e309",
    "NaN",
    "[]",
    '{"score": 5}',
]
OVERSIZED = "x" * 100_000
MISSING = object()

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
    st.just(MISSING),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3),  # one field sent twice
)


def submissions(fields: tuple[str, ...]):
    """Every field hostile at once; or one hostile field among valid ones (so
    hostile values do get stored); or one 100 KB field."""
    one_field = st.sampled_from(fields)
    return st.one_of(
        st.fixed_dictionaries({name: values for name in fields}),
        st.builds(lambda f, v: {f: v}, one_field, st.sampled_from(HOSTILE) | st.text()),
        st.builds(lambda f: {f: OVERSIZED}, one_field),
    )


def markup_in(value) -> list[str]:
    flat = value if isinstance(value, list) else [value]
    return [m for m in MARKUP for v in flat if isinstance(v, str) and m in v]


@pytest.mark.parametrize("case", FORMS, ids=[c.name for c in FORMS])
def test_hostile_input_is_refused_or_stored_harmlessly(case, world):
    client = persona_client(case.persona, world)

    @settings(
        max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")),
        deadline=None,
        database=None,
        # One database transaction for all examples is what we want here:
        # hostile values pile up as they would on a live service.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(submissions(case.fields))
    def post(drawn):
        data = dict(case.base(world))
        for name, value in drawn.items():
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = value
        headers = {"HX-Request": "true"} if case.htmx else {}
        send = client.get if case.method == "GET" else client.post
        response = send(case.url(world, client), data, headers=headers)
        content = response.content.decode(errors="replace")

        assert response.status_code < 500, content[:2000]
        for name, value in drawn.items():
            if value == OVERSIZED:
                status, message = case.too_long(name)
                assert response.status_code == status, f"{name}: {response.status_code}"
                assert message in content, f"{name}: no {message!r} on the page"
        posted_markup = [m for v in drawn.values() for m in markup_in(v)]
        pages = [content] + [
            persona_client(persona, world)
            .get(reverse(url, args=ARGS[args](world)))
            .content.decode()
            for url, args, persona in case.shown_on
        ]
        for markup in posted_markup:
            for page in pages:
                assert markup not in page, f"{markup!r} came back unescaped"

    # Every field also gets markup on its own among valid values, so what a
    # form stores is always checked on the pages that show it.
    # And a long value (past most max_lengths, under the request limit):
    # every database column must be guarded by a form limit.
    for i, name in enumerate(case.fields):
        post = example({name: MARKUP[i % len(MARKUP)]})(post)
        post = example({name: "a" * 1500})(post)
    post()


def test_an_oversized_post_gets_a_clear_page(client, db):
    response = client.post(reverse("login"), {"username": OVERSIZED, "password": "x"})
    assert response.status_code == 413
    assert "What you sent is too long" in response.content.decode()


def test_markup_in_a_descriptor_shows_as_text(admin_client_, rubric):
    """The check above can fail: stored markup would be found raw on the page."""
    from tests.test_admin_rubric import area_form_data

    area = rubric.areas.get(key="focus")
    url = reverse("admin:maturity_area_change", args=[area.pk])
    admin_client_.post(url, area_form_data(area, **{"levels-1-descriptor": MARKUP[0]}))
    page = admin_client_.get(reverse("maturity:model")).content.decode()
    assert MARKUP[0] not in page
    assert "&lt;script&gt;alert(&#x27;hostile&#x27;)&lt;/script&gt;" in page
