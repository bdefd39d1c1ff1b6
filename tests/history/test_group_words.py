"""A board's and an organisation's whole workshop, experiment and playbook
entry, walked through the test client as the facilitator, a phone and a
member would: nothing on the way calls the group "the team".

The models' own text (area names, summaries, level descriptors, prompts,
framing) is data an admin writes as they like, so it is taken out of each
page before the words are checked. So is the service's name, "Team maturity
workshops", which is what the service is called, not what it calls the
group."""

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from maturity.models import MaturityModel
from playbook.models import Entry
from teams.models import Team
from teams.roles import FACILITATORS
from tests.conftest import make_team, make_user
from tests.workshops.conftest import make_workshop
from workshops.models import Workshop

TEAM = re.compile(r"\bteam(?:'s|s)?\b", re.IGNORECASE)
SERVICE_NAME = "Team maturity workshops"

# Attributes a person reads or hears: tooltips, alternative text, labels
# read out by screen readers, and the live region's announcements.
READ_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder", "data-announce"}


class VisibleText(HTMLParser):
    """A page's text as a person sees or hears it: text nodes outside
    scripts and styles, and the attributes above."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and name in READ_ATTRIBUTES:
                self.parts.append(value)
        if tag == "input" and attrs.get("type") != "hidden" and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def model_texts() -> list[str]:
    """Every text of every model, as pinned in a workshop and as it is now,
    longest first so a descriptor goes before a name it contains."""
    texts: set[str] = set()

    def collect(value):
        if isinstance(value, str):
            texts.add(_squash(value))
        elif isinstance(value, dict):
            collect(list(value.values()))
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for model in MaturityModel.objects.all():
        collect([model.name, model.description, model.framing, model.snapshot()])
    return sorted((t for t in texts if t), key=len, reverse=True)


class Walk:
    """The pages one walk visited, each as the words left once the model's
    own text and the service's name are taken out."""

    def __init__(self):
        self.pages: list[tuple[str, str]] = []
        self.strip = model_texts() + [SERVICE_NAME]

    def text(self, where: str, text: str) -> None:
        text = _squash(text)
        for known in self.strip:
            text = text.replace(known, " ")
        self.pages.append((where, text))

    def html(self, where: str, response) -> str:
        assert response.status_code in (200, 400), (where, response.status_code)
        content = response.content.decode()
        parser = VisibleText()
        parser.feed(content)
        self.text(where, " ".join(parser.parts))
        return content

    def get(self, client: Client, where: str, url: str) -> str:
        return self.html(where, client.get(url, follow=True))

    def post(self, client: Client, where: str, url: str, data: dict) -> str:
        return self.html(where, client.post(url, data, follow=True))

    def form(self, client: Client, where: str, url: str, refused: dict) -> None:
        """A form as it opens, and as it comes back with its errors."""
        self.get(client, where, url)
        self.post(client, f"{where}, refused", url, refused)

    def offences(self) -> list[str]:
        found = []
        for where, text in self.pages:
            for match in TEAM.finditer(text):
                start, end = max(match.start() - 60, 0), match.end() + 60
                found.append(f"{where}: …{text[start:end]}…")
        return found


GROUPS = [
    pytest.param(Team.Kind.BOARD, "Trust Board", "board-digital-leadership", id="board"),
    pytest.param(Team.Kind.ORGANISATION, "North Trust", "what-good-looks-like", id="organisation"),
]


