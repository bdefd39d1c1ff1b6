"""{% playbook_suggestions area %}: entries for the workshop's area steps."""

from django.template import Context, Template
from django.test import RequestFactory

from playbook.models import Entry
from tests.playbook.factories import area, make_entry


def render(area_value, limit=None) -> str:
    tag = "{% load playbook %}{% playbook_suggestions area" + (f" {limit}" if limit else "") + " %}"
    request = RequestFactory().get("/")
    return Template(tag).render(Context({"area": area_value, "request": request}))


def test_shows_published_entries_for_that_area_only(team_a, admin_user):
    make_entry(team_a, title="Weekly releases")
    make_entry(team_a, title="Rotating the stand-up", area_key="culture")
    make_entry(team_a, title="Still a draft", status=Entry.Status.DRAFT)
    make_entry(team_a, title="Hidden one").hide("Off topic.", by=admin_user)
    html = render(area("delivery"))
    assert "What others tried in Delivery" in html
    assert 'href="/playbook/weekly-releases/"' in html
    assert "Rotating the stand-up" not in html
    assert "Still a draft" not in html
    assert "Hidden one" not in html
    assert 'href="/playbook/?area=product-team-maturity.delivery"' in html


def test_takes_an_area_id_as_well_and_a_limit(team_a):
    for i in range(5):
        make_entry(team_a, title=f"Delivery idea {i}")
    html = render(area("delivery").pk, limit=2)
    assert html.count("nhsuk-card__heading") == 2
    assert "Delivery idea 4" in html


def test_renders_nothing_when_there_is_nothing_to_suggest(team_a):
    make_entry(team_a, area_key="culture")
    assert render(area("delivery")).strip() == ""
    assert render(None).strip() == ""
    assert render("not-an-id").strip() == ""


def test_costs_one_query(team_a, django_assert_num_queries):
    for i in range(5):
        make_entry(team_a, title=f"Delivery idea {i}")
    delivery = area("delivery")
    with django_assert_num_queries(1):
        render(delivery)


def test_every_areas_suggestions_in_one_query(team_a, admin_user, django_assert_num_queries):
    """The choose-an-area step shows each area's few newest entries: one
    query for all the areas, only published entries, each under its own area."""
    for i in range(5):
        make_entry(team_a, title=f"Delivery idea {i}")
    make_entry(team_a, title="Rotating the stand-up", area_key="culture")
    make_entry(team_a, title="Still a draft", area_key="culture", status=Entry.Status.DRAFT)
    make_entry(team_a, title="Hidden one", area_key="focus").hide("Off topic.", by=admin_user)
    ids = [area(key).pk for key in ("delivery", "culture", "focus")]
    with django_assert_num_queries(1):
        found = Entry.objects.suggestions_by_area(ids, limit=3)
    assert [e.title for e in found[ids[0]]] == [f"Delivery idea {i}" for i in (4, 3, 2)]
    assert [e.title for e in found[ids[1]]] == ["Rotating the stand-up"]
    assert ids[2] not in found
