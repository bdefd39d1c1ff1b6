"""The facilitator's pages: create, list, the shared screen and its state
changes, the experiment and the summary. Each covers the wrong method, the
wrong person and bad input."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from experiments.models import Experiment
from teams.roles import FACILITATORS
from tests.conftest import client_for, make_user
from tests.workshops.conftest import area_id, make_workshop
from workshops.models import AreaScore, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, workshop):
    return reverse(f"workshops:{name}", args=[workshop.pk])


def text(response) -> str:
    return response.content.decode()


# Create and list


def test_facilitator_creates_a_workshop_with_the_rubric_pinned(facilitator_client, rubric, team_a):
    response = facilitator_client.post(
        reverse("workshops:create"),
        {"team": team_a.pk, "title": "Spring", "held_on": "2026-11-23"},
    )
    workshop = Workshop.objects.get()
    assert response.url == url("present", workshop)
    assert workshop.rubric == rubric.snapshot()
    assert len(workshop.join_code) >= 6 and workshop.step == 0


def test_create_form_keeps_input_and_explains_errors(facilitator_client, rubric, team_a):
    response = facilitator_client.post(
        reverse("workshops:create"), {"team": "", "title": "x" * 200, "held_on": "soon"}
    )
    assert response.status_code == 200
    body = text(response)
    assert "Choose the team this workshop is for." in body
    assert "Keep the title to 120 characters or fewer." in body
    assert "Enter a real date" in body
    assert 'value="soon"' in body
    assert not Workshop.objects.exists()


def board_with_a_past_workshop(facilitator):
    from maturity.models import MaturityModel
    from tests.conftest import make_team

    board = make_team("Trust Board", kind="board")
    model = MaturityModel.objects.get(key="board-digital-leadership")
    Workshop.objects.create(
        team=board, facilitator=facilitator, model=model, rubric=model.snapshot()
    )
    return board, model


def test_a_new_workshop_starts_on_the_model_the_group_last_used(
    facilitator_client, facilitator, rubric, team_a
):
    board, board_model = board_with_a_past_workshop(facilitator)
    page = text(facilitator_client.get(reverse("workshops:create")))
    # Left as it is, the first choice becomes the group's last model.
    assert re.search(
        r'name="model" type="radio" value="" checked>\s*<label[^>]*>The one the group used last',
        page,
    )
    assert escape(f"The one Trust Board used last: {board_model.name}") in page  # create.js
    new = {"title": "", "held_on": "4 December 2026"}
    facilitator_client.post(reverse("workshops:create"), {"team": board.pk, **new})
    facilitator_client.post(reverse("workshops:create"), {"team": team_a.pk, "model": "", **new})
    made = Workshop.objects.order_by("-pk")[:2]
    assert [w.model for w in made] == [rubric, board_model]  # team A has held none: the default
    # A model chosen on purpose is kept.
    facilitator_client.post(
        reverse("workshops:create"), {"team": board.pk, "model": rubric.pk, **new}
    )
    assert Workshop.objects.order_by("-pk").first().model == rubric


def test_the_create_form_names_the_chosen_group_model_and_writes_dates_the_nhs_way(
    facilitator_client, facilitator, rubric
):
    board, board_model = board_with_a_past_workshop(facilitator)
    page = text(facilitator_client.get(reverse("workshops:create"), {"team": board.pk}))
    label = escape(f"The one Trust Board used last: {board_model.name}")
    assert re.search(rf'value="" checked>\s*<label[^>]*>{label}<', page)
    assert "For example, 23 November 2026." in page
    today = timezone.localdate()
    assert f'value="{today.day} {today:%B %Y}"' in page


def test_member_cannot_create_a_workshop(member_a_client, rubric):
    assert member_a_client.get(reverse("workshops:create")).status_code == 403
    assert member_a_client.get(reverse("workshops:list")).status_code == 403


def test_create_rejects_wrong_method(facilitator_client):
    assert facilitator_client.put(reverse("workshops:create")).status_code == 405


def test_list_shows_only_my_workshops_in_progress_first(
    facilitator_client, facilitator, rubric, team_a, team_b
):
    closed = make_workshop(team_a, facilitator, rubric, title="Old one")
    closed.set_status("closed")
    make_workshop(team_b, facilitator, rubric, title="Live one")
    other = make_user("olly", groups=[FACILITATORS])
    make_workshop(team_a, other, rubric, title="Someone else's")
    body = text(facilitator_client.get(reverse("workshops:list")))
    assert body.index("Live one") < body.index("Old one")
    assert "Someone else" not in body


def test_anonymous_is_sent_to_sign_in(client, workshop):
    response = client.get(url("present", workshop))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# The shared screen


def test_presenter_shows_join_code_link_and_qr(facilitator_client, workshop):
    body = text(facilitator_client.get(url("present", workshop)))
    assert workshop.join_code in body
    assert f"/workshops/join/{workshop.join_code}/" in body
    assert "<svg" in body and "scores are for conversation" in body.lower()
    # It scales to the size the screen gives it, whole, rather than being cut off.
    assert '<svg viewBox="0 0 ' in body


def test_the_join_qr_code_is_drawn_once_per_link(
    facilitator_client, workshop, team_a, facilitator, monkeypatch
):
    """Drawing a QR code is about 10 ms of Python; every full screen of a
    workshop shows the same one. Another workshop's link gets its own."""
    import segno

    from workshops import views

    drawn, real_make = [], segno.make

    def make(content, **kwargs):
        drawn.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(views.segno, "make", make)
    getattr(views._qr, "cache_clear", lambda: None)()  # what other tests drew
    first = text(facilitator_client.get(url("present", workshop)))
    again = text(facilitator_client.get(url("present", workshop)))
    other = make_workshop(team_a, facilitator, workshop.model)
    elsewhere = text(facilitator_client.get(url("present", other)))
    assert len(drawn) == 2 and workshop.join_code in drawn[0] and other.join_code in drawn[1]
    qr = re.search(r'<svg[^>]*class="app-qr".*?</svg>', first, re.S).group(0)
    assert qr in again and qr not in elsewhere


