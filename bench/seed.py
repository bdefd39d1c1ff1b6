"""Seed the benchmark's dataset: 200 teams with members, 2,000 past
workshops with five agreed scores and notes each, an experiment per
workshop, and 10,000 playbook entries (from those experiments and from
finished experiments run without a workshop), and 50 live workshops on
their first area, each with its own facilitator, for the load to run.
Run after migrate and load_models:

    DATABASE_URL=... SECRET_KEY=... python bench/seed.py [SESSIONS_JSON]

Prints one line with what it made. Sizes come from BENCH_TEAMS,
BENCH_WORKSHOPS_PER_TEAM, BENCH_ENTRIES and BENCH_LIVE_WORKSHOPS.

With SESSIONS_JSON it also signs people in, straight into the session
table, and writes their session keys there for the load: each live
workshop's facilitator (with the workshop's id) and one member per team.
Signing in through the page hashes a password on purpose (hundreds of
milliseconds of CPU each); that is not what the benchmark measures, so the
load starts signed in, as people are who opened the service before the
workshop began. With BENCH_STREAM_ROOMS (and BENCH_STREAM_FIRST, the
first of those live workshops) it also joins ten phones to each of those
rooms, as the join page would leave them, and writes their session keys:
the streams scenario's 10,000 phones, which it does not join one post at
a time.

    python bench/seed.py --grow-playbook 100000

adds entries until the playbook holds that many (the pages scenario's
second size, after the other scenarios have run).
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Its inserts are thousands of rows each, past PostgreSQL's 65,535
# parameters a statement when they travel apart from the SQL
# (config/settings.py): the seed sends them inline, as Django does by default.
os.environ["DATABASE_PREPARED_STATEMENTS"] = "false"

import django  # noqa: E402
import django.utils.timezone  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from experiments.models import Experiment  # noqa: E402
from maturity.models import MaturityModel  # noqa: E402
from teams.models import Membership, Team  # noqa: E402
from teams.roles import FACILITATORS  # noqa: E402
from workshops.models import AreaScore, Workshop  # noqa: E402

TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
WORKSHOPS_PER_TEAM = int(os.environ.get("BENCH_WORKSHOPS_PER_TEAM", "10"))
MEMBERS_PER_TEAM = 3
FACILITATOR_COUNT = 20
# Every seeded person signs in with this password (the load test does).
PASSWORD = "bench-password-not-secret"

HELPS = ["We pair every day", "Our product owner sits with us", "Short feedback loops"]
HOLDS_BACK = ["Approval takes weeks", "We rarely meet users", "Too many meetings"]


# The playbook's words: titles and text are drawn from these, so the load
# test's searches (bench/locustfile.py SEARCH_WORDS) find some entries and
# rank them, as real searches would.
PRACTICES = [
    "pairing",
    "mob programming",
    "weekly releases",
    "feature flags",
    "show and tells",
    "user research",
    "retrospectives",
    "trunk-based development",
    "on-call rotas",
    "service maps",
    "accessibility audits",
    "demo days",
    "team charters",
    "rollback drills",
    "clinical safety reviews",
    "fortnightly planning",
    "work in progress limits",
]
PROBLEMS = [
    "Releases were big, rare and frightening.",
    "Work waited days for a review.",
    "We rarely spoke to the clinicians who use the service.",
    "Priorities changed every week and nobody knew why.",
    "Knowledge sat with one or two people.",
    "Incidents surprised us at night.",
]
LEARNINGS = [
    "Small steps made rollback boring.",
    "Talking to users early saved weeks of rework.",
    "Limits on work in progress finished more work.",
    "Sharing on-call spread knowledge across the team.",
    "A visible plan calmed stakeholders down.",
]
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
LIVE_WORKSHOPS = int(os.environ.get("BENCH_LIVE_WORKSHOPS", "50"))
STREAM_FIRST = int(os.environ.get("BENCH_STREAM_FIRST", "0"))
STREAM_ROOMS = int(os.environ.get("BENCH_STREAM_ROOMS", "0"))
PHONES_PER_ROOM = 10
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # workshops/models.py JOIN_CODE_ALPHABET


def live_code(i: int) -> str:
    """The join code of live workshop i (bench/locustfile.py has the same)."""
    return "WXY" + "".join(JOIN_ALPHABET[(i // 25**k) % 25] for k in range(3))


def _models() -> list[MaturityModel]:
    """Every shipped model, the default first: the workshops, live and past,
    are a mix of them, as in a service that runs several frameworks."""
    return list(MaturityModel.objects.order_by("-is_default", "key"))


def seed_live_workshops(teams: list[Team], password: str) -> int:
    """LIVE_WORKSHOPS workshops in progress, on their first area or (one in
    five) at the choose step, each run by its own facilitator (`live<i>`),
    for the load test to run live. The streams scenario's rooms belong to a
    team of their own, so no other scenario's pages list them."""
    User = get_user_model()
    facilitators = User.objects.bulk_create(
        User(username=f"live{i}", password=password, first_name=f"Live facilitator {i}")
        for i in range(LIVE_WORKSHOPS)
    )
    Group.objects.get(name=FACILITATORS).user_set.add(*facilitators)
    models = _models()
    snapshots = {m.pk: m.snapshot() for m in models}
    streams = range(STREAM_FIRST, STREAM_FIRST + STREAM_ROOMS)
    own = Team.objects.create(name="Bench streams team", slug="bench-streams") if streams else None
    Workshop.objects.bulk_create(
        Workshop(
            team=own if i in streams else teams[i % len(teams)],
            facilitator=facilitator,
            title=f"Live workshop {i}",
            held_on=date.today(),
            model=models[i % len(models)],
            rubric=snapshots[models[i % len(models)].pk],
            status=Workshop.Status.ACTIVE,
            # One in five is choosing an area, so dots are in every window.
            step=len(snapshots[models[i % len(models)].pk]["areas"]) + 1 if i % 5 == 4 else 1,
            join_code=live_code(i),
        )
        for i, facilitator in enumerate(facilitators)
    )
    return LIVE_WORKSHOPS


