"""Hostile values in the callback's parameters, against the real provider:
never a 500, never signed in, nothing echoed as markup. (The hostile-input
test in tests/security/ runs without a provider, where the callback is 404.)"""

from __future__ import annotations

import os

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.oidc import start_sign_in
from tests.security.test_hostile_input import HOSTILE, MARKUP, MISSING, OVERSIZED, values

FIELDS = ("code", "state", "error", "error_description", "iss", "session_state")


def test_hostile_callback_parameters_never_give_a_500(oidc_provider, django_user_model):
    client = Client()

    @settings(
        max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries({name: values for name in FIELDS}),
        st.booleans(),
    )
    @example({"code": OVERSIZED, "state": "real"}, True)
    @example({"code": MARKUP[0], "state": "real"}, True)
    @example({"state": MARKUP[1], "code": "x"}, False)
    @example({"error": MARKUP[2], "error_description": MARKUP[3], "state": "real"}, True)
    def callback(drawn, keep_real_state):
        start_sign_in(client)
        real_state = next(reversed(client.session["oidc_states"]))
        params = {name: value for name, value in drawn.items() if value is not MISSING}
        if keep_real_state:
            # The state of a sign-in in progress, so the hostile code (or
            # error) reaches the provider's token endpoint.
            params["state"] = real_state
        response = client.get(reverse("identity:callback"), params)

        content = response.content.decode(errors="replace")
        assert response.status_code in (400, 403, 503), (response.status_code, content[:500])
        assert not response.wsgi_request.user.is_authenticated
        for markup in MARKUP:
            sent = [v for v in params.values() if isinstance(v, str)]
            sent += [x for v in params.values() if isinstance(v, list) for x in v]
            if any(markup in v for v in sent):
                assert markup not in content, f"{markup!r} came back unescaped"

    callback()
    assert not django_user_model.objects.exists()
    assert HOSTILE  # the shared list, so new hostile values reach this test too