def test_presenter_shows_area_descriptors_and_prompts(facilitator_client, workshop):
    workshop.go_to(2)
    area = workshop.area_for_step(2)
    body = text(facilitator_client.get(url("present", workshop)))
    assert "Area 2 of 5" in body
    for level in area["levels"]:
        assert escape(level["descriptor"]) in body
    assert escape(area["prompts"][0]) in body


def test_opening_screen_shows_the_previous_workshop_and_the_open_experiment(
    facilitator_client, facilitator, rubric, team_a
):
    earlier = make_workshop(team_a, facilitator, rubric)
    earlier.record(area_id(earlier, 1), score=2, helps="", holds_back="", revision=0)
    earlier.choose(area_id(earlier, 1))
    Experiment.objects.create(
        team=team_a,
        workshop=earlier,
        area_id=area_id(earlier, 1),
        change="pairing daily",
        outcome="shared knowledge",
        signal="fewer hand-offs",
        review_date=timezone.localdate(),
        status="running",
    )
    earlier.set_status("closed")
    workshop = make_workshop(team_a, facilitator, rubric)
    body = text(facilitator_client.get(url("present", workshop)))
    assert "Last time" in body and "Chosen" in body
    assert "2: " in body
    assert "Review the current experiment first" in body
    assert "pairing daily" in body


