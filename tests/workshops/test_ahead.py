"""Scoring ahead: a workshop opened before its session, each person scoring
every area in their own time with the same votes, notes and dots as the
room's; the facilitator sees counts only; the session starts with the votes
in, or the facilitator records the levels alone when the group cannot meet."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone as django_timezone

from privacy.download import held_about
from teams.models import Membership
from tests.conftest import client_for, make_user
from tests.workshops.conftest import area_id, make_workshop
from workshops.models import Dot, FailedJoin, Note, Participant, Vote, Workshop


@pytest.fixture
def ahead(rubric, team_a, facilitator):
    """Team A's workshop, open for scoring ahead for two days."""
    workshop = make_workshop(team_a, facilitator, rubric)
    workshop.open_ahead(django_timezone.now() + timedelta(days=2))
    return workshop


def text(response) -> str:
    return response.content.decode()


def start(client: Client, workshop: Workshop, name: str = "") -> Participant:
    response = client.post(reverse("workshops:ahead", args=[workshop.join_code]), {
        "display_name": name
    })  # fmt: skip
    assert response.status_code == 302, text(response)[:2000]
    token = client.session["workshop_participants"][workshop.join_code]
    return Participant.objects.get(token=token)


def area_url(workshop, number: int) -> str:
    return reverse("workshops:ahead_area", args=[workshop.join_code, number])


def vote(client, workshop, number: int, level: int):
    return client.post(
        area_url(workshop, number),
        {"area": area_id(workshop, number), "level": level},
    )


def score_all(client, workshop, level: int) -> None:
    for number in range(1, workshop.area_count + 1):
        assert vote(client, workshop, number, level).status_code == 302


# Opening it.


def test_create_opens_for_scoring_ahead_until_the_workshops_date_at_nine(
    client, facilitator, rubric, team_a
):
    client_for(client, facilitator)
    day = django_timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("workshops:create"),
        {"team": team_a.pk, "held_on": day.isoformat(), "ahead": "on", "ahead_at": "09:00"},
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("workshops:ahead_setup", args=[workshop.pk])
    assert django_timezone.localtime(workshop.ahead_until) == django_timezone.make_aware(
        datetime.combine(day, time(9))
    )
    assert workshop.ahead_open


def test_create_refuses_a_closing_time_in_the_past_and_keeps_what_was_typed(
    client, facilitator, rubric, team_a
):
    client_for(client, facilitator)
    response = client.post(
        reverse("workshops:create"),
        {
            "team": team_a.pk,
            "title": "Spring",
            "held_on": "1 January 2020",
            "ahead": "on",
            "ahead_at": "9am",
        },
    )
    assert response.status_code == 200
    assert "Scoring ahead must close in the future" in text(response)
    assert 'value="Spring"' in text(response)
    assert not Workshop.objects.exists()


