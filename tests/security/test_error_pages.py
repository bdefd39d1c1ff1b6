"""Error pages stay kind whatever broke: a forged request, a missing static
manifest, the database (see tests/reliability/test_database_outage.py)."""

from unittest import mock

from config import views


def test_a_forged_host_header_gets_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "Sorry, we could not read that request" in response.content.decode()


def test_the_500_page_falls_back_when_it_cannot_render(rf):
    with mock.patch.object(views.loader, "get_template", side_effect=ValueError("no manifest")):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