def test_opening_screen_tells_the_previous_experiment_from_the_open_one(
    facilitator_client, facilitator, rubric, team_a
):
    """The last workshop's experiment, finished; another one running since;
    and one already agreed in this workshop, which is not 'still open'."""
    earlier = make_workshop(team_a, facilitator, rubric)

    def experiment(change, **values):
        return Experiment.objects.create(
            team=team_a, area_id=area_id(earlier, 1), change=change, outcome="o",
            signal="s", review_date=timezone.localdate(), **values,
        )  # fmt: skip

    experiment("pairing daily", workshop=earlier, status="finished", result="supported",
               learning="Pairing spread the knowledge")  # fmt: skip
    earlier.set_status("closed")
    experiment("a weekly demo", status="running")
    workshop = make_workshop(team_a, facilitator, rubric)
    experiment("a planned one from today", workshop=workshop)
    body = text(facilitator_client.get(url("present", workshop)))
    last_time = body.partition("Last time")[2]
    assert "Its experiment</strong> (finished: hypothesis supported)" in last_time
    assert "pairing daily" in last_time and "Pairing spread the knowledge" in last_time
    still_open = body.partition("Review the current experiment first")[2].partition("Last time")[0]
    assert "still running" in still_open and "a weekly demo" in still_open
    assert "a planned one from today" not in body


def test_poll_answers_204_when_nothing_changed(facilitator_client, workshop):
    response = facilitator_client.get(
        url("present", workshop), {"v": workshop.version, "s": workshop.step}, **HTMX
    )
    assert response.status_code == 204


def test_poll_sends_the_live_region_when_something_changed(facilitator_client, workshop):
    workshop.go_to(1)
    response = facilitator_client.get(url("present", workshop), {"v": 0, "s": 1}, **HTMX)
    assert response.status_code == 200
    assert 'id="live"' in text(response) and "<html" not in text(response)


def test_poll_refreshes_the_page_when_another_tab_moved_the_step(facilitator_client, workshop):
    workshop.go_to(3)
    response = facilitator_client.get(url("present", workshop), {"v": 0, "s": 1}, **HTMX)
    assert response.headers["HX-Refresh"] == "true"


def test_go_to_names_its_step_so_repeating_it_changes_nothing(facilitator_client, workshop):
    for _ in range(2):
        response = facilitator_client.post(url("go_to", workshop), {"step": 3})
        assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.step == 3


@pytest.mark.parametrize("step", ["", "abc", "99", "-1"])
def test_go_to_a_bad_step_explains_and_stays(facilitator_client, workshop, step):
    response = facilitator_client.post(url("go_to", workshop), {"step": step}, follow=True)
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert workshop.step == 0
    assert "step" in text(response).lower()


@pytest.mark.parametrize(
    "name", ["go_to", "status", "timer", "reveal", "record", "choose", "experiment"]
)
def test_state_changes_reject_get(facilitator_client, workshop, name):
    assert facilitator_client.get(url(name, workshop)).status_code == 405


def test_reveal_over_htmx_shows_the_spread_without_names(facilitator_client, workshop):
    from django.test import Client

    from tests.workshops.conftest import join

    workshop.go_to(1)
    for name, level in [("Sam", 1), ("Kit", 3), ("Jo", 3)]:
        phone = Client()
        join(phone, workshop, name)
        phone.post(
            reverse("workshops:vote", args=[workshop.join_code]),
            {"area": area_id(workshop, 1), "level": level},
        )
    response = facilitator_client.post(
        url("reveal", workshop), {"area": area_id(workshop, 1)}, **HTMX
    )
    body = text(response)
    assert "Lowest <strong>1</strong>" in body and "highest <strong>3</strong>" in body
    assert "2 votes" in body and "Wide spread: talk about it." in body
    # The names, never; a CSRF token's random letters may spell one.
    words = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    for name in ("Sam", "Kit", "Jo"):
        assert name not in words


def test_reveal_of_an_unknown_area_is_explained(facilitator_client, workshop):
    workshop.go_to(1)
    response = facilitator_client.post(url("reveal", workshop), {"area": "nope"}, **HTMX)
    assert response.status_code == 200
    assert "not part of this workshop" in text(response)


