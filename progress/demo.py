"""Demo history for the demo team: four closed workshops over the last year,
with agreed scores that move, notes, chosen areas and experiments in every
state (one running), so the team page has something to show on `make run`.
And the demo board: one closed workshop on the board's own model and the
experiment it agreed, so a newcomer sees that boards use the service too."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from experiments.models import Experiment, ProgressNote
from maturity.models import MaturityModel
from teams.models import Team
from workshops.models import AreaScore, Workshop

TEAM_SLUG = "repeat-prescriptions"
TITLE_PREFIX = "Health check, "

# days ago, scores in area order, chosen area key, experiment
WORKSHOPS = [
    (
        330,
        [2, 2, 3, 1, 2],
        "delivery",
        {
            "status": "finished",
            "result": "supported",
            "change": "we release the repeat request form every fortnight instead of quarterly",
            "outcome": "problems reaching users within weeks rather than months",
            "signal": "at least four releases in two months with no rollback",
            "what_happened": "We shipped six small releases. Two found real issues early.",
            "learning": "Small releases were less scary than the big one. Assurance came to "
            "our stand-up instead of a gateway meeting.",
            "advice": "Invite your clinical safety officer to the first release, not the last.",
        },
    ),
    (
        240,
        [2, 3, 3, 2, 2],
        "collaboration",
        {
            "status": "finished",
            "result": "inconclusive",
            "change": "pharmacists join our fortnightly show and tell",
            "outcome": "fewer surprises when features reach pharmacies",
            "signal": "pharmacy questions raised before release rather than after",
            "what_happened": "Pharmacists came twice, then rotas got in the way.",
            "learning": "The idea is right but the timing was wrong: 4pm clashes with "
            "dispensing peaks.",
            "advice": "Ask people outside the team when they can come before you book.",
        },
    ),
    (
        150,
        [3, 3, 2, 2, 3],
        "culture",
        {
            "status": "stopped",
            "change": "a different person runs each retrospective",
            "outcome": "quieter voices heard more",
            "signal": "everyone speaking in the retro at least once",
            "note": "Stopped: the team was split across two releases; we will pick it up again.",
        },
    ),
    (
        45,
        [3, 4, 3, 3, 3],
        "approach",
        {
            "status": "running",
            "change": "we stop the weekly status report and show the work instead",
            "outcome": "more time for user research",
            "signal": "two extra research sessions a month",
            "note": "First month: the report is gone and nobody missed it.",
        },
    ),
]

NOTES = {
    "collaboration": ("Daily stand-up with design and research", "Hand-offs to the pharmacy team"),
    "focus": ("A clear goal for repeat requests", "Still counting features shipped"),
    "culture": ("People ask questions openly", "The same three voices in planning"),
    "delivery": ("Automated tests on every change", "Release approval takes two weeks"),
    "approach": ("Retros lead to changes", "The process is the same for every kind of work"),
}


def closed_workshop(team, facilitator, snapshot, title, days_ago, chosen) -> Workshop:
    """A workshop held `days_ago` on the model `snapshot` pins, closed that day."""
    held_on = timezone.localdate() - timedelta(days=days_ago)
    return Workshop.objects.create(
        team=team,
        facilitator=facilitator,
        title=f"{title}{held_on:%B %Y}",
        held_on=held_on,
        model_id=snapshot["model"]["id"],
        rubric=snapshot,
        status=Workshop.Status.CLOSED,
        step=len(snapshot["areas"]) + 3,
        chosen_area=chosen,
        closed_at=timezone.now() - timedelta(days=days_ago),
    )


def seed(stdout) -> None:
    seed_board(stdout)
    team = Team.objects.filter(slug=TEAM_SLUG).first()
    model = MaturityModel.default()
    User = get_user_model()
    facilitator = User.objects.filter(username="facilitator").first()
    member = User.objects.filter(username="member").first()
    if not (team and model and facilitator):
        stdout.write("Experiments demo: no demo team, rubric or facilitator; skipped.")
        return
    if Workshop.objects.filter(team=team, title__startswith=TITLE_PREFIX).exists():
        stdout.write("Experiments demo: the demo team already has a history.")
        return
    areas = {area.key: area for area in model.areas.order_by("order")}
    ordered = list(areas.values())
    snapshot = model.snapshot()
    someone_running = Experiment.objects.filter(team=team, status="running").exists()
    for days_ago, scores, chosen, plan in WORKSHOPS:
        workshop = closed_workshop(
            team, facilitator, snapshot, TITLE_PREFIX, days_ago, areas[chosen]
        )
        held_on = workshop.held_on
        AreaScore.objects.bulk_create(
            AreaScore(
                workshop=workshop,
                area=area,
                score=score,
                helps=NOTES[area.key][0],
                holds_back=NOTES[area.key][1],
            )
            for area, score in zip(ordered, scores, strict=True)
        )
        status = plan["status"]
        if status == "running" and someone_running:
            status = "planned"
        experiment = Experiment(
            team=team,
            workshop=workshop,
            area=areas[chosen],
            change=plan["change"],
            outcome=plan["outcome"],
            signal=plan["signal"],
            first_actions="Agree it at stand-up tomorrow.",
            owner=member,
            review_date=held_on + timedelta(days=55 if status == "running" else 42),
            status=status,
            started_on=held_on + timedelta(days=2) if status != "planned" else None,
            finished_on=held_on + timedelta(days=40) if status in ("finished", "stopped") else None,
            result=plan.get("result", "") if status == "finished" else "",
            what_happened=plan.get("what_happened", ""),
            learning=plan.get("learning", ""),
            advice=plan.get("advice", ""),
            created_by=facilitator,
        )
        experiment._history_user = facilitator
        experiment.save()
        if plan.get("note"):
            ProgressNote.objects.create(experiment=experiment, author=member, text=plan["note"])
    second = seed_second_model(team, facilitator, member)
    stdout.write(
        f"Experiments demo: {len(WORKSHOPS)} past workshops for {team.name}"
        f"{f', and {second} on another model' if second else ''}."
    )


SECOND_MODEL = "engineering-quality"
# days ago, how far up its scale the team placed itself in each area (0..1)
SECOND_WORKSHOPS = [(200, 0.2), (60, 0.5)]


def seed_second_model(team, facilitator, member) -> int:
    """Two closed workshops on the engineering quality review, so the team page
    shows a history per model. The scores follow the model's own scale."""
    model = MaturityModel.objects.filter(key=SECOND_MODEL).first()
    if model is None:
        return 0
    snapshot = model.snapshot()
    areas = list(model.areas.current().order_by("order"))
    top = len(snapshot["scale"])
    for days_ago, height in SECOND_WORKSHOPS:
        chosen = areas[int(height * 10) % len(areas)]
        workshop = closed_workshop(
            team, facilitator, snapshot, "Engineering review, ", days_ago, chosen
        )
        held_on = workshop.held_on
        AreaScore.objects.bulk_create(
            AreaScore(
                workshop=workshop,
                area=area,
                score=min(top, 1 + int(height * top + (i % 3) * 0.5)),
                helps="Pairing on the hard parts",
                holds_back="Waiting for a shared test environment",
            )
            for i, area in enumerate(areas)
        )
        experiment = Experiment(
            team=team,
            workshop=workshop,
            area=chosen,
            change="every change gets a review from someone outside the pair",
            outcome="fewer defects found after release",
            signal="half as many bugs reported in the month after a release",
            owner=member,
            review_date=held_on + timedelta(days=42),
            status="finished",
            started_on=held_on + timedelta(days=2),
            finished_on=held_on + timedelta(days=40),
            result="supported",
            what_happened="Reviews took a day at first, then a couple of hours.",
            learning="A second pair of eyes caught the mistakes we were blind to.",
            created_by=facilitator,
        )
        experiment._history_user = facilitator
        experiment.save()
    return len(SECOND_WORKSHOPS)


