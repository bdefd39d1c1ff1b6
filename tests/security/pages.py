"""The pages to validate (vnu) and check for accessibility (axe-core): every
GET row of the access matrix, fetched as the first persona that gets the
page, every admin page the fixture's objects fill, and the error pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tests.security.matrix import ARGS, MATRIX, PERSONAS
from tests.security.test_access_matrix import admin_urls


@dataclass(frozen=True)
class Page:
    label: str
    persona: str
    path: str
    method: str = "GET"
    data: dict | None = None
    status: int = 200


# The live room's event streams are not pages (they never end):
# tests/workshops/test_streams.py reads them.
STREAMS = {"workshops:phone_events", "workshops:screen_events", "workshops:presenter_events"}


def pages(world, *, admin: bool = True) -> list[Page]:
    found = []
    for (name, method), row in MATRIX.items():
        if method != "GET" or name in STREAMS:
            continue
        persona = next((p for p in PERSONAS if row.expected[p] == 200), None)
        if persona is not None:
            found.append(Page(name, persona, reverse(name, args=ARGS[row.args](world))))
    if admin:
        found += [Page(name, "admin", path) for name, path in admin_urls(world)]
    found += [
        Page("404 page", "member_a", "/no-such-page/", status=404),
        Page("403 page", "member_a", reverse("admin:index"), status=403),
    ]
    return found


def error_pages(world=None) -> list[Page]:
    """Pages only a POST shows: a form with errors, the lockout, too long,
    and (given the world) the two versions of a changed experiment or entry."""
    login = reverse("login")
    found = [
        Page("sign-in with errors", "anon", login, "POST", {"username": "x"}),
        Page("too long", "anon", login, "POST", {"username": "x" * 70_000}, status=413),
    ]
    if world is not None:
        from tests.security.forms import ENTRY_FIELDS, HYPOTHESIS

        stale = {"version": 1_000_000}
        edit = reverse("experiments:edit", args=[world.experiment_a.pk])
        publish = reverse("playbook:publish", args=[world.finished_a.pk])
        entry = {**ENTRY_FIELDS, "area": world.area.pk, "seen": "stale"}
        erase = reverse("privacy:erase", args=[world.facilitator.pk])  # in an open workshop
        found += [
            Page("experiment changed", "member_a", edit, "POST", {**HYPOTHESIS, **stale}, 409),
            Page("entry changed", "member_a", publish, "POST", entry, 409),
            Page("erasure refused", "admin", erase, "POST", {}),
            *workshop_steps(world),
        ]
    return found


def workshop_steps(world) -> list[Page]:
    """The shared screen at each kind of step (an area with its votes and
    notes, choosing an area with the playbook's suggestions, writing the
    experiment, the summary): the facilitator moves there (302), then the
    page is fetched. The matrix only sees the opening screen."""
    workshop = world.workshop_a
    present = reverse("workshops:present", args=[workshop.pk])
    go_to = reverse("workshops:go_to", args=[workshop.pk])
    choose = reverse("workshops:choose", args=[workshop.pk])
    screen = reverse("workshops:screen", args=[workshop.pk])
    live = reverse("workshops:live", args=[workshop.join_code])
    note = reverse("workshops:note", args=[workshop.join_code])
    dot = reverse("workshops:dot", args=[workshop.join_code])
    show = reverse("workshops:show_notes", args=[workshop.pk])
    found = []
    steps = (1, workshop.choose_step, workshop.experiment_step, workshop.summary_step)
    for step in steps:
        if step == workshop.experiment_step:  # writing the experiment needs an area chosen
            found.append(
                Page("choose", "facilitator", choose, "POST", {"area": world.area.pk}, 302)
            )
        found.append(Page(f"go to step {step}", "facilitator", go_to, "POST", {"step": step}, 302))
        if step == 1:
            # A phone's note (its own, shown on the phone), then the cards.
            note_data = {"area": world.area.pk, "kind": "helps", "text": "Pairing"}
            found += [
                Page("phone note", "participant", note, "POST", note_data, 302),
                Page("phone with its note", "participant", live),
                Page("phone note refused", "participant", note, "POST", {"kind": "x"}, 400),
                Page("workshop before the notes", "facilitator", present),
                Page("show the notes", "facilitator", show, "POST", {"area": world.area.pk}, 302),
                Page("presenter mode with cards", "facilitator", screen),
            ]
        if step == workshop.choose_step:
            found += [
                Page(
                    "phone dot",
                    "participant",
                    dot,
                    "POST",
                    {"area": world.area.pk, "action": "add"},
                    302,
                ),
                Page("phone at choose", "participant", live),
                Page("presenter mode at choose", "facilitator", screen),
            ]
        found.append(Page(f"workshop at step {step}", "facilitator", present))
    return found
