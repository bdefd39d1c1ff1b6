"""Every page of the access matrix, in Chromium, has no axe-core violations
(WCAG 2.2 A/AA) and loads nothing the Content Security Policy blocks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import WCAG_TAGS, _axe, assert_accessible
from tests.security.pages import pages
from tests.security.world import world_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One admin page of each kind is enough: they share Django's templates ...
ADMIN_KINDS = ("index", "app_list", "_changelist", "_add", "_change", "_history", "_delete")
# ... except their forms and lists differ, so every admin page the guides
# send people to is checked too (docs/admins.md, docs/operators.md).
GUIDE_PAGES = {
    f"admin:{name}"
    for name in (
        "auth_user_changelist",  # people
        "auth_user_change",  # a person, their roles, "Erase this person"
        "teams_team_changelist",  # teams and boards
        "teams_team_change",  # a team and its memberships
        "maturity_maturitymodel_changelist",  # models, "Import a model"
        "maturity_maturitymodel_change",
        "maturity_import",
        "maturity_area_changelist",  # rubric text, found by search
        "maturity_area_change",
        "maturity_level_changelist",
        "maturity_prompt_changelist",
        "playbook_entry_changelist",  # moderation
        "playbook_entry_change",
        "audit_auditevent_changelist",  # the audit trail
        "audit_auditevent_change",
        "axes_accessattempt_changelist",  # lockouts
    )
}


# Django's own admin widgets, which we do not rewrite (admin pages only):
# SelectFilter2, the permissions picker, puts aria-label on a <span> and sets
# inline styles from JavaScript (blocked by our CSP; the picker still works).
KNOWN_ADMIN_RULES = {"aria-prohibited-attr": {"enabled": False}}
KNOWN_ADMIN_CONSOLE = "Applying inline style violates the following Content Security Policy"


def assert_admin_accessible(page) -> None:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "rules": KNOWN_ADMIN_RULES}
    results = _axe.run(page, options=options)
    assert not results.response["violations"], results.generate_report()


def _admin_sample(found):
    kept, seen = [], set()
    for page in found:
        kind = next((k for k in ADMIN_KINDS if page.label.endswith(k)), None)
        if page.label in GUIDE_PAGES:
            seen.add(kind)
        elif page.persona == "admin" and page.label.startswith("admin:"):
            if kind is None or kind in seen:
                continue
            seen.add(kind)
        kept.append(page)
    return kept


def test_every_page_is_accessible(browser, live_server, world):
    contexts = {}
    problems = []
    sample = _admin_sample(pages(world))
    assert GUIDE_PAGES <= {page.label for page in sample}, GUIDE_PAGES - {p.label for p in sample}
    try:
        for page_spec in sample:
            context = contexts.get(page_spec.persona)
            if context is None:
                context = contexts[page_spec.persona] = _context_for(
                    browser, live_server, page_spec.persona, world
                )
            url = f"{live_server.url}{page_spec.path}"
            head = context.request.get(url, max_redirects=0)
            if head.headers.get("content-disposition", "").startswith("attachment"):
                # A download (the history exports): no page to check, only its status.
                assert head.status == page_spec.status, page_spec
                continue
            page = context.new_page()
            errors = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on(
                "response",
                lambda r, e=errors: e.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            response = page.goto(url)
            assert response.status == page_spec.status, page_spec
            if "text/html" in response.headers.get("content-type", ""):
                is_admin_page = page_spec.label.startswith("admin:")
                try:
                    (assert_admin_accessible if is_admin_page else assert_accessible)(page)
                except AssertionError as error:
                    problems.append(f"{page_spec.label} ({page_spec.path}): {error}")
                expected = str(page_spec.status) if page_spec.status >= 400 else None
                unexpected = [e for e in errors if not (expected and expected in e)]
                if is_admin_page:
                    unexpected = [e for e in unexpected if KNOWN_ADMIN_CONSOLE not in e]
                if unexpected:
                    problems.append(f"{page_spec.label} ({page_spec.path}): {unexpected}")
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not problems, "\n\n".join(problems)


def _context_for(browser, live_server, persona, world):
    from tests.security.world import persona_client

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    client: Client = persona_client(persona, world)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    cookies = [
        {"name": name, "value": morsel.value, "domain": host, "path": "/"}
        for name, morsel in client.cookies.items()
        if name == settings.SESSION_COOKIE_NAME
    ]
    if cookies:
        context.add_cookies(cookies)
    return context