@pytest.mark.parametrize("kind, name, model_key", GROUPS)
def test_a_groups_whole_workshop_experiment_and_entry_never_say_team(db, kind, name, model_key):
    call_command("load_models")
    walk = Walk()
    facilitator = make_user("fran", groups=[FACILITATORS])
    member = make_user("cora", first_name="Cora", last_name="Jones")
    reader = make_user("rhys")  # staff who reads the playbook, in no group
    group = make_team(name, member, kind=kind)
    model = MaturityModel.objects.get(key=model_key)
    fran, cora, phone = Client(), Client(), Client()
    fran.force_login(facilitator)
    cora.force_login(member)

    # Set up and open the workshop.
    walk.get(fran, "create form", reverse("workshops:create") + f"?team={group.pk}")
    walk.post(fran, "create form, refused", reverse("workshops:create"), {"model": model.pk})
    walk.post(
        fran,
        "opening",
        reverse("workshops:create"),
        {"model": model.pk, "team": group.pk, "title": "Spring", "held_on": timezone.localdate()},
    )
    workshop = Workshop.objects.get()
    screen = reverse("workshops:screen", args=[workshop.pk])
    live = reverse("workshops:live", args=[workshop.join_code])
    walk.get(fran, "workshops list", reverse("workshops:list"))
    walk.get(fran, "presenter mode, opening", screen)
    walk.get(phone, "phone, join", reverse("workshops:join_code", args=[workshop.join_code]))
    walk.post(phone, "phone, opening", reverse("workshops:join"), {"code": workshop.join_code})

    def go_to(step: int, where: str) -> None:
        walk.post(fran, where, reverse("workshops:go_to", args=[workshop.pk]), {"step": step})
        walk.get(fran, f"presenter mode, {where}", screen)
        walk.get(phone, f"phone, {where}", live)

    # Every area: vote, note, reveal, cards, the agreed score.
    for step in range(1, workshop.area_count + 1):
        area = workshop.area_for_step(step)
        where = f"area {step}"
        go_to(step, where)
        walk.post(
            phone,
            f"phone, {where}, voted",
            reverse("workshops:vote", args=[workshop.join_code]),
            {"area": area["id"], "level": 1},
        )
        walk.post(
            phone,
            f"phone, {where}, note",
            reverse("workshops:note", args=[workshop.join_code]),
            {"area": area["id"], "kind": "helps", "text": "Papers arrive late"},
        )
        walk.post(
            fran,
            f"{where}, revealed",
            reverse("workshops:reveal", args=[workshop.pk]),
            {"area": area["id"]},
        )
        walk.post(
            fran,
            f"{where}, cards",
            reverse("workshops:show_notes", args=[workshop.pk]),
            {"area": area["id"]},
        )
        walk.get(fran, f"presenter mode, {where}, revealed", screen)
        walk.get(phone, f"phone, {where}, revealed", live)
        record = {"area": area["id"], "revision": 0, "helps": "", "holds_back": ""}
        if step == 1:
            walk.post(
                fran,
                f"{where}, score refused",
                reverse("workshops:record", args=[workshop.pk]),
                {**record, "score": 99},
            )
        walk.post(
            fran,
            f"{where}, recorded",
            reverse("workshops:record", args=[workshop.pk]),
            {**record, "score": 1 + step % len(workshop.level_numbers)},
        )

    # Choose one area: the dots, a refusal, the choice.
    first = workshop.area_for_step(1)
    go_to(workshop.choose_step, "choose")
    walk.post(
        phone,
        "phone, dot",
        reverse("workshops:dot", args=[workshop.join_code]),
        {"area": first["id"], "action": "add"},
    )
    walk.post(fran, "choose, dots", reverse("workshops:reveal_dots", args=[workshop.pk]), {})
    walk.get(fran, "presenter mode, choose, dots", screen)
    walk.post(fran, "choose, refused", reverse("workshops:choose", args=[workshop.pk]), {})
    walk.post(
        fran, "experiment", reverse("workshops:choose", args=[workshop.pk]), {"area": first["id"]}
    )
    walk.get(fran, "presenter mode, experiment", screen)
    walk.get(phone, "phone, experiment", live)

    # Write the experiment: refused empty, then written.
    experiment_url = reverse("workshops:experiment", args=[workshop.pk])
    walk.post(fran, "experiment, refused", experiment_url, {"review_date": "2000-01-01"})
    review = timezone.localdate() + timedelta(days=28)
    walk.post(
        fran,
        "workshop summary step",
        experiment_url,
        {
            "change": "showing our work every month",
            "outcome": "decisions grounded in what people need",
            "signal": "fewer surprises",
            "first_actions": "Book the first session",
            "owner": member.pk,
            "review_date": review.isoformat(),
        },
    )
    walk.get(fran, "presenter mode, summary step", screen)
    walk.get(phone, "phone, summary step", live)
    walk.post(
        fran, "summary", reverse("workshops:status", args=[workshop.pk]), {"status": "closed"}
    )
    walk.get(phone, "phone, closed", live)
    walk.get(cora, "summary, as a member", reverse("workshops:summary", args=[workshop.pk]))

    # The experiment's life: detail, edit, notes, start, finish.
    experiment = Experiment.objects.get()
    detail = reverse("experiments:detail", args=[experiment.pk])
    walk.get(cora, "experiment", detail)
    edit = reverse("experiments:edit", args=[experiment.pk])
    walk.form(cora, "experiment, edit", edit, {"version": experiment.version})
    walk.post(
        cora,
        "experiment, empty note",
        reverse("experiments:add_note", args=[experiment.pk]),
        {"text": ""},
    )
    other = Experiment.objects.create(
        team=group,
        area=experiment.area,
        change="a second idea",
        outcome="more",
        signal="less",
        review_date=review,
        status=Experiment.Status.RUNNING,
        created_by=member,
    )
    walk.post(
        cora, "experiment, start refused", reverse("experiments:start", args=[experiment.pk]), {}
    )
    other.delete()
    walk.post(cora, "experiment, started", reverse("experiments:start", args=[experiment.pk]), {})
    call_command(
        "send_review_reminders",
        date=review.isoformat(),
        base_url="https://maturity.example.nhs.uk",
        stdout=io.StringIO(),
    )
    assert mail.outbox, "no reminder sent"
    for email in mail.outbox:
        walk.text("review reminder", f"{email.subject} {email.body}")
    experiment.refresh_from_db()
    finish = reverse("experiments:finish", args=[experiment.pk])
    walk.form(cora, "finish", finish, {"version": experiment.version})
    walk.post(
        cora,
        "finished",
        finish,
        {
            "version": experiment.version,
            "result": "supported",
            "what_happened": "Members saw the service each month",
            "learning": "Seeing the service beats reading about it",
            "advice": "Start small",
            "finished_on": timezone.localdate().isoformat(),
        },
    )

    # Publish it, and read the entry as the group and as anyone else.
    publish = reverse("playbook:publish", args=[experiment.pk])
    walk.form(cora, "publish", publish, {"seen": ""})
    walk.post(
        cora,
        "preview",
        publish,
        {
            "seen": "",
            "title": "Seeing the service each month",
            "area": experiment.area_id,
            "problem": "Decisions were made from papers",
            "hypothesis": experiment.hypothesis,
            "what_we_did": "Saw the service each month",
            "duration": "6 weeks",
            "result": "supported",
            "learning": "Seeing beats reading",
            "advice": "Start small",
            "show_team_name": "False",
        },
    )
    walk.post(cora, "entry, published", reverse("playbook:preview", args=[experiment.pk]), {})
    entry = Entry.objects.get()
    walk.get(cora, "playbook", reverse("playbook:list"))
    start = reverse("playbook:start", args=[entry.slug])
    walk.form(cora, "start from the entry", start, {"team": group.pk, "change": ""})
    walk.post(
        cora,
        "started from the entry",
        start,
        {
            "team": group.pk,
            "area": entry.area_id,
            "change": "a member at each meeting",
            "outcome": "better questions",
            "signal": "fewer papers",
            "review_date": review.isoformat(),
            "show_team_name": "False",
        },
    )
    reader_client = Client()
    reader_client.force_login(reader)
    walk.get(reader_client, "entry, read by anyone", reverse("playbook:entry", args=[entry.slug]))
    walk.post(cora, "entry, withdrawn", reverse("playbook:withdraw", args=[entry.slug]), {})
    walk.get(cora, "group's page", reverse("teams:detail", args=[group.slug]))

    # The group's exports: every header and every text in them.
    rows = cora.get(reverse("teams:export_csv", args=[group.slug])).content.decode()
    walk.text("CSV export", " ".join(" ".join(row) for row in csv.reader(io.StringIO(rows))))
    data = json.loads(cora.get(reverse("teams:export_json", args=[group.slug])).content)
    walk.text("JSON export", " ".join(_strings(data)))

    offences = walk.offences()
    assert not offences, f"{len(offences)} places call the {group.noun} a team:\n" + "\n".join(
        offences
    )

    # The walk reached the places that used to say "the team".
    said = " ".join(text for _, text in walk.pages)
    noun = group.noun
    for words in (
        f"Choose {group.a_noun}",
        f"Which area will the {noun} work on?",
        f"Owner from the {noun}",
        f"Not {group.a_noun} member listed here",
        f"When will the {noun} look at what happened?",
        f"The {noun}'s experiment",
        f"What has the {noun} tried",
        f"What the {noun} did and what it saw",
        f"What did the {noun} learn?",
        f"What was getting in the {noun}'s way?",
        f"Advice for other {group.nouns}",
        f"Tried by 1 {noun}",
        f"Only your {noun} can see it now",
        f"{group.a_noun.capitalize()} that chose not to be named",
    ):
        assert words in said, words


