"""The workshops' clock, moved on by a test (scoring ahead over days): the
`timezone` workshops/models.py sees, `offset` later than the real one. The
rest of the service (sessions, sign-in) keeps the real time, so a person's
session does not expire as the days pass. The browser tests' live server
runs in the same process and sees the same clock."""

from datetime import timedelta

from django.utils import timezone

import workshops.models


class Clock:
    def __init__(self):
        self.offset = timedelta()

    def now(self):
        return timezone.now() + self.offset

    def __getattr__(self, name):
        return getattr(timezone, name)


def move_clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(workshops.models, "timezone", clock)
    return clock
