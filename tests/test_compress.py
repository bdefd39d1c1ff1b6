"""Pages leave compressed and streams do not (config/compress.py); our own
JavaScript modules import the hashed, year-long cached files
(core/static.py)."""

import gzip
import re

from django.core.management import call_command
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.compress import Compress


def test_a_page_is_compressed_for_a_browser_that_accepts_it(member_a_client, rubric):
    response = member_a_client.get(reverse("maturity:model"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "Collaboration" in gzip.decompress(response.content).decode()
    plain = member_a_client.get(reverse("maturity:model"))
    assert not plain.has_header("Content-Encoding") and b"Collaboration" in plain.content


def test_a_stream_leaves_as_it_is_written():
    request = RequestFactory().get("/workshops/1/events/", HTTP_ACCEPT_ENCODING="gzip")
    stream = Compress(lambda r: StreamingHttpResponse(iter([b"event: room\n\n"])))(request)
    assert not stream.has_header("Content-Encoding")
    page = Compress(lambda r: HttpResponse(b"<p>" + b"a team's page " * 100))(request)
    assert page["Content-Encoding"] == "gzip"


def test_our_modules_import_the_hashed_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "core.static.Storage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    app = next(p for p in (tmp_path / "js").glob("app.*.js") if not p.name.endswith(".gz"))
    imported = re.search(
        r'from "\.\./nhsuk/(nhsuk-frontend\.min\.[0-9a-f]{12}\.js)"', app.read_text()
    )
    assert imported and (tmp_path / "nhsuk" / imported[1]).exists()
