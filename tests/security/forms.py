"""Every form on the service, for the hostile-input tests.

A FormCase says where a form posts, who posts it, which fields get hostile
values, valid values for the rest, and which pages show what it stores (so
the test can check nothing stored renders as markup).

An htmx endpoint that also takes plain posts is listed twice, with and
without HX-Request; the polls are GETs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from tests.security.matrix import ARGS


@dataclass(frozen=True)
class FormCase:
    name: str
    url: Callable  # (world, client) -> the URL to post to
    persona: str
    fields: tuple[str, ...]
    base: Callable = lambda world: {}  # valid values for the other fields
    # Pages that show what the form stores: (url name, ARGS key, persona).
    shown_on: tuple[tuple[str, str, str], ...] = field(default=())
    # An htmx endpoint: posted with HX-Request, as htmx sends it (list it
    # twice, with and without, when it also takes plain form posts).
    htmx: bool = False
    # GET for a search form: its values go in the query string.
    method: str = "POST"
    # What a 100 KB value in a field gets: (status, a message on the page).
    # A POST that big is refused whole by the request limit.
    too_long: Callable = lambda name: (413, "What you sent is too long")


def _set_password_url(world, client) -> str:
    """The reset link from the email, followed as a browser does (Django
    swaps the token into the session and redirects to the set-password form)."""
    from django.contrib.auth.tokens import default_token_generator

    world.member_a.refresh_from_db()
    token = default_token_generator.make_token(world.member_a)
    response = client.get(reverse("password_reset_confirm", args=[world.reset_uid, token]))
    return response["Location"]


def _area_form(world) -> dict:
    from tests.test_admin_rubric import area_form_data

    world.area.refresh_from_db()
    return area_form_data(world.area)


def _url(name: str, args: str = "-") -> Callable:
    return lambda world, client: reverse(name, args=ARGS[args](world))


ARGS.setdefault("area", lambda w: [w.area.pk])

FORMS = [
    FormCase("sign in", _url("login"), "anon", ("username", "password", "next")),
    FormCase("admin sign in", _url("admin:login"), "anon", ("username", "password")),
    FormCase("password reset", _url("password_reset"), "anon", ("email",)),
    FormCase(
        "password change",
        _url("password_change"),
        "member_a",
        ("old_password", "new_password1", "new_password2"),
    ),
    FormCase("set a new password", _set_password_url, "anon", ("new_password1", "new_password2")),
    FormCase(
        "admin rubric edit",
        _url("admin:maturity_area_change", "area"),
        "admin",
        ("name", "summary", "order", "levels-0-title", "levels-1-descriptor", "prompts-0-text"),
        base=_area_form,
        shown_on=(("maturity:model", "-", "member_a"),),
    ),
    # A model file is a file: hostile text in its place is "no file chosen".
    # What a hostile file gets is proven in tests/maturity/.
    FormCase("admin model import", _url("admin:maturity_import"), "admin", ("file",)),
]


# The playbook and experiments: team A's member acts on team A's objects
# (tests/security/world.py).
ARGS.setdefault("draft_a", lambda w: [w.draft_a.slug])
ARGS.setdefault("unpublished_a", lambda w: [w.unpublished_a.pk])
ARGS.setdefault("newest_experiment_a", lambda w: [w.team_a.experiments.order_by("-pk").first().pk])


def IGNORED(name):  # noqa: N802 (reads as a constant where it is used)
    return (302, "")


SEARCH_TOO_LONG = {
    "q": "Shorten your search to 200 characters or fewer.",
    "model": "Choose a model from the list.",
    "area": "Choose an area from the list.",
    "result": "Choose a result from the list.",
    "page": "",  # an out-of-range page shows the last page
}
HYPOTHESIS = {
    "change": "we pair on every story",
    "outcome": "fewer hand-offs",
    "signal": "cycle time drops",
    "first_actions": "book the pairing room",
}


def _version(world, name: str) -> int:
    experiment = getattr(world, name)
    experiment.refresh_from_db()
    return experiment.version


def _running(world):
    """Team A's running experiment; a new one once a post has finished it,
    so every example hits the form rather than "already finished"."""
    from experiments.models import Experiment

    world.running_a.refresh_from_db()
    if world.running_a.status != Experiment.Status.RUNNING:
        world.running_a = Experiment.objects.create(
            team=world.team_a,
            area=world.area,
            **HYPOTHESIS,
            review_date=_future(),
            status=Experiment.Status.RUNNING,
            started_on=world.running_a.started_on,
        )
    return world.running_a


def _future(weeks: int = 6) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(weeks=weeks)).isoformat()


def _entry_form(world) -> dict:
    """Valid values, opened on the entry as it is saved now."""
    from playbook.forms import seen_token
    from playbook.models import Entry

    current = Entry.objects.filter(experiment=world.unpublished_a).first()
    return dict(ENTRY_FIELDS, area=world.area.pk, seen=seen_token(current))


ENTRY_FIELDS = {
    "title": "Pairing on every story",
    "area": "",
    "problem": "Hand-offs slowed us down.",
    "hypothesis": "Pairing cuts hand-offs.",
    "what_we_did": "We paired for six weeks.",
    "duration": "6 weeks",
    "result": "supported",
    "learning": "Pairing spread knowledge.",
    "advice": "Rotate pairs daily.",
    "show_team_name": "True",
}


def _start_form(world) -> dict:
    return {
        "team": world.team_a.pk,
        "area": world.area.pk,
        **HYPOTHESIS,
        "review_date": _future(),
        "show_team_name": "True",
    }


def _search_case(name: str, htmx: bool) -> FormCase:
    return FormCase(
        name,
        _url("playbook:list"),
        "member_b",
        ("q", "model", "area", "result", "page"),
        htmx=htmx,
        method="GET",
        too_long=lambda field: (200, SEARCH_TOO_LONG[field]),
    )


def _experiment_case(name: str, url: str, fields, base=lambda w: {}, on="experiment_a", **kw):
    return FormCase(
        name,
        _url(url, on),
        "member_a",
        fields,
        base=base,
        shown_on=(("experiments:detail", on, "member_a"),),
        **kw,
    )


FORMS += [
    FormCase(
        "playbook publish",
        _url("playbook:publish", "unpublished_a"),
        "member_a",
        (*ENTRY_FIELDS, "seen"),
        base=_entry_form,
        shown_on=(("playbook:preview", "unpublished_a", "member_a"),),
    ),
    # Publishing, withdrawing and starting take no fields: whatever comes with
    # them is ignored, even 100 KB (the test client skips the CSRF check,
    # which is what reads, and refuses with 413, a big body in production).
    FormCase(
        "playbook preview (publish)",
        _url("playbook:preview", "finished_a"),
        "member_a",
        ("confirm",),
        shown_on=(("playbook:entry", "draft_a", "member_b"),),
        too_long=IGNORED,
    ),
    FormCase(
        "playbook withdraw",
        _url("playbook:withdraw", "entry"),
        "member_a",
        ("confirm",),
        too_long=IGNORED,
    ),
    FormCase(
        "playbook start your own",
        _url("playbook:start", "entry"),
        "member_a",
        (
            "team",
            "area",
            "change",
            "outcome",
            "signal",
            "first_actions",
            "review_date",
            "show_team_name",
        ),
        base=_start_form,
        shown_on=(
            ("experiments:detail", "newest_experiment_a", "member_a"),
            ("playbook:entry", "entry", "member_b"),
        ),
    ),
    _search_case("playbook search", htmx=False),
    _search_case("playbook search (htmx)", htmx=True),
    _experiment_case(
        "experiment edit",
        "experiments:edit",
        ("change", "outcome", "signal", "first_actions", "version"),
        base=lambda w: {**HYPOTHESIS, "version": _version(w, "experiment_a")},
    ),
    _experiment_case(
        "experiment review date",
        "experiments:review_date",
        ("review_date", "reason", "version"),
        base=lambda w: {
            "review_date": _future(8),
            "reason": "The team was on leave.",
            "version": _version(w, "experiment_a"),
        },
    ),
    _experiment_case(
        "experiment progress note",
        "experiments:add_note",
        ("text",),
        base=lambda w: {"text": "Going well."},
    ),
    _experiment_case("experiment start", "experiments:start", ("confirm",), too_long=IGNORED),
    _experiment_case(
        "experiment finish",
        "experiments:finish",
        ("result", "what_happened", "learning", "advice", "finished_on", "version"),
        base=lambda w: {
            "result": "supported",
            "what_happened": "We paired.",
            "learning": "Pairing helps.",
            "advice": "Try it.",
            "finished_on": _future(0),
            "version": _running(w).version,
        },
        on="running_a",
    ),
    _experiment_case(
        "experiment stop",
        "experiments:stop",
        ("reason",),
        base=lambda w: {"reason": "Priorities changed."},
    ),
]


# The live workshop: team A's workshop, run by the facilitator; the
# participant joined it with its code (tests/security/world.py).


def _on_first_area(world) -> None:
    """The workshop shows its first area (world.area), so votes and scores
    reach the model rather than "not on screen"."""
    from workshops.models import Workshop

    Workshop.objects.filter(pk=world.workshop_a.pk).update(step=1, status="active")


def _record_form(world) -> dict:
    from workshops.models import AreaScore

    _on_first_area(world)
    score = AreaScore.objects.get(workshop=world.workshop_a, area=world.area)
    return {
        "area": world.area.pk,
        "revision": score.notes_revision,
        "score": "3",
        "helps": "Pairing",
        "holds_back": "Approvals",
    }


def _workshop_experiment_form(world) -> dict:
    from workshops.models import Workshop

    Workshop.objects.filter(pk=world.workshop_a.pk).update(chosen_area=world.area)
    return {**HYPOTHESIS, "owner": world.member_a.pk, "owner_name": "", "review_date": _future()}


def _vote_form(world) -> dict:
    _on_first_area(world)
    return {"area": world.area.pk, "level": "4"}


def _workshop_case(name, url, fields, base=lambda w: {}, htmx=False, **kw):
    return FormCase(
        name,
        _url(url, "workshop_a"),
        "facilitator",
        fields,
        base=base,
        htmx=htmx,
        shown_on=(("workshops:summary", "workshop_a", "member_a"),),
        **kw,
    )


def _join_case(name: str, url) -> FormCase:
    return FormCase(
        name,
        url,
        "anon",
        ("code", "display_name"),
        base=lambda w: {"code": w.workshop_a.join_code, "display_name": "Phone"},
        # The name appears only on the facilitator's count.
        shown_on=(("workshops:present", "workshop_a", "facilitator"),),
    )


def _live_case(name: str, url: str, fields, base, **kw) -> FormCase:
    return FormCase(name, _url(url, "join_code"), "participant", fields, base=base, **kw)


def POLL(name):  # noqa: N802 (reads as a constant where it is used)
    return (200, "")  # a poll with a value it does not know just answers with the screen


FORMS += [
    FormCase(
        "workshop create",
        _url("workshops:create"),
        "facilitator",
        ("team", "model", "title", "held_on"),
        base=lambda w: {
            "team": w.team_a.pk,
            "model": w.area.model_id,
            "title": "Spring",
            "held_on": _future(0),
        },
        shown_on=(("workshops:list", "-", "facilitator"),),
    ),
    _join_case("workshop join", _url("workshops:join")),
    _join_case("workshop join with the code in the link", _url("workshops:join_code", "join_code")),
    _live_case("workshop vote", "workshops:vote", ("area", "level"), _vote_form),
    _live_case("workshop vote (htmx)", "workshops:vote", ("area", "level"), _vote_form, htmx=True),
    _live_case(
        "participant poll (htmx)",
        "workshops:live",
        ("k",),
        lambda w: {"k": "1.active.0"},
        htmx=True,
        method="GET",
        too_long=POLL,
    ),
    _workshop_case(
        "presenter poll (htmx)",
        "workshops:present",
        ("v", "s"),
        htmx=True,
        method="GET",
        too_long=POLL,
    ),
    _workshop_case("workshop step", "workshops:go_to", ("step",), lambda w: {"step": "2"}),
    _workshop_case(
        "workshop pause", "workshops:status", ("status",), lambda w: {"status": "paused"}
    ),
    _workshop_case(
        "workshop timer",
        "workshops:timer",
        ("action", "minutes"),
        lambda w: {"action": "start", "minutes": "5"},
    ),
    _workshop_case(
        "workshop timer (htmx)",
        "workshops:timer",
        ("action", "minutes"),
        lambda w: {"action": "start", "minutes": "5"},
        htmx=True,
    ),
    _workshop_case("workshop reveal", "workshops:reveal", ("area",), lambda w: {"area": w.area.pk}),
    _workshop_case(
        "workshop reveal (htmx)",
        "workshops:reveal",
        ("area",),
        lambda w: {"area": w.area.pk},
        htmx=True,
    ),
    _workshop_case(
        "agreed score and notes",
        "workshops:record",
        ("area", "revision", "score", "helps", "holds_back"),
        _record_form,
    ),
    _workshop_case(
        "notes autosave (htmx)",
        "workshops:record",
        ("area", "revision", "score", "helps", "holds_back"),
        _record_form,
        htmx=True,
    ),
    _workshop_case(
        "workshop choose an area", "workshops:choose", ("area",), lambda w: {"area": w.area.pk}
    ),
    _workshop_case(
        "workshop experiment",
        "workshops:experiment",
        ("change", "outcome", "signal", "first_actions", "owner", "owner_name", "review_date"),
        _workshop_experiment_form,
    ),
]


# Notes, dots, voting again and cards. The participant persona's own
# participant is the newest in team A's workshop (it joined last).


def _phone_participant(world):
    from workshops.models import Participant

    return Participant.objects.filter(workshop=world.workshop_a).order_by("-pk").first()


def _note_form(world) -> dict:
    _on_first_area(world)
    return {"area": world.area.pk, "kind": "helps", "text": "Pairing helps"}


def _own_note_form(world) -> dict:
    """A change to the phone's own note (made here if it has none left)."""
    from workshops.models import Note

    data = _note_form(world)
    person = _phone_participant(world)
    note = Note.objects.filter(participant=person).first() or Note.objects.create(
        workshop=world.workshop_a, participant=person, area=world.area, kind="helps", text="x"
    )
    return {**data, "note": note.pk}


