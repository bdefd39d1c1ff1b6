"""The playbook list: browse, filter, search, paginate; plain GET and htmx."""

import pytest
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from maturity.models import Area
from playbook.models import Entry
from tests.conftest import make_team
from tests.playbook.factories import make_entry, make_experiment

URL = reverse("playbook:list")


def content(response) -> str:
    return response.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_refuses_post(member_a_client):
    assert member_a_client.post(URL).status_code == 405


def test_newest_first_and_only_published_visible_entries(member_b_client, team_a, admin_user):
    old = make_entry(team_a, title="Older entry")
    Entry.objects.filter(pk=old.pk).update(published_at=timezone.now() - timezone.timedelta(days=3))
    make_entry(team_a, title="Newer entry")
    make_entry(team_a, title="A draft", status=Entry.Status.DRAFT)
    make_entry(team_a, title="Hidden one").hide("Off topic.", by=admin_user)
    page = content(member_b_client.get(URL))
    assert page.index("Newer entry") < page.index("Older entry")
    assert "A draft" not in page
    assert "Hidden one" not in page
    assert "2 entries" in page


def test_anonymous_entry_hides_the_team_name(member_b_client, team_a):
    make_entry(team_a, show_team_name=False)
    page = content(member_b_client.get(URL))
    assert "An NHS product team" in page
    assert "Team A" not in page


def test_filters_by_area_and_result(member_b_client, team_a):
    make_entry(team_a, title="Delivery supported")
    make_entry(
        team_a,
        title="Delivery inconclusive",
        experiment=make_experiment(team_a, result=Experiment.Result.INCONCLUSIVE),
        result=Experiment.Result.INCONCLUSIVE,
    )
    make_entry(team_a, title="Culture supported", area_key="culture")
    page = content(member_b_client.get(URL, {"area": "delivery", "result": "supported"}))
    assert "Delivery supported" in page
    assert "Delivery inconclusive" not in page
    assert "Culture supported" not in page
    assert '<option value="product-team-maturity.delivery" selected>' in page


def test_search_and_filters_combine(member_b_client, team_a):
    make_entry(team_a, title="Flag in delivery", learning="Rollback got boring.")
    make_entry(team_a, title="Flag in culture", area_key="culture", learning="Rollback too.")
    page = content(member_b_client.get(URL, {"q": "rollback", "area": "culture"}))
    assert "Flag in culture" in page
    assert "Flag in delivery" not in page
    assert "1 entry found" in page


def test_htmx_gets_only_the_results(member_b_client, team_a):
    make_entry(team_a, title="Releasing weekly")
    response = member_b_client.get(URL, {"q": "weekly"}, headers={"HX-Request": "true"})
    page = content(response)
    assert "Releasing weekly" in page
    assert "<html" not in page
    assert 'name="q"' not in page
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(member_b_client, team_a):
    response = member_b_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in content(response)


def test_the_form_keeps_what_was_typed(member_b_client, team_a):
    page = content(member_b_client.get(URL, {"q": 'the "demo" <b>'}))
    assert 'value="the &quot;demo&quot; &lt;b&gt;"' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"area": "banana"}, "Choose an area from the list."),
        ({"result": "maybe"}, "Choose a result from the list."),
        ({"q": "x" * 1000}, "Shorten your search to 200 characters or fewer."),
        ({"q": "!!! ---"}, "Use words or numbers"),
        ({"q": "null\x00byte"}, "Null characters are not allowed."),
    ],
)
def test_bad_filters_are_explained_and_left_out(member_b_client, team_a, params, message):
    make_entry(team_a, title="Still listed")
    response = member_b_client.get(URL, params)
    assert response.status_code == 200
    page = content(response)
    assert message in page
    assert "Still listed" in page


@pytest.mark.parametrize(
    "text", ['"unclosed', "a OR -b", "(rota) & !x", "ünïcödé 漢字", "'; DROP TABLE x; --"]
)
def test_hostile_search_strings_answer_200(member_b_client, team_a, text):
    make_entry(team_a)
    assert member_b_client.get(URL, {"q": text}).status_code == 200


def test_out_of_range_and_nonsense_pages_show_a_real_page(member_b_client, team_a):
    for i in range(25):
        make_entry(team_a, title=f"Entry number {i}")
    for far in ("999", "461168601842738792", "9" * 40):
        last = content(member_b_client.get(URL, {"page": far}))
        assert "Page 2 of 2" in last
        assert "Entry number 0" in last
    first = content(member_b_client.get(URL, {"page": "banana"}))
    assert "Page 1 of 2" in first
    assert "Entry number 24" in first


