"""Health check, sign-in, home page, model page and error pages."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils.html import escape


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("url", ["/", "/model/"])
def test_signed_out_visitor_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_lists_my_teams_only(member_a_client, team_a, team_b):
    response = member_a_client.get("/")
    content = response.content.decode()
    assert "Team A" in content
    assert "Team B" not in content


def test_model_page_shows_every_area_and_level(member_a_client, rubric):
    response = member_a_client.get("/model/")
    content = response.content.decode()
    for area in rubric.areas.all():
        assert area.name in content
        for level in area.levels.all():
            assert escape(level.descriptor) in content


def test_model_page_costs_the_same_queries_with_more_areas(
    member_a_client, rubric, django_assert_max_num_queries
):
    """Session, user, roles, the rubric's counter (PostgreSQL), model, scale,
    areas, levels, prompts, other models: the same count for the default
    (5 x 5) and the largest model (12 x 7) when each is drawn."""
    from maturity.interchange import import_model
    from tests.e2e.test_models import largest_model

    with django_assert_max_num_queries(10):
        assert member_a_client.get("/model/").status_code == 200
    import_model(largest_model())
    with django_assert_max_num_queries(10):
        page = member_a_client.get("/model/largest/")
    assert page.status_code == 200
    assert page.content.decode().count('class="app-level"') == 12 * 7


def test_model_page_refuses_post(member_a_client, rubric):
    assert member_a_client.post("/model/").status_code == 405


def test_unknown_page_is_a_styled_404(member_a_client):
    response = member_a_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_username(client, member_a):
    response = client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert 'value="alex"' in content


def test_sign_in_then_out(client, member_a):
    response = client.post(
        reverse("login"), {"username": "alex", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_password_reset_sends_an_email(client, member_a, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "alex@example.nhs.uk"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