def _someone_elses_note(world) -> dict:
    """Another participant's note id: always refused, whatever comes with it."""
    from workshops.models import Note

    data = _note_form(world)
    note = Note.objects.filter(participant=world.participant_a).first() or Note.objects.create(
        workshop=world.workshop_a,
        participant=world.participant_a,
        area=world.area,
        kind="helps",
        text="theirs",
    )
    return {**data, "note": note.pk, "delete": note.pk}


def _dot_form(world) -> dict:
    from workshops.models import Dot, Workshop

    workshop = Workshop.objects.get(pk=world.workshop_a.pk)
    Workshop.objects.filter(pk=workshop.pk).update(
        step=workshop.choose_step, status="active", dots_revealed_at=None
    )
    Dot.objects.filter(workshop=workshop).delete()  # room for the next example's dot
    return {"area": world.area.pk, "action": "add"}


def _other_models_area(world) -> dict:
    """An area of another model (another workshop's area): refused."""
    from maturity.models import Area

    other = Area.objects.exclude(model=world.area.model_id).first()
    return {**_dot_form(world), "area": other.pk}


def _card_form(world) -> dict:
    from workshops.models import AreaScore, Note

    _on_first_area(world)
    note = Note.objects.create(
        workshop=world.workshop_a,
        participant=world.participant_a,
        area=world.area,
        kind="holds_back",
        text="A card",
    )
    AreaScore.objects.filter(workshop=world.workshop_a, area=world.area).update(
        notes_shown_at="2026-01-01T10:00:00Z", helps="", holds_back=""
    )
    return {"note": note.pk, "action": "record"}