def test_record_saves_score_and_notes(facilitator_client, workshop):
    workshop.go_to(1)
    data = {
        "area": area_id(workshop, 1),
        "revision": 0,
        "score": 4,
        "helps": "a",
        "holds_back": "b",
    }
    response = facilitator_client.post(url("record", workshop), data)
    assert response.status_code == 302
    score = AreaScore.objects.get()
    assert (score.score, score.helps, score.holds_back) == (4, "a", "b")


def test_autosave_answers_with_the_new_revision_only(facilitator_client, workshop):
    workshop.go_to(1)
    data = {"area": area_id(workshop, 1), "revision": 0, "score": "", "helps": "typing"}
    response = facilitator_client.post(url("record", workshop), data, **HTMX)
    body = text(response)
    assert "Saved at" in body and 'value="1"' in body and "hx-swap-oob" in body
    assert "<textarea" not in body


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"score": "7"}, "Choose a score from 1 to 5."),
        ({"score": "0"}, "Choose a score from 1 to 5."),
        ({"helps": "x" * 2001}, "Keep these notes to 2000 characters or fewer."),
    ],
)
def test_record_bad_input_keeps_the_text_and_explains(facilitator_client, workshop, bad, message):
    workshop.go_to(1)
    data = {"area": area_id(workshop, 1), "revision": 0, "helps": "keep me", "holds_back": "me too"}
    data.update(bad)
    for extra in ({}, HTMX):
        response = facilitator_client.post(url("record", workshop), data, **extra)
        assert response.status_code == 200
        body = text(response)
        assert message in body
        assert "me too" in body
    assert not AreaScore.objects.filter(notes_revision__gt=0).exists()


