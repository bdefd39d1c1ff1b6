"""A database that is briefly away (a restart, a fail-over) is a 503 with
Retry-After for pages and posts alike, logged as one line; a query that is
wrong is still a 500 with its traceback. The outage itself, with a real
PostgreSQL and real phones, is tests/reliability/test_database_outage.py."""

from unittest import mock

import psycopg
import pytest
from django.db import OperationalError
from django.db.backends import utils
from django.urls import reverse

from tests.workshops.conftest import area_id


def failing(cause: Exception):
    def execute(*args, **kwargs):
        try:
            raise cause
        except Exception as error:
            raise OperationalError(str(error)) from error

    return mock.patch.object(utils.CursorWrapper, "_execute", execute)


AWAY = psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_a_phones_vote_while_the_database_is_away_is_a_503_with_retry_after(
    participant_client, workshop, log_lines
):
    workshop.go_to(1)
    participant_client.raise_request_exception = False
    vote = reverse("workshops:vote", args=[workshop.join_code])
    with failing(AWAY):
        response = participant_client.post(
            vote, {"area": area_id(workshop, 1), "level": 2}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 503
    assert 2 <= int(response["Retry-After"]) <= 6
    assert "Nothing you entered has been lost" in response.content.decode()
    lines = log_lines()
    assert len(lines) == 1, lines
    assert "Service Unavailable" in lines[0] and vote in lines[0]
    assert "the database is unavailable: connection to server" in lines[0]


@pytest.mark.django_db
def test_a_page_while_the_database_is_away_is_a_503_too(member_a_client):
    member_a_client.raise_request_exception = False
    with failing(AWAY):
        response = member_a_client.get(reverse("home"))
    assert response.status_code == 503 and response.has_header("Retry-After")


@pytest.mark.django_db
def test_a_query_that_is_wrong_is_still_an_error_with_its_traceback(member_a_client, log_lines):
    member_a_client.raise_request_exception = False
    with failing(psycopg.errors.UndefinedTable('relation "nothing" does not exist')):
        response = member_a_client.get(reverse("home"))
    assert response.status_code == 500 and not response.has_header("Retry-After")
    assert "Traceback" in "\n".join(log_lines())
