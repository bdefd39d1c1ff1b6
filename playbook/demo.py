"""Demo playbook: two dozen entries from the finished experiments of a few
demo teams, across all five areas and all three results, and some teams that
started their own version of an entry. Called by `manage.py seed_demo`."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from experiments.models import Experiment
from maturity.models import Area, MaturityModel
from playbook.models import Adoption, Entry, duration_between
from teams.models import Team

TEAMS = [
    "NHS App Messaging",
    "Find a Pharmacy",
    "Electronic Referrals",
    "Screening Invitations",
    "Vaccination Booking",
    "Patient Records Access",
]

S, N, INC = "supported", "not_supported", "inconclusive"

# team, area, result, weeks, named, title, problem,
# change, outcome, signal, what we did, learning, advice
# fmt: off
ENTRIES = [
    (
        "NHS App Messaging", "collaboration", S, 8, True,
        "Show the thing instead of writing papers",
        "Our programme board met monthly and read long papers about work it never "
        "saw. Decisions took weeks and often missed the point.",
        "showing working software at a fortnightly open show and tell instead of "
        "sending papers to the board",
        "faster decisions and fewer surprises for senior stakeholders",
        "decisions made in the room and fewer follow-up questions by email",
        "We invited the board to our fortnightly show and tell and stopped writing the "
        "monthly paper. Each demo was 20 minutes of real screens, then questions. We kept "
        "a one-page decision log.",
        "Board members asked sharper questions after seeing the messages on a phone than "
        "they ever did after reading a paper. Three decisions that had waited months were "
        "made in the room.",
        "Book the slot before you have something to show. An unfinished thing shown "
        "honestly beats a polished paper. Keep a decision log so nothing is lost.",
    ),
    (
        "Find a Pharmacy", "collaboration", S, 6, True,
        "Pairing a developer with a pharmacist for a sprint",
        "Opening hours data kept being wrong in ways our developers could not spot, "
        "and the pharmacy team only found out from complaints.",
        "pairing a developer with a community pharmacist for one sprint",
        "fewer data errors reaching the public",
        "fewer complaints about wrong opening hours",
        "A community pharmacist joined us two days a week for two weeks and sat with a "
        "developer while they worked on the opening hours import.",
        "Half the errors came from bank holiday rules that only a pharmacist would know. "
        "Complaints about opening hours fell by more than half in the next month.",
        "Pay for the expert's time properly and protect it. Two days a week was enough; "
        "a whole week would have been too much for the pharmacy.",
    ),
    (
        "Electronic Referrals", "collaboration", N, 6, True,
        "A shared channel with the service desk",
        "The service desk passed problems to us through tickets, and we heard about "
        "outages hours after users did.",
        "opening a shared chat channel between the team and the service desk",
        "problems reaching the team within minutes",
        "time from first user report to the team knowing dropping below 15 minutes",
        "We opened one shared channel and asked the service desk to post anything unusual "
        "there as well as in tickets.",
        "The channel was busy for a week and then went quiet. The desk's own process still "
        "required a ticket first, so the channel became a second job for them.",
        "Change the process, not only the tool. Ask the other team what would make their "
        "day easier before you ask them to do something new.",
    ),
    (
        "Screening Invitations", "collaboration", INC, 4, False,
        "Joint planning with the policy team",
        "Policy changes arrived as finished documents and our backlog was rewritten "
        "every quarter.",
        "inviting the policy team to our quarterly planning",
        "fewer late changes to agreed work",
        "fewer items dropped from the quarter after planning",
        "Two policy leads came to our quarterly planning day and reviewed the draft "
        "roadmap with us.",
        "The day went well and the policy leads said they understood our constraints "
        "better, but one quarter was too short to see whether fewer items were dropped.",
        "Try it for at least two quarters before judging it. Send the roadmap a week ahead "
        "so people arrive with questions.",
    ),
    (
        "Vaccination Booking", "collaboration", S, 6, True,
        "Working in the open on a public blog",
        "Other teams kept asking us the same questions about our booking rules, and we "
        "answered each one by email.",
        "writing a short fortnightly post about what we are working on",
        "fewer repeated questions and more useful ones",
        "fewer direct emails asking how booking works",
        "We wrote six short posts, each under 500 words, with screenshots and one thing "
        "we were unsure about.",
        "Repeated questions dropped and two teams got in touch to share research we did "
        "not know about. Writing took an hour a fortnight once we had a template.",
        "Keep posts short and end each one with a question. Let anyone in the team write, "
        "not just the product manager.",
    ),
    (
        "Patient Records Access", "focus", S, 6, True,
        "Measuring outcomes, not features shipped",
        "Our roadmap was a list of features and we celebrated releases, but nobody could "
        "say whether patients were better off.",
        "replacing our feature roadmap with three outcomes and one measure each",
        "conversations about what changed for patients rather than what we shipped",
        "every sprint review starting with the outcome measures",
        "We rewrote the roadmap around three outcomes, picked one measure for each and put "
        "them at the top of every sprint review.",
        "Two features on the old roadmap turned out not to serve any outcome and we "
        "dropped them. The team said reviews felt more purposeful.",
        "Choose measures you can get every fortnight, even rough ones. A perfect measure "
        "you see once a quarter does not change behaviour.",
    ),
    (
        "NHS App Messaging", "focus", S, 4, True,
        "Watching five users before writing a story",
        "We wrote user stories from assumptions and then reworked them after release.",
        "watching five users try the current service before writing any new story",
        "less rework after release",
        "fewer stories reopened in the month after release",
        "For four weeks, no story entered a sprint without notes from at least five "
        "observed sessions, in person or on a call.",
        "Reopened stories fell from seven to two in a month. Developers who watched "
        "sessions asked for more of them.",
        "Invite developers to sessions, not just designers. Five users is enough to see "
        "the big problems.",
    ),
    (
        "Find a Pharmacy", "focus", N, 8, False,
        "A single success measure for the whole service",
        "Everyone had their own idea of what success looked like.",
        "agreeing one north-star measure for the whole service",
        "a shared sense of priority across the team",
        "fewer disagreements about priority at planning",
        "We agreed one measure: the share of searches that end with a pharmacy chosen. "
        "We put it on a wall screen.",
        "One number hid too much. Searches in rural areas behaved very differently and "
        "the measure pushed us towards city users.",
        "Use a small set of measures and split them by the groups you most worry about "
        "leaving behind.",
    ),
    (
        "Electronic Referrals", "focus", INC, 6, True,
        "Saying no to small requests for a month",
        "Small requests from stakeholders ate a third of every sprint.",
        "declining every request that did not serve our current outcome for one month",
        "more time spent on the outcome we had chosen",
        "at least 80% of sprint capacity going to the outcome",
        "We published our current outcome and a polite template for saying not now. "
        "Every request went through the product manager.",
        "Capacity on the outcome rose, but two declined requests came back as escalations "
        "and took more time than doing them would have.",
        "Say not now with a date, not no. Agree the rule with senior stakeholders first.",
    ),
    (
        "Screening Invitations", "focus", S, 6, True,
        "Reading every complaint as a team",
        "Complaints went to a separate team and we only saw summaries.",
        "reading the last week's complaints together every Monday",
        "problems fixed sooner because the whole team understands them",
        "fixes for complaint themes within two sprints",
        "Every Monday for six weeks we spent 30 minutes reading complaints aloud and "
        "grouping them.",
        "The team fixed the confusing wording behind the largest theme in one sprint. "
        "Reading real words from people changed how we talked about priorities.",
        "Remove names before the session. Keep it to 30 minutes and end with one action.",
    ),
    (
        "Vaccination Booking", "culture", S, 6, True,
        "Rotating who facilitates stand-ups",
        "The delivery manager ran every stand-up and the same three people did most of "
        "the talking.",
        "rotating who facilitates the daily stand-up each week",
        "quieter people speaking up more",
        "everyone in the team having spoken in stand-up at least three times a week",
        "Each week a different person ran stand-up, including the newest developer and "
        "our clinical lead. We kept a simple rota on the team board.",
        "People who ran stand-up kept speaking up afterwards. Two problems that had been "
        "mentioned privately for weeks were raised in the open.",
        "Put everyone on the rota, including leaders. Agree a short format first so the "
        "facilitator does not have to invent one.",
    ),
    (
        "Patient Records Access", "culture", S, 4, False,
        "Blameless reviews after incidents",
        "After incidents people defended themselves rather than looking for causes, and "
        "the same kind of incident kept coming back.",
        "running a blameless review within a week of every incident",
        "more honest accounts of what happened",
        "actions that change the system rather than tell people to be careful",
        "We used a short template: what happened, what surprised us, what made it easy to "
        "go wrong. The facilitator came from another team.",
        "Every action from the reviews changed a process or a tool. Nobody was asked to "
        "simply try harder. People said the reviews felt safe.",
        "Use a facilitator from outside the team. Ban the words should have from the "
        "room.",
    ),
    (
        "NHS App Messaging", "culture", INC, 6, True,
        "Cameras optional on team calls",
        "Some people found all-day video calls exhausting but felt they had to keep their "
        "camera on.",
        "making cameras optional on all internal calls",
        "less tiredness and more honest check-ins",
        "better energy scores in our weekly check-in",
        "We agreed cameras were optional, with the facilitator always on camera, and "
        "tracked a simple energy score each Friday.",
        "Energy scores went up slightly, but so did the number of people who said they "
        "felt less connected. The picture was mixed.",
        "Ask people privately how it feels, not just in the group. Keep cameras on for "
        "workshops where reading the room matters.",
    ),
    (
        "Electronic Referrals", "culture", N, 8, True,
        "An anonymous question box for retrospectives",
        "Our retrospectives felt polite and little changed.",
        "collecting retrospective topics anonymously before each session",
        "harder topics being raised",
        "at least one uncomfortable topic in each retrospective",
        "We used an anonymous form for two days before each retrospective and read the "
        "answers out at the start.",
        "Anonymous topics were harder, but the team could not act on them because nobody "
        "could ask follow-up questions. Trust did not grow.",
        "Anonymity can be a first step, not the goal. Work on making it safe to speak "
        "with your name first.",
    ),
    (
        "Find a Pharmacy", "culture", S, 6, True,
        "Hearing from people who use assistive technology",
        "Our team had no one who used assistive technology, and accessibility was a "
        "checklist at the end.",
        "inviting people who use screen readers and switch access to our show and tell",
        "accessibility being considered while designing, not after",
        "accessibility problems found before release instead of after",
        "Four people who use assistive technology joined our show and tells over six "
        "weeks, paid for their time, and tried the search live.",
        "Watching someone use a screen reader on our search changed the team's priorities "
        "overnight. We fixed the results list before release.",
        "Pay people and ask them what they need to take part. Do it early, while there is "
        "still time to change the design.",
    ),
    (
        "Screening Invitations", "delivery", S, 6, True,
        "Releasing weekly behind a feature flag",
        "We released every two months. Releases were big, risky and frightening, and a "
        "rollback meant a weekend.",
        "releasing every week with unfinished work hidden behind feature flags",
        "smaller, calmer releases with fewer surprises for users",
        "a release every Thursday for six weeks with no rollback longer than an hour",
        "We set up feature flags, moved to a Thursday release, and turned features on for "
        "staff first, then a small share of the public.",
        "Small releases made rollback boring. We turned one feature off in production in "
        "two minutes without a release.",
        "Agree who owns each flag and when it will be removed before you start, or flags "
        "pile up.",
    ),
    (
        "Vaccination Booking", "delivery", S, 4, True,
        "A minimum viable service for one clinic",
        "We were building booking for every clinic type at once and had nothing live after "
        "six months.",
        "launching booking for one clinic type in one region",
        "real feedback within a month",
        "the first public bookings and a list of problems from real use",
        "We cut scope to one clinic type in one region and launched in four weeks with a "
        "phone fallback.",
        "Real use showed that our biggest assumption, that people book weeks ahead, was "
        "wrong. Most booked for the same week.",
        "Choose the smallest group that can still teach you something. Keep the old route "
        "open as a fallback.",
    ),
    (
        "Patient Records Access", "delivery", N, 6, True,
        "Releasing every day",
        "We wanted to release more often and jumped straight to daily releases.",
        "releasing to production every day",
        "faster feedback on every change",
        "changes reaching users within a day of being merged",
        "We released every day for six weeks with our existing test suite.",
        "Our tests were too slow and too flaky for daily releases. We spent more time on "
        "failed pipelines than on feedback.",
        "Fix your pipeline first. Weekly releases were a better next step for us than "
        "daily.",
    ),
    (
        "Electronic Referrals", "delivery", INC, 6, False,
        "Assurance inside the team",
        "Clinical safety sign-off happened at the end and often sent work back.",
        "having the clinical safety officer join sprint planning",
        "fewer late safety findings",
        "no work returned after sign-off",
        "Our clinical safety officer joined sprint planning and reviewed risks as stories "
        "were written.",
        "Fewer findings came late, but the safety officer could only join half the "
        "sessions and the results were hard to separate from other changes.",
        "Agree the time commitment with the safety officer's manager before you start.",
    ),
    (
        "NHS App Messaging", "delivery", S, 8, True,
        "Splitting stories until each takes a day or two",
        "Stories sat in progress for weeks and we could not tell how close we were.",
        "splitting every story until it can be finished in one or two days",
        "a steady flow of finished work",
        "the average time a story spends in progress falling below three days",
        "We practised story splitting as a team and refused any story the team thought "
        "would take more than two days.",
        "Stories in progress fell from eight days to two and a half. Planning got easier "
        "because small stories were easier to estimate.",
        "Split by what the user can do, not by technical layer.",
    ),
    (
        "Find a Pharmacy", "approach", S, 6, True,
        "Changing one thing about how we work each sprint",
        "We kept the same process for two years and stopped noticing what was not "
        "working.",
        "trying one small change to how we work each sprint and reviewing it at the next "
        "retrospective",
        "a habit of improving how we work",
        "at least three changes kept after six weeks",
        "Each retrospective ended with one change to try. We wrote it on the board and "
        "reviewed it two weeks later.",
        "We kept four of six changes, including shorter planning and a no-meeting "
        "Wednesday. The team said improving felt normal.",
        "Keep each change small enough to undo. Write down why you dropped the ones that "
        "did not work, and share them.",
    ),
    (
        "Screening Invitations", "approach", N, 6, True,
        "Adopting a framework wholesale",
        "We felt our process was ad hoc and wanted more structure.",
        "adopting a well-known scaled agile framework in full",
        "clearer roles and more predictable delivery",
        "fewer missed sprint goals",
        "We introduced the framework's ceremonies, roles and artefacts all at once.",
        "The new meetings took a day a week and our missed sprint goals did not change. "
        "The framework solved problems we did not have.",
        "Start from your problems, not from a framework. Take one practice at a time.",
    ),
    (
        "Vaccination Booking", "approach", INC, 4, False,
        "Planning one week at a time during a surge",
        "During a demand surge, plans went out of date within days.",
        "planning one week at a time during the surge instead of two",
        "plans that kept up with changing demand",
        "fewer mid-sprint changes of priority",
        "We moved to one-week planning for the four weeks of the surge.",
        "Priorities still changed mid-week, and the extra planning took time. It is not "
        "clear that one week was better than two.",
        "In a crisis, agree who can change priorities and how, rather than planning more "
        "often.",
    ),
    (
        "Patient Records Access", "approach", S, 8, True,
        "Sharing what we learned with other teams",
        "We learned a lot from our experiments but kept it to ourselves.",
        "presenting one experiment a month at the community of practice",
        "other teams building on what we learned",
        "at least one other team trying something we shared",
        "We gave a 15-minute talk each month about one experiment, including the ones "
        "that did not work.",
        "Two teams tried our outcome roadmap. Talking about experiments that failed got "
        "the most questions.",
        "Share the failures too. They save other teams the most time.",
    ),
]
# fmt: on

# Teams that started their own version of an entry: (team, entry title, status, result)
ADOPTIONS = [
    ("Find a Pharmacy", "Show the thing instead of writing papers", "running", ""),
    ("Electronic Referrals", "Show the thing instead of writing papers", "finished", S),
    ("Patient Records Access", "Show the thing instead of writing papers", "planned", ""),
    ("Electronic Referrals", "Releasing weekly behind a feature flag", "finished", S),
    ("NHS App Messaging", "Rotating who facilitates stand-ups", "running", ""),
    ("Screening Invitations", "Rotating who facilitates stand-ups", "finished", INC),
    ("Vaccination Booking", "Measuring outcomes, not features shipped", "planned", ""),
]
# Teams that prefer not to be named where they tried something.
UNNAMED_TRIERS = {"Patient Records Access"}


@transaction.atomic
def seed(stdout) -> None:
    model = MaturityModel.default()
    if model is None:
        stdout.write("Playbook: no rubric loaded; no demo playbook.")
        return
    if Entry.objects.exists():
        stdout.write("Playbook: demo entries already there.")
        return
    areas = {area.key: area for area in Area.objects.filter(model=model)}
    teams = {
        name: Team.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
        for name in TEAMS
    }
    today = timezone.localdate()
    now = timezone.now()
    entries = {}
    for age, row in enumerate(reversed(ENTRIES)):
        team, area, result, weeks, named, title, problem = row[:7]
        change, outcome, signal, did, learning, advice = row[7:]
        finished_on = today - timedelta(days=7 + age * 9)
        started_on = finished_on - timedelta(weeks=weeks)
        experiment = Experiment.objects.create(
            team=teams[team],
            area=areas[area],
            change=change,
            outcome=outcome,
            signal=signal,
            review_date=finished_on,
            status=Experiment.Status.FINISHED,
            started_on=started_on,
            finished_on=finished_on,
            result=result,
            what_happened=did,
            learning=learning,
            advice=advice,
        )
        entry = Entry(
            experiment=experiment,
            team=teams[team],
            area=areas[area],
            title=title,
            problem=problem,
            hypothesis=experiment.hypothesis,
            what_we_did=did,
            duration=duration_between(started_on, finished_on),
            result=result,
            learning=learning,
            advice=advice,
            show_team_name=named,
            status=Entry.Status.PUBLISHED,
            published_at=now - timedelta(days=5 + age * 9),
        )
        entry.save_with_slug()
        entries[title] = entry
    for team, title, status, result in ADOPTIONS:
        entry = entries[title]
        parts = entry.hypothesis_parts()
        experiment = Experiment.objects.create(
            team=teams[team],
            area=entry.area,
            review_date=today + timedelta(weeks=4),
            status=status,
            started_on=today - timedelta(weeks=6) if status != "planned" else None,
            finished_on=today - timedelta(days=3) if status == "finished" else None,
            result=result,
            learning="We found the same as the original team." if result else "",
            **parts,
        )
        Adoption.objects.create(
            entry=entry, experiment=experiment, show_team_name=team not in UNNAMED_TRIERS
        )
    board = ", and the demo board's experiment" if publish_board_experiment(now) else ""
    stdout.write(f"Playbook: {len(entries)} entries and {len(ADOPTIONS)} teams trying them{board}.")


BOARD_SLUG = "trust-board"


def publish_board_experiment(now) -> bool:
    """The demo board's finished experiment (progress/demo.py) as an entry
    under its own model, so the playbook's filter by model shows a board's."""
    experiment = (
        Experiment.objects.filter(team__slug=BOARD_SLUG, status=Experiment.Status.FINISHED)
        .select_related("team", "area")
        .first()
    )
    if experiment is None:
        return False
    entry = Entry(
        experiment=experiment,
        team=experiment.team,
        area=experiment.area,
        title="Open the board meeting with the service, not a paper",
        problem="Digital reached the board as a paper at the end of a long agenda. We "
        "discussed dates and budgets and rarely what patients went through.",
        hypothesis=experiment.hypothesis,
        what_we_did=experiment.what_happened,
        duration=duration_between(experiment.started_on, experiment.finished_on),
        result=experiment.result,
        learning=experiment.learning,
        advice=experiment.advice,
        show_team_name=True,
        status=Entry.Status.PUBLISHED,
        published_at=now - timedelta(days=20),
    )
    entry.save_with_slug()
    return True