def test_stale_notes_show_the_newer_text_and_hand_back_the_typed_text(facilitator_client, workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    workshop.record(area, score=3, helps="newer from the other tab", holds_back="", revision=0)
    data = {"area": area, "revision": 0, "helps": "older text", "holds_back": ""}
    response = facilitator_client.post(url("record", workshop), data, **HTMX)
    body = text(response)
    assert response.headers["HX-Retarget"] == "#record"
    assert "newer from the other tab" in body and "older text" in body
    assert AreaScore.objects.get().helps == "newer from the other tab"


def test_facilitator_records_scores_alone_without_participants(facilitator_client, workshop):
    for step in range(1, 6):
        facilitator_client.post(url("go_to", workshop), {"step": step})
        facilitator_client.post(
            url("record", workshop),
            {"area": area_id(workshop, step), "revision": 0, "score": step},
        )
    assert sorted(AreaScore.objects.values_list("score", flat=True)) == [1, 2, 3, 4, 5]


def test_timer_controls(facilitator_client, workshop):
    workshop.go_to(1)
    response = facilitator_client.post(url("timer", workshop), {"action": "start"}, **HTMX)
    assert "running" in text(response)
    response = facilitator_client.post(
        url("timer", workshop), {"action": "reset", "minutes": "99"}, **HTMX
    )
    assert "between 1 and 60 minutes" in text(response)
    response = facilitator_client.post(url("timer", workshop), {"action": "explode"})
    assert response.status_code == 302


def agree(workshop, step: int, score: int = 3) -> None:
    workshop.record(area_id(workshop, step), score=score, helps="", holds_back="", revision=0)


def clock(page: str) -> dict[str, str]:
    """The room clock's attributes and the time left it shows as text."""
    found = re.search(r'<div id="timer"([^>]*)>.*?data-timer-display>([^<]*)<', page, re.S)
    assert found, "no room clock on the page"
    attributes = dict(re.findall(r'(data-[\w-]+)="([^"]*)"', found[1]))
    return {**attributes, "text": found[2]}


def test_every_screen_shows_the_same_clock_as_text(
    facilitator_client, member_a, participant_client, workshop
):
    """The facilitator's screen, a team member's look at it, presenter mode
    and a phone carry one deadline, and the time left as text for a screen
    without JavaScript."""
    workshop.go_to(1)
    facilitator_client.post(url("timer", workshop), {"action": "start"})
    workshop.refresh_from_db()
    workshop.timer_started_at -= timedelta(seconds=90, milliseconds=250)
    workshop.save(update_fields=["timer_started_at"])
    deadline = round(workshop.timer_deadline.timestamp() * 1000)
    pages = {
        "facilitator": facilitator_client.get(url("present", workshop)),
        "member": client_for(Client(), member_a).get(url("present", workshop)),
        "presenter": facilitator_client.get(url("screen", workshop)),
        "phone": participant_client.get(reverse("workshops:live", args=[workshop.join_code])),
    }
    before = round(timezone.now().timestamp() * 1000)
    for who, response in pages.items():
        shown = clock(text(response))
        assert shown["data-deadline"] == str(deadline), who
        assert shown["data-running"] == "true", who
        assert shown["text"] == "8:30", who
        assert shown["data-timer-state"] == workshop.timer_token, who
        # The server's clock as it drew the page: a phone's wrong clock is set right by it.
        assert before - 5000 < int(shown["data-now"]) <= before, who
        assert 'aria-live="polite" data-timer-announce' in text(response), who
    assert "Pause timer" in text(pages["facilitator"])
    for who in ("member", "presenter", "phone"):
        assert "Pause timer" not in text(pages[who]) and "Sound at zero" not in text(pages[who])

    facilitator_client.post(url("timer", workshop), {"action": "pause"})
    page = text(participant_client.get(reverse("workshops:live", args=[workshop.join_code])))
    assert clock(page)["data-running"] == "false" and clock(page)["data-deadline"] == ""
    assert clock(page)["text"] == "8:30" and ">paused<" in page


def test_the_sound_at_zero_is_offered_off_and_only_with_javascript(facilitator_client, workshop):
    workshop.go_to(1)
    page = text(facilitator_client.get(url("present", workshop)))
    toggle = re.search(r'<div class="[^"]*app-timer__sound"[^>]*>', page)[0]
    assert "hidden" in toggle
    assert re.search(r'<input[^>]*id="timer-sound-\d+" type="checkbox">', page)  # not checked


def test_the_timers_htmx_answer_is_the_clock_alone(facilitator_client, workshop):
    """Swapped in place of the clock: the announcements' region stays put."""
    workshop.go_to(1)
    response = facilitator_client.post(url("timer", workshop), {"action": "start"}, **HTMX)
    page = text(response)
    assert page.strip().startswith('<div id="timer"') and "data-timer-announce" not in page
    workshop.refresh_from_db()
    assert clock(page)["data-deadline"] == str(round(workshop.timer_deadline.timestamp() * 1000))


def test_choose_moves_to_the_experiment(facilitator_client, workshop):
    agree(workshop, 2)
    workshop.go_to(workshop.choose_step)
    response = facilitator_client.post(url("choose", workshop), {"area": area_id(workshop, 2)})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.chosen_area_id == area_id(workshop, 2)
    assert workshop.step == workshop.experiment_step


def test_choose_without_an_area_explains(facilitator_client, workshop):
    workshop.go_to(workshop.choose_step)
    response = facilitator_client.post(url("choose", workshop), {"area": "12345"})
    assert response.status_code == 200
    assert "Choose one of the 5 areas." in text(response)


def test_an_area_nobody_scored_is_refused_with_a_way_back_to_score_it(facilitator_client, workshop):
    agree(workshop, 1)
    workshop.go_to(workshop.choose_step)
    third = workshop.areas[2]
    response = facilitator_client.post(url("choose", workshop), {"area": third["id"]})
    assert response.status_code == 200
    page = text(response)
    # The reason next to the field (and in the summary), the choice kept.
    assert re.search(
        r'id="id_area-error">.*?' + re.escape(f"{third['name']} has no agreed level yet"),
        page,
        re.S,
    )
    assert f'value="{third["id"]}" checked' in page
    assert f"{third['name']} (not scored)" in page
    way_back = page.split('name="step" value="3"', 1)
    assert len(way_back) == 2 and f"Go back to {third['name']} to agree its level" in way_back[1]
    workshop.refresh_from_db()
    assert workshop.chosen_area_id is None and workshop.step == workshop.choose_step
    response = facilitator_client.post(url("go_to", workshop), {"step": "3"})
    workshop.refresh_from_db()
    assert workshop.step == 3


def _ready_for_experiment(workshop):
    agree(workshop, 2)
    workshop.choose(area_id(workshop, 2))
    workshop.go_to(workshop.experiment_step)


def experiment_data(**overrides):
    data = {
        "change": "showing our work every fortnight",
        "outcome": "decisions grounded in what users need",
        "signal": "fewer changes after release",
        "first_actions": "Book the first show and tell",
        "owner": "",
        "owner_name": "Priya",
        "review_date": (timezone.localdate() + timedelta(weeks=4)).isoformat(),
    }
    data.update(overrides)
    return data


def test_experiment_is_saved_as_planned(facilitator_client, facilitator, workshop, member_a):
    _ready_for_experiment(workshop)
    response = facilitator_client.post(
        url("experiment", workshop), experiment_data(owner=member_a.pk, owner_name="")
    )
    assert response.status_code == 302
    experiment = Experiment.objects.get()
    assert experiment.status == "planned" and experiment.workshop == workshop
    assert experiment.area_id == area_id(workshop, 2) and experiment.owner == member_a
    assert experiment.created_by == facilitator
    # Saving again (a retry) updates the same experiment.
    facilitator_client.post(url("experiment", workshop), experiment_data(change="again"))
    assert Experiment.objects.get().change == "again"


def test_the_room_sees_the_experiment_it_agreed_on_the_last_screen(facilitator_client, workshop):
    _ready_for_experiment(workshop)
    facilitator_client.post(url("experiment", workshop), experiment_data())
    workshop.refresh_from_db()
    assert workshop.step == workshop.summary_step
    for screen in ("present", "screen"):
        body = text(facilitator_client.get(url(screen, workshop)))
        assert "We believe that <strong>showing our work every fortnight</strong>" in body
        assert "Priya" in body


def test_experiment_form_defaults_the_review_date_weeks_ahead(facilitator_client, workshop):
    _ready_for_experiment(workshop)
    body = text(facilitator_client.get(url("present", workshop)))
    review = timezone.localdate() + timedelta(weeks=4)
    assert f'value="{review.day} {review:%B %Y}"' in body


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"change": ""}, "Enter the change you will make."),
        ({"outcome": "  "}, "Enter the outcome you expect."),
        ({"signal": "x" * 501}, "Keep the signal you will look for to 500 characters or fewer."),
        ({"review_date": "2020-01-01"}, "The review date must be in the future."),
        ({"review_date": "next week"}, "Enter a real date"),
        ({"owner_name": ""}, "Choose an owner from the team or enter a name."),
    ],
)
def test_experiment_bad_input_explains_and_keeps_the_rest(
    facilitator_client, workshop, overrides, message
):
    _ready_for_experiment(workshop)
    response = facilitator_client.post(url("experiment", workshop), experiment_data(**overrides))
    assert response.status_code == 200
    body = text(response)
    assert message in body
    assert "Book the first show and tell" in body
    assert not Experiment.objects.exists()


