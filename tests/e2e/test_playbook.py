"""A team publishes what it learned; another team finds it and tries it, in a real browser."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from playbook.models import Adoption, Entry
from tests.conftest import make_team, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.playbook.factories import make_entry, make_experiment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_team_publishes_anonymously_and_another_team_finds_and_tries_it(page, live_server):
    call_command("load_models")
    alex, bea = make_user("alex"), make_user("bea")
    team_a = make_team("Repeat Prescriptions", alex)
    team_b = make_team("NHS App Messaging", bea)
    experiment = make_experiment(team_a, learning="Small releases made rollback boring.")
    # Another team's entry with the same word in another area: the area filter must drop it.
    make_entry(make_team("Elsewhere"), title="Shorter stand-ups", area_key="culture",
               learning="Long stand-ups were boring.")  # fmt: skip

    # Team A publishes its finished experiment anonymously, through the preview.
    sign_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/playbook/publish/{experiment.pk}/")
    expect(page.get_by_role("heading", name="Publish to the playbook")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Preview your entry").click()
    expect(page.get_by_text("Describe the problem the team faced.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The problem we faced").fill("Releases were big, rare and frightening.")
    page.get_by_label("Title").fill("Releasing weekly behind a flag")
    page.get_by_label(re.compile("Publish anonymously")).check()
    page.get_by_role("button", name="Preview your entry").click()
    expect(page.get_by_role("heading", name="Check your entry before publishing")).to_be_visible()
    expect(page.get_by_text("An NHS product team")).to_be_visible()
    expect(page.get_by_text("Repeat Prescriptions")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Publish to the playbook").click()
    expect(page.get_by_role("heading", name="Releasing weekly behind a flag")).to_be_visible()
    expect(page.get_by_text("Your entry is in the playbook")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Team B finds it by a word from its learnings with the area filter on.
    sign_in(page, live_server, "bea")
    page.get_by_role("link", name="Playbook").click()
    expect(page.get_by_role("heading", name="2 entries")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Area").select_option("product-team-maturity.delivery")
    expect(page.get_by_role("heading", name="1 entry found")).to_be_visible()
    page.get_by_label("Search the playbook").fill("boring")
    expect(page).to_have_url(re.compile(r"q=boring"))
    expect(page).to_have_url(re.compile(r"area=product-team-maturity.delivery"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Releasing weekly behind a flag")).to_be_visible()
    expect(results.get_by_text("Shorter stand-ups")).to_have_count(0)
    expect(results.get_by_text("An NHS product team")).to_be_visible()
    assert_accessible(page)

    # The search lives in the URL: going back restores the area-only results.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"q=boring"))
    page.go_forward()
    expect(page).to_have_url(re.compile(r"q=boring"))
    expect(page.get_by_label("Search the playbook")).to_have_value("boring")

    # Team B starts its own experiment from the entry.
    page.locator("#results").get_by_role("link", name="Releasing weekly behind a flag").click()
    entry_url = page.url
    assert entry_url.endswith("/playbook/releasing-weekly-behind-a-flag/")
    expect(page.get_by_role("heading", name="Not tried by another team yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start your own experiment").click()
    expect(page.get_by_label("We believe that…")).to_have_value(
        "we release every week behind a feature flag"
    )
    assert_accessible(page)
    page.get_by_label("…will result in…").fill("calmer releases for the messaging service")
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_text("NHS App Messaging has a new planned experiment")).to_be_visible()

    page.goto(entry_url)
    expect(page.get_by_role("heading", name="Tried by 1 team")).to_be_visible()
    expect(page.get_by_text("NHS App Messaging: planned")).to_be_visible()
    assert_accessible(page)

    adoption = Adoption.objects.get(entry=Entry.objects.get(experiment=experiment))
    assert adoption.experiment.team == team_b
    assert adoption.experiment.outcome == "calmer releases for the messaging service"
    assert not page.console_errors, page.console_errors