BOARD_SLUG = "trust-board"
BOARD_MODEL = "board-digital-leadership"
BOARD_TITLE = "Board development session"
BOARD_CHOSEN = "close-to-users"
# How far up its scale the board placed itself in each area (0..1), in area order.
BOARD_HEIGHTS = [0.2, 0.5, 0.4, 0.3, 0.5, 0.2, 0.6, 0.1, 0.4, 0.5, 0.3]


def seed_board(stdout) -> None:
    """The demo board's development session, three months ago, on the board
    model: agreed scores on the model's own scale, notes, and the experiment
    it chose, finished (playbook/demo.py publishes it)."""
    board = Team.objects.filter(slug=BOARD_SLUG).first()
    model = MaturityModel.objects.filter(key=BOARD_MODEL).first()
    facilitator = get_user_model().objects.filter(username="facilitator").first()
    if not (board and model and facilitator):
        stdout.write("Board demo: no demo board, board model or facilitator; skipped.")
        return
    if Workshop.objects.filter(team=board, title__startswith=BOARD_TITLE).exists():
        stdout.write("Board demo: the demo board already has a history.")
        return
    snapshot = model.snapshot()
    areas = list(model.areas.current().order_by("order"))
    top = len(snapshot["scale"])
    chosen = next((a for a in areas if a.key == BOARD_CHOSEN), areas[0])
    workshop = closed_workshop(board, facilitator, snapshot, f"{BOARD_TITLE}, ", 90, chosen)
    held_on = workshop.held_on
    AreaScore.objects.bulk_create(
        AreaScore(
            workshop=workshop,
            area=area,
            score=1 + int(BOARD_HEIGHTS[i % len(BOARD_HEIGHTS)] * top),
            helps="Non-executives ask good questions when they see the real thing",
            holds_back="Digital comes to us as a paper at the end of a long agenda",
        )
        for i, area in enumerate(areas)
    )
    experiment = Experiment(
        team=board,
        workshop=workshop,
        area=chosen,
        change="each public board meeting opens with a patient or colleague showing us a "
        "digital service they use, instead of a paper about it",
        outcome="board decisions that start from what people actually experience",
        signal="at least one decision in three months that changed because of what we saw",
        first_actions="Ask the patient panel who would like to show us the booking service.",
        owner_name="The chair",
        review_date=held_on + timedelta(days=63),
        status="finished",
        started_on=held_on + timedelta(days=14),
        finished_on=held_on + timedelta(days=70),
        result="supported",
        what_happened="Three meetings opened with a service shown on a phone. The outpatient "
        "letters were changed after a patient read one aloud.",
        learning="Ten minutes of seeing a service used told us more than the quarterly paper. "
        "Questions moved from dates and budgets to what patients go through.",
        advice="Ask the person showing the service what they want the board to notice, and "
        "leave time for questions straight after.",
        created_by=facilitator,
    )
    experiment._history_user = facilitator
    experiment.save()
    stdout.write(f"Board demo: a past workshop and an experiment for {board.name}.")