def seed_playbook(
    rng: random.Random, experiments: list[Experiment], count: int = ENTRIES, first: int = 0
) -> int:
    """Publish ENTRIES playbook entries, one per finished experiment: the
    workshops' experiments first, then finished ones run without a workshop
    (started from the playbook, say). About 1 in 20 is withdrawn or hidden,
    so the list's filters and the team's own view have work to do."""
    from playbook.models import Entry

    teams = list(Team.objects.order_by("pk"))
    areas = [a for m in _models() for a in m.areas.current().order_by("order")]
    extra = max(0, count - len(experiments))
    today = date.today()
    experiments = experiments + Experiment.objects.bulk_create(
        (
            Experiment(
                team=teams[i % len(teams)],
                area=rng.choice(areas),
                change=f"we try {rng.choice(PRACTICES)}",
                outcome="calmer, more predictable delivery",
                signal="fewer surprises in a month",
                review_date=today - timedelta(days=rng.randrange(30, 700)),
                status=Experiment.Status.FINISHED,
                started_on=today - timedelta(days=800),
                finished_on=today - timedelta(days=rng.randrange(1, 700)),
                result=rng.choice(Experiment.Result.values),
                learning=rng.choice(LEARNINGS),
            )
            for i in range(extra)
        ),
        batch_size=1000,
    )
    now = django.utils.timezone.now()
    entries = []
    for i, experiment in enumerate(experiments[:count], start=first):
        practice, other = rng.sample(PRACTICES, 2)
        hidden = i % 40 == 7
        entries.append(
            Entry(
                experiment=experiment,
                team_id=experiment.team_id,
                area_id=experiment.area_id,
                title=f"{practice.capitalize()} with {other}"[:120],
                slug=f"entry-{i:05d}",
                problem=rng.choice(PROBLEMS),
                hypothesis=f"We believe that {practice} will result in {rng.choice(LEARNINGS)}",
                what_we_did=f"We tried {practice} and {other} for six weeks.",
                duration="6 weeks",
                result=experiment.result,
                learning=rng.choice(LEARNINGS),
                advice=f"Start {practice} small and agree who owns it.",
                show_team_name=i % 5 != 0,
                status=Entry.Status.WITHDRAWN if i % 40 == 3 else Entry.Status.PUBLISHED,
                published_at=now - timedelta(hours=i),
                hidden=hidden,
                hidden_reason="Names a patient." if hidden else "",
            )
        )
    Entry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


