"""The sign-in page with a provider (password sign-in on and off) and every
problem page pass the Nu HTML checker (tests/security/test_html_validity.py
covers the pages of the access matrix, where no provider is configured)."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse

from identity.views import PROBLEM_STATUS, problem
from tests.security.test_html_validity import validate


def test_sign_in_and_problem_pages_are_valid_html(client, oidc_provider, settings, tmp_path):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    pages = {"sign-in-both": client.get(reverse("login")).content}
    settings.PASSWORD_SIGN_IN = False
    pages["sign-in-organisation-only"] = client.get(reverse("login")).content
    pages["bad-state"] = client.get(reverse("identity:callback"), {"code": "c", "state": "s"})
    pages["bad-state"] = pages["bad-state"].content
    for kind, status in PROBLEM_STATUS.items():
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        response = problem(request, kind)
        assert response.status_code == status
        pages[f"problem-{kind}"] = response.content

    files = []
    for name, content in pages.items():
        (tmp_path / f"{name}.html").write_bytes(content)
        files.append(tmp_path / f"{name}.html")
    errors = {name: found for name, found in validate(files).items() if found}
    assert not errors, errors