def test_create_without_scoring_ahead_goes_to_the_screen_as_before(
    client, facilitator, rubric, team_a
):
    client_for(client, facilitator)
    response = client.post(
        reverse("workshops:create"), {"team": team_a.pk, "held_on": "4 December 2026"}
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("workshops:present", args=[workshop.pk])
    assert workshop.ahead_until is None


def test_an_open_workshop_can_be_opened_later_and_its_time_moved(client, workshop, facilitator):
    client_for(client, facilitator)
    url = reverse("workshops:ahead_setup", args=[workshop.pk])
    assert "Open for scoring ahead" in text(client.get(url))
    day = (django_timezone.localdate() + timedelta(days=5)).isoformat()
    assert client.post(url, {"ahead_on": day, "ahead_at": "17:30"}).status_code == 302
    workshop.refresh_from_db()
    assert django_timezone.localtime(workshop.ahead_until).time() == time(17, 30)
    response = client.post(url, {"ahead_on": day, "ahead_at": "25:00"})
    assert response.status_code == 200
    assert "Enter a real time" in text(response)


def test_scoring_ahead_cannot_open_once_the_session_has_started(client, workshop, facilitator):
    workshop.go_to(1)
    client_for(client, facilitator)
    url = reverse("workshops:ahead_setup", args=[workshop.pk])
    day = (django_timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(url, {"ahead_on": day, "ahead_at": "09:00"})
    assert "The session has started" in text(response)
    workshop.refresh_from_db()
    assert workshop.ahead_until is None


# The people scoring.


def test_a_person_scores_every_area_changes_their_mind_and_sees_only_their_own(ahead):
    sam, kit = Client(), Client()
    start(sam, ahead, "Sam")
    start(kit, ahead, "Kit")
    score_all(sam, ahead, 2)
    score_all(kit, ahead, 4)
    vote(sam, ahead, 1, 3)  # a change of mind
    assert Vote.objects.filter(workshop=ahead).count() == 2 * ahead.area_count
    page = text(sam.get(reverse("workshops:ahead", args=[ahead.join_code])))
    assert "Your vote: level 3" in page and "Your vote: level 2" in page
    assert "level 4" not in page and "Kit" not in page
    area = text(sam.get(area_url(ahead, 1)))
    assert "Your vote" in area and "Kit" not in area


def test_a_typed_name_is_optional_and_a_signed_in_member_comes_back_from_another_device(
    ahead, member_a
):
    laptop = client_for(Client(), member_a)
    me = start(laptop, ahead)
    assert me.user == member_a and me.ahead
    vote(laptop, ahead, 1, 5)
    phone = client_for(Client(), member_a)
    assert "Your vote: level 5" in text(
        phone.get(reverse("workshops:ahead", args=[ahead.join_code]))
    )


def test_joining_with_the_code_while_open_goes_to_scoring_ahead(ahead):
    client = Client()
    response = client.post("/workshops/join/", {"code": ahead.join_code, "display_name": "Jo"})
    assert response["Location"] == reverse("workshops:ahead", args=[ahead.join_code])
    assert Participant.objects.get().ahead


def test_notes_ahead_have_the_rooms_limits_and_stay_private(ahead):
    sam, kit = Client(), Client()
    start(sam, ahead, "Sam")
    start(kit, ahead, "Kit")
    url = reverse("workshops:ahead_note", args=[ahead.join_code, 1])
    data = {"kind": "helps", "text": "We pair on most stories"}
    assert sam.post(url, data).status_code == 302
    too_long = sam.post(url, {"kind": "helps", "text": "x" * 281})
    assert too_long.status_code == 400 and "280 characters" in text(too_long)
    assert "x" * 281 in text(too_long)  # what was typed stays
    for i in range(4):
        sam.post(url, {"kind": "holds_back", "text": f"Note {i}"})
    sixth = sam.post(url, {"kind": "helps", "text": "One more"})
    assert "most there can be" in text(sixth)
    assert "We pair on most stories" not in text(kit.get(area_url(ahead, 1)))
    note = Note.objects.filter(text="We pair on most stories").get()
    changed = kit.post(url, {"note": note.pk, "kind": "helps", "text": "Mine now"})
    assert "not one of yours" in text(changed)
    assert sam.post(url, {"delete": note.pk}).status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()


def test_dots_ahead_count_with_the_rooms(ahead):
    sam = Client()
    me = start(sam, ahead, "Sam")
    url = reverse("workshops:ahead_dots", args=[ahead.join_code])
    for _ in range(3):
        sam.post(url, {"area": area_id(ahead, 2), "action": "add"})
    fourth = sam.post(url, {"area": area_id(ahead, 1), "action": "add"})
    assert fourth.status_code == 400 and "placed all 3 dots" in text(fourth)
    sam.post(url, {"area": area_id(ahead, 2), "action": "remove"})
    assert Dot.objects.filter(participant=me).count() == 2
    assert ahead.dot_tally()[area_id(ahead, 2)] == 2


def test_after_the_closing_time_nothing_given_ahead_changes(ahead, clock):
    sam = Client()
    start(sam, ahead, "Sam")
    vote(sam, ahead, 1, 2)
    clock.offset = timedelta(days=2, minutes=1)
    refused = vote(sam, ahead, 1, 4)
    assert refused.status_code == 400 and "Scoring ahead has closed" in text(refused)
    assert Vote.objects.get().level == 2
    note = sam.post(
        reverse("workshops:ahead_note", args=[ahead.join_code, 1]),
        {"kind": "helps", "text": "Late"},
    )
    assert "Scoring ahead has closed" in text(note)
    late = Client()
    page = late.post(reverse("workshops:ahead", args=[ahead.join_code]), {"display_name": "Late"})
    assert page.status_code == 200 and "Scoring ahead has closed" in text(page)
    assert Participant.objects.count() == 1


def test_a_made_up_code_is_not_found_and_counts_as_a_failed_join(client, ahead):
    response = client.get(reverse("workshops:ahead", args=["KKKKKK"]))
    assert response.status_code == 404
    assert FailedJoin.objects.get().failures == 1


def test_pages_for_scoring_ahead_need_a_place_first(client, ahead):
    response = client.get(area_url(ahead, 1))
    assert response["Location"] == reverse("workshops:ahead", args=[ahead.join_code])
    assert client.get(reverse("workshops:ahead_note", args=[ahead.join_code, 1])).status_code == 405


def test_an_area_that_is_not_in_the_workshop_is_not_found(ahead):
    sam = Client()
    start(sam, ahead)
    assert sam.get(area_url(ahead, ahead.area_count + 1)).status_code == 404
    wrong = sam.post(area_url(ahead, 1), {"area": area_id(ahead, 2), "level": 3})
    assert wrong.status_code == 400 and not Vote.objects.exists()


# The facilitator.


def test_the_facilitator_sees_counts_per_area_and_never_who(client, ahead, facilitator):
    for name, level in [("Zephyrine", 1), ("Quillon", 5)]:
        person = Client()
        start(person, ahead, name)
        vote(person, ahead, 1, level)
    page = text(
        client_for(client, facilitator).get(reverse("workshops:ahead_setup", args=[ahead.pk]))
    )
    assert '<strong data-testid="ahead-people">2</strong>' in page
    assert page.count('data-testid="ahead-voted">2<') == 1
    assert "Zephyrine" not in page and "Quillon" not in page and "level 5" not in page


def test_only_the_facilitator_and_admins_manage_scoring_ahead(client, ahead, member_a, member_b):
    url = reverse("workshops:ahead_setup", args=[ahead.pk])
    assert client_for(Client(), member_a).get(url).status_code == 403
    assert client_for(Client(), member_b).get(url).status_code == 404
    assert client.get(url).status_code == 302  # sign in
    close = reverse("workshops:close_ahead", args=[ahead.pk])
    assert client_for(Client(), member_a).post(close).status_code == 403
    assert client_for(Client(), member_a).get(close).status_code == 405


def test_the_link_is_emailed_to_each_member_on_their_own(client, ahead, facilitator, member_a):
    Membership.objects.create(team=ahead.team, user=make_user("kim"))
    client_for(client, facilitator)
    client.post(reverse("workshops:email_ahead", args=[ahead.pk]), {"to": "members"})
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@example.nhs.uk", "kim@example.nhs.uk"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert reverse("workshops:ahead", args=[ahead.join_code]) in mail.outbox[0].body


def test_the_reminder_goes_only_to_members_who_have_not_scored(
    client, ahead, facilitator, member_a
):
    Membership.objects.create(team=ahead.team, user=make_user("kim"))
    done = client_for(Client(), member_a)
    start(done, ahead)
    score_all(done, ahead, 3)
    response = client_for(client, facilitator).post(
        reverse("workshops:email_ahead", args=[ahead.pk]), {"to": "reminder"}, follow=True
    )
    assert [m.to for m in mail.outbox] == [["kim@example.nhs.uk"]]
    assert "Kim" not in text(response) and "kim@" not in text(response)
    assert "Reminder sent to 1 member" in text(response)
    assert "alex" not in mail.outbox[0].body.lower()


def test_nothing_is_emailed_once_scoring_ahead_has_closed(client, ahead, facilitator, clock):
    clock.offset = timedelta(days=3)
    client_for(client, facilitator).post(reverse("workshops:email_ahead", args=[ahead.pk]))
    assert not mail.outbox


# The session starts with the votes in.


def test_the_session_starts_with_the_votes_in_and_one_spread(client, ahead, facilitator):
    people = [Client() for _ in range(3)]
    for person in people:
        start(person, ahead)
        score_all(person, ahead, 2)
    note_url = reverse("workshops:ahead_note", args=[ahead.join_code, 1])
    people[0].post(note_url, {"kind": "holds_back", "text": "Sign-off from three boards"})
    client_for(client, facilitator)
    client.post(reverse("workshops:close_ahead", args=[ahead.pk]), {"then": "room"})
    ahead.refresh_from_db()
    assert not ahead.ahead_open and ahead.ahead_closed_at
    # Late for scoring ahead: the phone joins the room.
    assert vote(Client(), ahead, 1, 3).status_code == 302  # sent to take a place
    ahead.go_to(1)
    room = Client()
    room.post("/workshops/join/", {"code": ahead.join_code, "display_name": "Room"})
    room.post(reverse("workshops:vote", args=[ahead.join_code]), {
        "area": area_id(ahead, 1), "level": 4
    })  # fmt: skip
    # Someone who scored ahead changes their vote in the room before the reveal.
    people[1].post(reverse("workshops:vote", args=[ahead.join_code]), {
        "area": area_id(ahead, 1), "level": 5
    })  # fmt: skip
    screen = text(client.get(reverse("workshops:present", args=[ahead.pk])))
    assert '<strong data-testid="voted-count">4</strong>' in screen
    assert "Sign-off from three boards" not in screen
    ahead.reveal(area_id(ahead, 1))
    screen = text(client.get(reverse("workshops:present", args=[ahead.pk])))
    assert "4 votes: <strong>3 ahead</strong>, 1 in the session" in screen
    ahead.show_notes(area_id(ahead, 1))
    assert "Sign-off from three boards" in text(
        client.get(reverse("workshops:present", args=[ahead.pk]))
    )


def test_moving_on_from_the_opening_closes_scoring_ahead(ahead):
    ahead.go_to(1)
    ahead.refresh_from_db()
    assert ahead.ahead_closed_at and not ahead.ahead_open


def test_the_group_that_cannot_meet_ends_with_an_experiment(client, ahead, facilitator):
    """No meeting: the facilitator alone records the levels from the spreads
    and the dots given ahead, chooses one area and writes its experiment."""
    levels = [2, 3, 3]
    for level in levels:
        person = Client()
        start(person, ahead)
        score_all(person, ahead, level)
        person.post(reverse("workshops:ahead_dots", args=[ahead.join_code]), {
            "area": area_id(ahead, 2), "action": "add"
        })  # fmt: skip
    client_for(client, facilitator)
    response = client.post(reverse("workshops:close_ahead", args=[ahead.pk]), {"then": "alone"})
    assert response["Location"] == reverse("workshops:present", args=[ahead.pk])
    ahead.refresh_from_db()
    assert ahead.step == 1
    for step in range(1, ahead.area_count + 1):
        client.post(reverse("workshops:go_to", args=[ahead.pk]), {"step": step})
        client.post(reverse("workshops:reveal", args=[ahead.pk]), {"area": area_id(ahead, step)})
        screen = text(client.get(reverse("workshops:present", args=[ahead.pk])))
        assert "3 votes: <strong>3 ahead</strong>" in screen
        client.post(reverse("workshops:record", args=[ahead.pk]), {
            "area": area_id(ahead, step), "revision": 0, "score": 3, "helps": "", "holds_back": ""
        })  # fmt: skip
    client.post(reverse("workshops:go_to", args=[ahead.pk]), {"step": ahead.choose_step})
    client.post(reverse("workshops:reveal_dots", args=[ahead.pk]))
    screen = text(client.get(reverse("workshops:present", args=[ahead.pk])))
    assert '<span class="app-spread__count">3 dots</span>' in screen
    client.post(reverse("workshops:choose", args=[ahead.pk]), {"area": area_id(ahead, 2)})
    response = client.post(reverse("workshops:experiment", args=[ahead.pk]), {
        "change": "a weekly show and tell",
        "outcome": "fewer surprises",
        "signal": "stakeholders come",
        "owner_name": "Sam",
        "review_date": (django_timezone.localdate() + timedelta(weeks=4)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    ahead.refresh_from_db()
    assert ahead.chosen_area_id == area_id(ahead, 2)
    assert ahead.experiment.change == "a weekly show and tell"


# Kept and forgotten like the room's.


def test_votes_given_ahead_are_in_a_persons_download_and_forgotten_by_retention(ahead, member_a):
    me = client_for(Client(), member_a)
    start(me, ahead)
    vote(me, ahead, 1, 4)
    [joined] = held_about(member_a)["workshops_joined_signed_in"]
    assert joined["scored_ahead"] is True
    assert joined["votes"] == [{"area": "Collaboration", "level": 4, "round": 1}]
    ahead.set_status(Workshop.Status.CLOSED)
    assert ahead.forget_phones()
    assert Vote.objects.get().participant is None
    assert ahead.spreads()[area_id(ahead, 1)].total == 1


def test_the_counts_page_reads_as_much_for_twenty_people_as_for_one(
    client, ahead, facilitator, django_assert_max_num_queries
):
    """Session, user, the workshop, its members, and three for the counts:
    however many take part."""
    url = reverse("workshops:ahead_setup", args=[ahead.pk])
    client_for(client, facilitator)
    for _ in range(20):
        person = Client()
        me = start(person, ahead)
        for area in ahead.areas:
            Vote.objects.create(workshop=ahead, participant=me, area_id=area["id"], level=2)
            Note.objects.create(workshop=ahead, participant=me, area_id=area["id"], kind="helps")
    with django_assert_max_num_queries(7):
        page = text(client.get(url))
    assert '<strong data-testid="ahead-people">20</strong>' in page
    assert page.count('data-testid="ahead-voted">20<') == ahead.area_count
