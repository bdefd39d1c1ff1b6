"""The access matrix: every URL the project defines, for every persona.

Each row names a URL (as `reverse()` knows it), the method, which objects
fill its arguments (a key of ARGS) and what each persona gets:

    200, 204, 302, 403, 404, 405 ...  that status
    login                             302 to the sign-in page

Adding a view? Add a row (or the test fails naming it). A URL can have one
row per method. Admin URLs follow ADMIN_RULE unless a row names them.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAS = ("anon", "participant", "member_a", "member_b", "facilitator", "admin")


def _ahead(world):
    """Workshop A, opened for scoring ahead for a day (it has not started)."""
    from datetime import timedelta

    from django.utils import timezone

    from workshops.models import Workshop

    Workshop.objects.filter(pk=world.workshop_a.pk).update(
        ahead_until=timezone.now() + timedelta(days=1), ahead_closed_at=None, step=0
    )
    return world.workshop_a


# Objects for URL arguments, from the `world` fixture (tests/security/world.py).
ARGS = {
    "-": lambda w: [],
    "reset_link": lambda w: [w.reset_uid, "not-a-valid-token"],
    "level": lambda w: [w.area.levels.first().pk],
    "area": lambda w: [w.area.pk],
    "model": lambda w: [w.area.model.pk],
    "model_key": lambda w: [w.area.model.key],
    "team_a": lambda w: [w.team_a.slug],
    "experiment_a": lambda w: [w.experiment_a.pk],  # planned, from a workshop of team A
    "running_a": lambda w: [w.running_a.pk],  # team A's running experiment
    "finished_a": lambda w: [w.finished_a.pk],  # finished, with a draft entry
    "entry": lambda w: [w.entry.slug],  # team A's published entry
    "workshop_a": lambda w: [w.workshop_a.pk],  # team A's live workshop, run by the facilitator
    "join_code": lambda w: [w.workshop_a.join_code],
    "ahead": lambda w: [_ahead(w).pk],  # workshop_a, open for scoring ahead
    "ahead_code": lambda w: [_ahead(w).join_code],
    "ahead_area": lambda w: [_ahead(w).join_code, 1],
    "facilitator": lambda w: [w.facilitator.pk],  # runs workshop_a, still open
    "event": lambda w: [w.event.pk],  # an audit event (member A signed in)
}

_TABLE = """
# url name                 method args        anon   part   mem_a  mem_b  facil  admin
home                       GET    -           login  login  200    200    200    200
home                       POST   -           405    405    405    405    405    405
about                      GET    -           200    200    200    200    200    200
healthz                    GET    -           200    200    200    200    200    200
healthz                    POST   -           405    405    405    405    405    405
bench_baseline             GET    -           200    200    200    200    200    200
bench_baseline             POST   -           405    405    405    405    405    405
login                      GET    -           200    200    302    302    302    302
login                      POST   -           200    200    302    302    302    302
logout                     GET    -           405    405    405    405    405    405
logout                     POST   -           login  login  login  login  login  login
# Organisation sign-in: no provider is configured here, so there is none to
# start or come back from (404); tests/identity/ run them against a real one.
identity:start             GET    -           404    404    404    404    404    404
identity:start             POST   -           405    405    405    405    405    405
identity:callback          GET    -           404    404    404    404    404    404
identity:callback          POST   -           405    405    405    405    405    405
# The first organisation sign-in makes the link; admins only read it.
admin:identity_organisationaccount_add GET - login login 403    403    403    403
# The privacy notice and cookies page: anyone. Your account and the download
# of what is held about you: whoever is signed in, only ever their own.
privacy:notice             GET    -           200    200    200    200    200    200
privacy:notice             POST   -           405    405    405    405    405    405
privacy:cookies            GET    -           200    200    200    200    200    200
privacy:cookies            POST   -           405    405    405    405    405    405
privacy:account            GET    -           login  login  200    200    200    200
privacy:account            POST   -           405    405    405    405    405    405
privacy:download           GET    -           login  login  200    200    200    200
privacy:download           POST   -           405    405    405    405    405    405
# Erasing a person: admins only. The facilitator is running an open
# workshop, so the admin's post is refused with the reason on the page (200).
privacy:erase              GET    facilitator login  login  403    403    403    200
privacy:erase              POST   facilitator login  login  403    403    403    200
password_change            GET    -           login  login  200    200    200    200
password_change            POST   -           login  login  200    200    200    200
password_change_done       GET    -           login  login  200    200    200    200
password_reset             GET    -           200    200    200    200    200    200
password_reset             POST   -           200    200    200    200    200    200
password_reset_done        GET    -           200    200    200    200    200    200
password_reset_confirm     GET    reset_link  200    200    200    200    200    200
password_reset_complete    GET    -           200    200    200    200    200    200
maturity:model             GET    -           login  login  200    200    200    200
maturity:model             POST   -           405    405    405    405    405    405
maturity:model_detail      GET    model_key   login  login  200    200    200    200
maturity:model_detail      POST   model_key   405    405    405    405    405    405
admin:login                GET    -           200    200    403    403    403    302
admin:logout               GET    -           302    302    403    403    403    405
admin:autocomplete         GET    -           login  login  403    403    403    403
admin:axes_accessattempt_add GET  -           login  login  403    403    403    403
admin:axes_accesslog_add   GET    -           login  login  403    403    403    403
admin:axes_accessfailurelog_add GET -         login  login  403    403    403    403
# A model's structure (its areas and the levels of its scale) comes from a
# model file: admins edit text, never add or delete a model, area or level.
admin:maturity_level_add   GET    -           login  login  403    403    403    403
admin:maturity_level_delete GET   level       login  login  403    403    403    403
admin:maturity_area_add    GET    -           login  login  403    403    403    403
admin:maturity_area_delete GET    area        login  login  403    403    403    403
admin:maturity_maturitymodel_add GET -        login  login  403    403    403    403
admin:maturity_maturitymodel_delete GET model login  login  403    403    403    403
# Import and export a model file: admins only. An empty post shows the form
# again with its error.
admin:maturity_import      GET    -           login  login  403    403    403    200
admin:maturity_import      POST   -           login  login  403    403    403    200
admin:maturity_export      GET    model       login  login  403    403    403    200
# A team's history: its members, the facilitators of its workshops, admins;
# anyone else 404 (the page does not confirm the team's scores exist).
teams:detail               GET    team_a      login  login  200    404    200    200
teams:detail               POST   team_a      405    405    405    405    405    405
teams:export_csv           GET    team_a      login  login  200    404    200    200
teams:export_csv           POST   team_a      405    405    405    405    405    405
teams:export_json          GET    team_a      login  login  200    404    200    200
teams:export_json          POST   team_a      405    405    405    405    405    405
# An experiment: read by whoever may see its team (404 for anyone else),
# changed only by the team (403 for the facilitator and admin who read it).
# Empty posts give the form back with errors (200), except start (team A
# already runs an experiment: refused with a message) and stop (its reason
# is optional: it stops the planned experiment, so it comes last).
experiments:detail         GET    experiment_a login login  200    404    200    200
experiments:detail         POST   experiment_a 405   405    405    405    405    405
experiments:edit           GET    experiment_a login login  200    404    403    403
experiments:edit           POST   experiment_a login login  200    404    403    403
experiments:add_note       GET    experiment_a 405   405    405    405    405    405
experiments:add_note       POST   experiment_a login login  200    404    403    403
experiments:review_date    GET    experiment_a 405   405    405    405    405    405
experiments:review_date    POST   experiment_a login login  200    404    403    403
experiments:start          GET    experiment_a 405   405    405    405    405    405
experiments:start          POST   experiment_a login login  302    404    403    403
experiments:finish         GET    running_a   login  login  200    404    403    403
experiments:finish         POST   running_a   login  login  200    404    403    403
experiments:stop           GET    experiment_a 405   405    405    405    405    405
experiments:stop           POST   experiment_a login login  302    404    403    403
# The playbook: open to anyone signed in; publishing and withdrawing are the
# team's alone (403 for everyone else, admins moderate in the Django admin).
# Starting your own needs a team (403 for a facilitator or admin without one).
playbook:list              GET    -           login  login  200    200    200    200
playbook:list              POST   -           405    405    405    405    405    405
playbook:entry             GET    entry       login  login  200    200    200    200
playbook:entry             POST   entry       405    405    405    405    405    405
playbook:start             GET    entry       login  login  200    200    403    403
playbook:start             POST   entry       login  login  200    200    403    403
playbook:publish           GET    finished_a  login  login  200    403    403    403
playbook:publish           POST   finished_a  login  login  200    403    403    403
playbook:preview           GET    finished_a  login  login  200    403    403    403
# Publishing the draft sends the team to its entry.
playbook:preview           POST   finished_a  login  login  302    403    403    403
playbook:withdraw          GET    entry       405    405    405    405    405    405
playbook:withdraw          POST   entry       login  login  302    403    403    403
# Workshops. Facilitators (admins too) list and create them. The workshop's
# own facilitator and admins run it; the team's members may look (403 for a
# change); anyone else is told it does not exist (404), other facilitators
# included. Empty posts: a message and back to the screen (302).
workshops:list             GET    -           login  login  403    403    200    200
workshops:list             POST   -           405    405    405    405    405    405
workshops:create           GET    -           login  login  403    403    200    200
workshops:create           POST   -           login  login  403    403    200    200
workshops:present          GET    workshop_a  login  login  200    404    200    200
workshops:present          POST   workshop_a  405    405    405    405    405    405
# Presenter mode: the shared screen for a projector, read like the shared screen.
workshops:screen           GET    workshop_a  login  login  200    404    200    200
workshops:screen           POST   workshop_a  405    405    405    405    405    405
# The screens' streams check what their pages check (tests/workshops/test_streams.py
# reads them); a closed workshop's answer 204, nothing left to stream.
workshops:screen_events    GET    workshop_a  login  login  200    404    200    200
workshops:screen_events    POST   workshop_a  405    405    405    405    405    405
workshops:presenter_events GET    workshop_a  login  login  200    404    200    200
workshops:presenter_events POST   workshop_a  405    405    405    405    405    405
workshops:summary          GET    workshop_a  login  login  200    404    200    200
workshops:summary          POST   workshop_a  405    405    405    405    405    405
# Emailing the summary: the facilitator and admins; workshop_a is still open,
# so they are sent back to the summary with the reason (302).
workshops:send_summary     GET    workshop_a  405    405    405    405    405    405
workshops:send_summary     POST   workshop_a  login  login  403    404    302    302
workshops:go_to            GET    workshop_a  405    405    405    405    405    405
workshops:go_to            POST   workshop_a  login  login  403    404    302    302
workshops:status           GET    workshop_a  405    405    405    405    405    405
workshops:status           POST   workshop_a  login  login  403    404    302    302
workshops:timer            GET    workshop_a  405    405    405    405    405    405
workshops:timer            POST   workshop_a  login  login  403    404    302    302
workshops:reveal           GET    workshop_a  405    405    405    405    405    405
workshops:reveal           POST   workshop_a  login  login  403    404    302    302
workshops:record           GET    workshop_a  405    405    405    405    405    405
workshops:record           POST   workshop_a  login  login  403    404    302    302
# Voting again, showing the notes, a card (hide, show, add to the record)
# and counting the dots: the facilitator's; an empty post is explained with
# a message back on the screen (302).
workshops:revote           GET    workshop_a  405    405    405    405    405    405
workshops:revote           POST   workshop_a  login  login  403    404    302    302
workshops:show_notes       GET    workshop_a  405    405    405    405    405    405
workshops:show_notes       POST   workshop_a  login  login  403    404    302    302
workshops:card             GET    workshop_a  405    405    405    405    405    405
workshops:card             POST   workshop_a  login  login  403    404    302    302
workshops:reveal_dots      GET    workshop_a  405    405    405    405    405    405
workshops:reveal_dots      POST   workshop_a  login  login  403    404    302    302
workshops:choose           GET    workshop_a  405    405    405    405    405    405
workshops:choose           POST   workshop_a  login  login  403    404    302    302
workshops:experiment       GET    workshop_a  405    405    405    405    405    405
workshops:experiment       POST   workshop_a  login  login  403    404    200    200
# Joining needs no account: anyone with the code. An empty form is explained (200).
workshops:join             GET    -           200    200    200    200    200    200
workshops:join             POST   -           200    200    200    200    200    200
workshops:join_code        GET    join_code   200    200    200    200    200    200
workshops:join_code        POST   join_code   200    200    200    200    200    200
# A participant's screen and vote need the token joining put in the session;
# everyone else is sent to join (302). An empty vote is explained (400).
workshops:live             GET    join_code   302    200    302    302    302    302
workshops:live             POST   join_code   405    405    405    405    405    405
workshops:phone_events     GET    join_code   302    200    302    302    302    302
workshops:phone_events     POST   join_code   405    405    405    405    405    405
workshops:vote             GET    join_code   405    405    405    405    405    405
workshops:vote             POST   join_code   302    400    302    302    302    302
# A participant's own notes and dots: the same; an empty post is explained (400).
workshops:note             GET    join_code   405    405    405    405    405    405
workshops:note             POST   join_code   302    400    302    302    302    302
workshops:dot              GET    join_code   405    405    405    405    405    405
workshops:dot              POST   join_code   302    400    302    302    302    302
# Scoring ahead (workshop_a opened for it). The facilitator and admins
# manage it, members may not (403), anyone else is told it does not exist.
# An empty post: the closing time's errors (200); closing and emailing
# come back with a message (302).
workshops:ahead_setup      GET    ahead       login  login  403    404    200    200
workshops:ahead_setup      POST   ahead       login  login  403    404    200    200
workshops:close_ahead      GET    ahead       405    405    405    405    405    405
workshops:close_ahead      POST   ahead       login  login  403    404    302    302
workshops:email_ahead      GET    ahead       405    405    405    405    405    405
workshops:email_ahead      POST   ahead       login  login  403    404    302    302
# The link's page: anyone with the link takes a place there (a post with no
# name is a place with no name: on to the first area). The areas and dots
# need a place (302 to take one); an empty vote or note is explained (400).
workshops:ahead            GET    ahead_code  200    200    200    200    200    200
workshops:ahead_area       GET    ahead_area  302    200    302    302    302    302
workshops:ahead_area       POST   ahead_area  302    400    302    302    302    302
workshops:ahead_note       GET    ahead_area  405    405    405    405    405    405
workshops:ahead_note       POST   ahead_area  302    400    302    302    302    302
workshops:ahead_dots       GET    ahead_code  302    200    302    302    302    302
workshops:ahead_dots       POST   ahead_code  302    400    302    302    302    302
# (Last: it gives each persona a place in the workshop.)
workshops:ahead            POST   ahead_code  302    302    302    302    302    302
# Workshops start from the facilitator's page (it pins the rubric); failed
# joins are only ever recorded by the service.
admin:workshops_workshop_add GET  -           login  login  403    403    403    403
admin:workshops_failedjoin_add GET -          login  login  403    403    403    403
# The audit trail: admins read it and export what the list shows as CSV; nobody
# adds, changes or deletes an event, admins included (the change page only shows).
admin:audit_auditevent_changelist GET -       login  login  403    403    403    200
admin:audit_export         GET    -           login  login  403    403    403    200
admin:audit_export         POST   -           login  login  403    403    403    405
admin:audit_auditevent_add GET    -           login  login  403    403    403    403
admin:audit_auditevent_add POST   -           login  login  403    403    403    403
admin:audit_auditevent_change GET event       login  login  403    403    403    200
admin:audit_auditevent_change POST event      login  login  403    403    403    403
admin:audit_auditevent_delete GET event       login  login  403    403    403    403
admin:audit_auditevent_delete POST event      login  login  403    403    403    403
"""

# Every other admin URL: signed-out people are asked to sign in, signed-in
# people without the admin role get 403, admins get the page.
ADMIN_RULE = {
    "anon": "login",
    "participant": "login",
    "member_a": 403,
    "member_b": 403,
    "facilitator": 403,
    "admin": 200,
}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    args: str
    expected: dict[str, int | str]


def _parse(table: str) -> dict[tuple[str, str], Row]:
    rows: dict[tuple[str, str], Row] = {}
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, method, args, *cells = line.split()
        assert len(cells) == len(PERSONAS), f"{name}: {len(cells)} cells, want {len(PERSONAS)}"
        assert args in ARGS, f"{name}: unknown args {args!r}; add it to ARGS"
        assert (name, method) not in rows, f"{name} {method} appears twice"
        expected = {
            p: (c if c == "login" else int(c)) for p, c in zip(PERSONAS, cells, strict=True)
        }
        rows[(name, method)] = Row(name, method, args, expected)
    return rows


MATRIX = _parse(_TABLE)