def test_pagination_links_keep_the_filters(member_b_client, team_a):
    for i in range(21):
        make_entry(team_a, title=f"Entry number {i}")
    page = content(member_b_client.get(URL, {"area": "delivery"}))
    assert 'href="?area=delivery&amp;page=2"' in page


def test_nothing_found_says_so(member_b_client, team_a):
    make_entry(team_a)
    assert "No entries match" in content(member_b_client.get(URL, {"q": "zebra"}))


def test_my_team_sees_its_hidden_and_withdrawn_entries_listed_apart(
    client, member_a, team_a, member_b, admin_user
):
    make_entry(team_a, title="Taken back").withdraw()
    make_entry(team_a, title="Hidden by admin").hide("Too specific.", by=admin_user)
    client.force_login(member_a)
    mine = content(client.get(URL))
    assert "Taken back" in mine and "hidden by an admin" in mine
    # The team is told why, where it looks, not only on the entry's own page.
    assert "hidden by an admin, who said: <q>Too specific.</q>" in mine
    client.force_login(member_b)
    theirs = content(client.get(URL))
    assert "Taken back" not in theirs and "Hidden by admin" not in theirs
    assert "Too specific." not in theirs


def _bulk_entries(count: int) -> None:
    """Many published entries across several teams and every model, written a
    thousand rows a statement (PostgreSQL takes 65,535 parameters at most)."""
    teams = [make_team(f"Bulk team {i}") for i in range(5)]
    # The default model's areas first, then the engineering review's (the
    # filters in test_query_count_is_flat), then every other model's.
    engineering_first = Case(When(model__key="engineering-quality", then=0), default=1)
    areas = list(Area.objects.order_by("-model__is_default", engineering_first, "model", "order"))
    experiments = [
        Experiment(
            team=teams[i % 5],
            area=areas[i % len(areas)],
            change="c",
            outcome="o",
            signal="s",
            review_date=timezone.localdate(),
            status=Experiment.Status.FINISHED,
            result=Experiment.Result.SUPPORTED,
        )
        for i in range(count)
    ]
    experiments = Experiment.objects.bulk_create(experiments, batch_size=1000)
    now = timezone.now()
    entries = [
        Entry(
            experiment=experiment,
            team=experiment.team,
            area=experiment.area,
            title=f"Bulk entry {i}",
            slug=f"bulk-entry-{i}",
            problem="p",
            hypothesis="h",
            what_we_did="w",
            duration="6 weeks",
            result=experiment.result,
            learning="Small releases made rollback boring.",
            advice="a",
            status=Entry.Status.PUBLISHED,
            published_at=now,
            show_team_name=i % 2 == 0,
        )
        for i, experiment in enumerate(experiments)
    ]
    Entry.objects.bulk_create(entries, batch_size=1000)


@pytest.mark.parametrize("count", [10, 10_000])
def test_query_count_is_flat(member_a_client, team_a, django_assert_max_num_queries, count):
    _bulk_entries(count)
    for params in (
        {},
        {"q": "rollback", "area": "delivery", "result": "supported"},
        {"model": "engineering-quality", "result": "supported"},
    ):
        with django_assert_max_num_queries(7):
            response = member_a_client.get(URL, params)
        assert "Bulk entry" in content(response)


def test_filters_by_model_and_by_an_area_of_another_model(member_a_client, team_a):
    security = Area.objects.get(model__key="engineering-quality", key="security")
    make_entry(
        team_a,
        title="Threat modelling each epic",
        experiment=make_experiment(team_a, area=security),
    )
    make_entry(team_a, title="Releasing weekly behind a flag")

    by_model = content(member_a_client.get(URL, {"model": "engineering-quality"}))
    assert "Threat modelling each epic" in by_model
    assert "Releasing weekly behind a flag" not in by_model
    assert "Engineering quality review" in by_model  # the card names its model
    by_area = content(member_a_client.get(URL, {"area": "engineering-quality.security"}))
    assert "Threat modelling each epic" in by_area
    assert "Releasing weekly behind a flag" not in by_area
    assert '<option value="engineering-quality.security" selected>' in by_area
    # A bare key is the default model's area, as links made before several models.
    bare = content(member_a_client.get(URL, {"area": "delivery"}))
    assert "Releasing weekly behind a flag" in bare and "Threat modelling" not in bare
    unknown = member_a_client.get(URL, {"model": "nope", "area": "nope.security"})
    assert "Choose a model from the list." in content(unknown)
    assert "Choose an area from the list." in content(unknown)
