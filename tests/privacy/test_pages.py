"""The privacy notice, the cookies page and a person's account page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_notice_quotes_the_retention_the_service_applies(client, settings):
    settings.RETENTION_DAYS = {"phones": 45, "failed_joins": 60, "sign_ins": 1, "audit": 1095}
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "45 days after the workshop closes" in page
    assert "60 days." in page
    assert "1 day." in page
    assert "3 years." in page


def test_the_notice_names_who_to_ask(client, settings):
    settings.PRIVACY_CONTACT = "dpo@example.nhs.uk"
    page = client.get(reverse("privacy:notice")).content.decode()
    assert 'href="mailto:dpo@example.nhs.uk"' in page


def test_every_page_links_to_the_privacy_notice_and_cookies(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("privacy:notice")}"' in page
    assert f'href="{reverse("privacy:cookies")}"' in page


def test_the_cookies_page_names_the_cookies_the_service_sets(client, settings):
    page = client.get(reverse("privacy:cookies")).content.decode()
    assert settings.SESSION_COOKIE_NAME in page
    assert settings.CSRF_COOKIE_NAME in page


def test_the_account_page_shows_the_person_and_offers_the_download(member_a_client):
    page = member_a_client.get(reverse("privacy:account")).content.decode()
    assert "alex@example.nhs.uk" in page
    assert "Team A" in page
    assert reverse("privacy:download") in page
    # The header's name leads here.
    home = member_a_client.get(reverse("home")).content.decode()
    assert f'class="nhsuk-header__account-link" href="{reverse("privacy:account")}"' in home
