"""What the audit tests share: the events an action wrote, and an admin
form as the browser would post it back."""

from __future__ import annotations

from contextlib import contextmanager
from html.parser import HTMLParser

from django.db.models import Max

from audit.models import AuditEvent


@contextmanager
def new_events():
    """The events written inside the block, oldest first, in `.events`
    (signing in a test's personas writes events of its own before it)."""

    class Written:
        events: list[AuditEvent] = []

    before = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    written = Written()
    yield written
    written.events = list(
        AuditEvent.objects.filter(pk__gt=before).select_related("actor", "person").order_by("pk")
    )


class _Form(HTMLParser):
    """The fields of a page's forms with what a browser would send for them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind in ("checkbox", "radio") and "checked" not in attrs
            ):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(response) -> dict[str, list[str]]:
    """An admin page's form as it stands, to change a field and post back."""
    parser = _Form()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data