@transaction.atomic
def seed() -> str:
    rng = random.Random(6)
    models = _models()
    areas = {m.pk: list(m.areas.current().order_by("order")) for m in models}
    snapshots = {m.pk: m.snapshot() for m in models}
    password = make_password(PASSWORD)
    User = get_user_model()

    facilitators = User.objects.bulk_create(
        User(username=f"facilitator{i}", password=password, first_name=f"Facilitator {i}")
        for i in range(FACILITATOR_COUNT)
    )
    group, _ = Group.objects.get_or_create(name=FACILITATORS)
    group.user_set.add(*facilitators)

    teams = Team.objects.bulk_create(
        Team(name=f"Bench team {i:03d}", slug=f"bench-team-{i:03d}") for i in range(TEAMS)
    )
    members = User.objects.bulk_create(
        User(username=f"member{t}-{m}", password=password, first_name=f"Member {t}-{m}")
        for t in range(TEAMS)
        for m in range(MEMBERS_PER_TEAM)
    )
    Membership.objects.bulk_create(
        Membership(team=teams[i // MEMBERS_PER_TEAM], user=user) for i, user in enumerate(members)
    )

    start = date.today() - timedelta(weeks=6 * WORKSHOPS_PER_TEAM)
    # Each team alternates between the models, as a team using all three would.
    workshops = Workshop.objects.bulk_create(
        Workshop(
            team=team,
            facilitator=rng.choice(facilitators),
            held_on=start + timedelta(weeks=6 * n),
            model=(model := models[(t + n) % len(models)]),
            rubric=snapshots[model.pk],
            status=Workshop.Status.CLOSED,
            step=len(areas[model.pk]) + 3,
            chosen_area=rng.choice(areas[model.pk]),
            # Closed workshops keep their code; fixed ones cannot collide.
            join_code=f"B{t:03d}{n:04d}",
        )
        for t, team in enumerate(teams)
        for n in range(WORKSHOPS_PER_TEAM)
    )
    AreaScore.objects.bulk_create(
        AreaScore(
            workshop=workshop,
            area=area,
            score=rng.randint(1, len(snapshots[workshop.model_id]["scale"])),
            helps=rng.choice(HELPS),
            holds_back=rng.choice(HOLDS_BACK),
        )
        for workshop in workshops
        for area in areas[workshop.model_id]
    )
    experiments = Experiment.objects.bulk_create(
        Experiment(
            team=workshop.team,
            workshop=workshop,
            area=workshop.chosen_area,
            change="we show our work every Friday",
            outcome="stakeholders trust our direction",
            signal="fewer status meetings",
            review_date=workshop.held_on + timedelta(weeks=4),
            status=Experiment.Status.FINISHED,
            started_on=workshop.held_on,
            finished_on=workshop.held_on + timedelta(weeks=4),
            result=rng.choice(Experiment.Result.values),
            learning="Showing the thing beats writing about it.",
        )
        for workshop in workshops
    )
    entries = seed_playbook(rng, experiments)
    live = seed_live_workshops(teams, password)
    return (
        f"Seeded {len(teams)} teams, {len(members) + len(facilitators)} people, "
        f"{len(workshops)} workshops on {len(models)} models, "
        f"{AreaScore.objects.count()} scores, "
        f"{Experiment.objects.count()} experiments, {entries} playbook entries, "
        f"{live} live workshops."
    )


def sign_in(users) -> list[str]:
    """A session for each user, as the sign-in page would leave it."""
    store, expires = SessionStore(), django.utils.timezone.now() + timedelta(days=1)
    sessions = [
        Session(
            session_key=store._get_new_session_key(),
            session_data=store.encode(
                {
                    "_auth_user_id": str(user.pk),
                    "_auth_user_backend": "identity.backends.PasswordBackend",
                    "_auth_user_hash": user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions, batch_size=1000)
    return [s.session_key for s in sessions]


def join_phones(live: list[Workshop]) -> list[dict]:
    """Ten phones in each of the streams scenario's rooms: a participant
    each and a session holding its place, as the join page leaves them
    (workshops/phone.py); their session keys, room by room."""
    from workshops.models import Participant
    from workshops.phone import SESSION_KEY

    rooms = list(enumerate(live))[STREAM_FIRST : STREAM_FIRST + STREAM_ROOMS]
    phones = Participant.objects.bulk_create(
        (
            Participant(workshop=w, display_name=f"Stream phone {n}")
            for _, w in rooms
            for n in range(PHONES_PER_ROOM)
        ),
        batch_size=1000,
    )
    store, expires = SessionStore(), django.utils.timezone.now() + timedelta(days=1)
    sessions = [
        Session(
            session_key=store._get_new_session_key(),
            session_data=store.encode({SESSION_KEY: {p.workshop.join_code: str(p.token)}}),
            expire_date=expires,
        )
        for p in phones
    ]
    Session.objects.bulk_create(sessions, batch_size=1000)
    return [
        {
            "session": s.session_key,
            "room": rooms[i // PHONES_PER_ROOM][0],
            "code": p.workshop.join_code,
        }
        for i, (s, p) in enumerate(zip(sessions, phones, strict=True))
    ]


def write_sessions(path: Path) -> None:
    User = get_user_model()
    live = list(
        Workshop.objects.filter(join_code__startswith="WXY", status=Workshop.Status.ACTIVE)
        .select_related("facilitator")
        .order_by("facilitator__username")
    )
    live.sort(key=lambda w: int(w.facilitator.username.removeprefix("live")))
    members = list(User.objects.filter(username__endswith="-0", username__startswith="member"))
    path.write_text(
        json.dumps(
            {
                "live": [
                    {"session": key, "workshop": w.pk, "code": w.join_code, "step": w.step}
                    for key, w in zip(sign_in(w.facilitator for w in live), live, strict=True)
                ],
                "phones": join_phones(live),
                "members": [
                    {"session": key, "team": int(u.username[6:].split("-")[0])}
                    for key, u in zip(sign_in(members), members, strict=True)
                ],
            }
        )
    )


def settle() -> None:
    """What a database that has been running a while has and a freshly
    bulk-loaded one lacks: planner statistics and a visibility map. Without
    them PostgreSQL plans the playbook's newest-first page as a full sort
    (measured: 28 ms a query instead of 2), so the figures would describe
    the seeding rather than the service."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            # Write out now what the load would have written in the
            # background while it is measured (the grown playbook's pages).
            cursor.execute("CHECKPOINT")


@transaction.atomic
def grow_playbook(total: int) -> str:
    """More entries, up to `total` in all, each from a finished experiment of
    its own, older than those before (the playbook's second size)."""
    from playbook.models import Entry

    have = Entry.objects.count()
    added = seed_playbook(random.Random(have), [], count=max(0, total - have), first=have)
    return f"Grew the playbook by {added} entries to {have + added}."


if __name__ == "__main__":
    if sys.argv[1:2] == ["--grow-playbook"]:
        print(grow_playbook(int(sys.argv[2])))
    else:
        print(seed())
        if len(sys.argv) > 1:
            write_sessions(Path(sys.argv[1]))
    settle()