def test_experiment_needs_a_chosen_area(facilitator_client, workshop):
    workshop.go_to(workshop.experiment_step)
    response = facilitator_client.post(url("experiment", workshop), experiment_data())
    assert "Choose the area to work on before writing the experiment." in text(response)
    assert not Experiment.objects.exists()


def test_pause_and_resume_return_to_the_same_step(facilitator_client, workshop):
    workshop.go_to(3)
    facilitator_client.post(url("status", workshop), {"status": "paused"})
    workshop.refresh_from_db()
    assert workshop.status == "paused"
    assert "The workshop is paused" in text(facilitator_client.get(url("present", workshop)))
    facilitator_client.post(url("status", workshop), {"status": "active"})
    workshop.refresh_from_db()
    assert (workshop.status, workshop.step) == ("active", 3)


def test_closing_ends_the_join_code_and_shows_the_summary(facilitator_client, workshop, client):
    response = facilitator_client.post(url("status", workshop), {"status": "closed"})
    assert response.url == url("summary", workshop)
    from django.test import Client

    phone = Client()
    response = phone.post(reverse("workshops:join"), {"code": workshop.join_code})
    assert "That workshop has finished" in text(response)


def test_unknown_status_is_explained(facilitator_client, workshop):
    response = facilitator_client.post(url("status", workshop), {"status": "exploded"}, follow=True)
    assert "Unknown workshop state." in text(response)