FORMS += [
    _live_case(
        "participant note",
        "workshops:note",
        ("area", "kind", "text"),
        _note_form,
        shown_on=(("workshops:present", "workshop_a", "facilitator"),),
    ),
    _live_case(
        "participant note (htmx)", "workshops:note", ("area", "kind", "text"), _note_form, htmx=True
    ),
    _live_case(
        "participant note change", "workshops:note", ("note", "kind", "text"), _own_note_form
    ),
    _live_case(
        "participant note: another participant's note id",
        "workshops:note",
        ("note", "delete", "text"),
        _someone_elses_note,
    ),
    _live_case("participant dot", "workshops:dot", ("area", "action"), _dot_form),
    _live_case("participant dot (htmx)", "workshops:dot", ("area", "action"), _dot_form, htmx=True),
    _live_case(
        "participant dot: another workshop's area",
        "workshops:dot",
        ("area", "action"),
        _other_models_area,
    ),
    _workshop_case(
        "presenter mode poll (htmx)",
        "workshops:screen",
        ("v", "s"),
        htmx=True,
        method="GET",
        too_long=POLL,
    ),
    _workshop_case(
        "workshop vote again", "workshops:revote", ("area",), lambda w: {"area": w.area.pk}
    ),
    _workshop_case(
        "workshop show the notes", "workshops:show_notes", ("area",), lambda w: {"area": w.area.pk}
    ),
    _workshop_case("workshop card", "workshops:card", ("note", "action"), _card_form),
    _workshop_case(
        "workshop show the dots", "workshops:reveal_dots", ("confirm",), too_long=IGNORED
    ),
]
