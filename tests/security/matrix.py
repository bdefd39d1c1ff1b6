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

# Objects for URL arguments, from the `world` fixture (tests/security/conftest.py).
# MERGE: add the kinds the new URLs need, e.g.
#   "workshop_a": lambda w: [w.workshop_a.pk],
#   "experiment_a": lambda w: [w.experiment_a.pk],
#   "team_a": lambda w: [w.team_a.slug],
#   "entry": lambda w: [w.entry.slug],
ARGS = {
    "-": lambda w: [],
    "reset_link": lambda w: [w.reset_uid, "not-a-valid-token"],
    "level": lambda w: [w.area.levels.first().pk],
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
admin:login                GET    -           200    200    403    403    403    302
admin:logout               GET    -           302    302    403    403    403    405
admin:autocomplete         GET    -           login  login  403    403    403    403
admin:axes_accessattempt_add GET  -           login  login  403    403    403    403
admin:axes_accesslog_add   GET    -           login  login  403    403    403    403
admin:axes_accessfailurelog_add GET -         login  login  403    403    403    403
# Levels come five to an area: admins edit them on the area, never add or delete one.
admin:maturity_level_add   GET    -           login  login  403    403    403    403
admin:maturity_level_delete GET   level       login  login  403    403    403    403
"""
# MERGE: rows for workshops:*, experiments:*, teams:detail, playbook:* go above.

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