def test_summary_shows_scores_with_the_rubric_text_notes_and_experiment(
    facilitator_client, workshop, rubric
):
    area = workshop.area_for_step(1)
    workshop.record(area["id"], score=3, helps="pairing", holds_back="hand-offs", revision=0)
    _ready_for_experiment(workshop)
    facilitator_client.post(url("experiment", workshop), experiment_data())
    # The rubric changes after the workshop; the summary keeps the old text.
    level = rubric.areas.get(pk=area["id"]).levels.get(number=3)
    old_descriptor = level.descriptor
    level.descriptor = "Rewritten later"
    level.save()
    body = text(facilitator_client.get(url("summary", workshop)))
    assert escape(old_descriptor) in body and "Rewritten later" not in body
    assert "pairing" in body and "hand-offs" in body
    assert "showing our work every fortnight" in body and "Priya" in body


def test_team_member_reads_the_workshop_and_summary_but_cannot_change_it(member_a_client, workshop):
    assert member_a_client.get(url("present", workshop)).status_code == 200
    assert member_a_client.get(url("summary", workshop)).status_code == 200
    body = text(member_a_client.get(url("present", workshop)))
    assert "Go to step" not in body
    assert member_a_client.post(url("go_to", workshop), {"step": 1}).status_code == 403


def test_admin_can_run_any_workshop(admin_client_, workshop):
    assert admin_client_.post(url("go_to", workshop), {"step": 1}).status_code == 302


def test_another_facilitator_cannot_see_the_workshop(client, workshop):
    client_for(client, make_user("olly", groups=[FACILITATORS]))
    assert client.get(url("present", workshop)).status_code == 404


def test_record_for_an_unknown_area_is_explained(facilitator_client, workshop):
    response = facilitator_client.post(url("record", workshop), {"area": "x"}, follow=True)
    assert "That area is not part of this workshop." in text(response)
    response = facilitator_client.post(url("record", workshop), {"area": "x"}, **HTMX)
    assert "That area is not part of this workshop." in text(response)


@pytest.mark.parametrize("name", ["present", "summary"])
def test_read_pages_reject_post(facilitator_client, workshop, name):
    assert facilitator_client.post(url(name, workshop)).status_code == 405


def test_list_rejects_post(facilitator_client):
    assert facilitator_client.post(reverse("workshops:list")).status_code == 405


def test_list_says_where_each_workshop_is(
    facilitator_client, facilitator, workshop, rubric, team_b, django_assert_max_num_queries
):
    workshop.go_to(2)
    for _ in range(10):
        other = make_workshop(team_b, facilitator, rubric)
        agree(other, 1)
        other.choose(area_id(workshop, 1))
    # The session, the user, the roles and one query for every workshop.
    with django_assert_max_num_queries(4):
        body = text(facilitator_client.get(reverse("workshops:list")))
    assert "In progress</strong> at Focus" in body