def _strings(value) -> list[str]:
    """Every text in an export: its values, not its keys (the keys are the
    documented names of its fields; docs/teams.md)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_the_create_form_names_the_kinds_of_group_it_offers(facilitator_client, rubric):
    url = reverse("workshops:create")
    make_team("Repeat Prescriptions")
    only_teams = facilitator_client.get(url).content.decode()
    assert ">Team</label>" in only_teams
    assert ">Choose a team</option>" in only_teams
    assert "<optgroup" not in only_teams

    make_team("Trust Board", kind=Team.Kind.BOARD)
    both = facilitator_client.get(url).content.decode()
    assert ">Team or board</label>" in both
    assert ">Choose a team or board</option>" in both
    assert "Choose the team or board and the model it will score itself against" in both
    teams, boards = both.index('<optgroup label="Teams">'), both.index('<optgroup label="Boards">')
    team = both.index('">Repeat Prescriptions</option>')
    assert teams < team < boards < both.index('">Trust Board</option>')

    refused = facilitator_client.post(url, {"model": rubric.pk}).content.decode()
    assert "Choose the team or board this workshop is for." in refused


def test_a_teams_workshop_still_speaks_of_the_team(facilitator_client, facilitator, rubric, team_a):
    workshop = make_workshop(team_a, facilitator, rubric)
    present = reverse("workshops:present", args=[workshop.pk])
    go_to = reverse("workshops:go_to", args=[workshop.pk])
    choose = facilitator_client.post(go_to, {"step": workshop.choose_step}, follow=True)
    assert "Which area will the team work on?" in choose.content.decode()
    first = workshop.area_for_step(1)["id"]
    workshop.record(first, score=2, helps="", holds_back="", revision=0)  # a scored area
    workshop.choose(first)
    facilitator_client.post(go_to, {"step": workshop.experiment_step})
    experiment = facilitator_client.get(present).content.decode()
    assert "Owner from the team" in experiment
    assert "Not a team member listed here" in experiment
    assert "When will the team look at what happened?" in experiment
