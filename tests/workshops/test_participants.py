"""Participants: joining with a code (no account), voting from a phone."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.workshops.conftest import area_id, join
from workshops.models import FailedJoin, Participant, Vote

HTMX = {"HTTP_HX_REQUEST": "true"}


def live_url(workshop):
    return reverse("workshops:live", args=[workshop.join_code])


def vote_url(workshop):
    return reverse("workshops:vote", args=[workshop.join_code])


def text(response) -> str:
    return response.content.decode()


def test_join_with_the_code_needs_no_account(client, workshop):
    response = client.post(
        reverse("workshops:join"),
        {"code": f" {workshop.join_code.lower()} ", "display_name": "Sam"},
    )
    assert response.url == live_url(workshop)
    participant = Participant.objects.get()
    assert participant.display_name == "Sam" and participant.user is None
    assert "You have joined" in text(client.get(live_url(workshop)))


def test_join_link_fills_in_the_code(client, workshop):
    body = text(client.get(reverse("workshops:join_code", args=[workshop.join_code])))
    assert f'value="{workshop.join_code}"' in body


def test_joining_twice_from_one_device_is_one_participant(client, workshop):
    join(client, workshop)
    join(client, workshop, "Sam")
    assert Participant.objects.count() == 1
    assert Participant.objects.get().display_name == "Sam"


def test_signed_in_facilitator_can_join_and_vote_too(facilitator_client, facilitator, workshop):
    participant = join(facilitator_client, workshop)
    assert participant.user == facilitator


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Enter the code from the shared screen."),
        ("QQQQQQ", "There is no live workshop with that code."),
        ("O0I1", "There is no live workshop with that code."),
        ("X" * 50, "Workshop codes are 6 letters and numbers."),
    ],
)
def test_bad_codes_are_explained_and_the_name_kept(client, workshop, code, message):
    response = client.post(reverse("workshops:join"), {"code": code, "display_name": "Sam"})
    assert response.status_code == 200
    assert message in text(response) and 'value="Sam"' in text(response)
    assert not Participant.objects.exists()


def test_failed_join_attempts_are_rate_limited_per_client(client, workshop):
    for _ in range(FailedJoin.LIMIT):
        client.post(reverse("workshops:join"), {"code": "QQQQQQ"})
    # Even the right code is refused while the client is blocked.
    response = client.post(reverse("workshops:join"), {"code": workshop.join_code})
    assert response.status_code == 429
    assert "Too many codes that did not work" in text(response)
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(reverse("workshops:join"), {"code": workshop.join_code}).status_code == 302


def test_join_rejects_wrong_method(client):
    assert client.delete(reverse("workshops:join")).status_code == 405


def test_participant_sees_the_current_area_and_votes(participant_client, workshop):
    workshop.go_to(1)
    body = text(participant_client.get(live_url(workshop)))
    assert workshop.area_for_step(1)["name"] in body and "Where is the team today?" in body
    response = participant_client.post(
        vote_url(workshop), {"area": area_id(workshop, 1), "level": 4}, **HTMX
    )
    # The answer is what changed of the phone's own, not its room drawn
    # again: the phone marks its vote itself (workshop.js).
    answer = response.json()
    assert answer["said"].startswith("Your vote is in: level 4")
    assert answer["mine"] == {"votes": {f"{area_id(workshop, 1)}:1": 4}}
    assert response["HX-Reswap"] == "none"
    assert Vote.objects.get().level == 4
    # Its room, drawn for it, marks its vote and carries what it keeps.
    room = text(participant_client.get(live_url(workshop), {"k": "old"}, **HTMX))
    assert 'aria-pressed="true"' in room and 'id="mine"' in room


def test_participant_changes_the_vote_until_the_reveal(participant_client, workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    participant_client.post(vote_url(workshop), {"area": area, "level": 2})
    participant_client.post(vote_url(workshop), {"area": area, "level": 5})
    assert list(Vote.objects.values_list("level", flat=True)) == [5]
    workshop.reveal(area)
    response = participant_client.post(vote_url(workshop), {"area": area, "level": 1}, **HTMX)
    assert "The votes are revealed on the shared screen" in text(response)
    response = participant_client.post(vote_url(workshop), {"area": area, "level": 1})
    assert response.status_code == 400
    assert "have been revealed" in text(response)
    assert list(Vote.objects.values_list("level", flat=True)) == [5]


@pytest.mark.parametrize("level", ["0", "6", "", "three"])
def test_votes_outside_one_to_five_are_explained(participant_client, workshop, level):
    workshop.go_to(1)
    response = participant_client.post(
        vote_url(workshop), {"area": area_id(workshop, 1), "level": level}, **HTMX
    )
    assert response.status_code == 200
    assert "Choose a level from 1 to 5." in text(response)
    assert not Vote.objects.exists()


def test_vote_for_a_step_that_is_not_current_is_refused(participant_client, workshop):
    workshop.go_to(2)
    response = participant_client.post(
        vote_url(workshop), {"area": area_id(workshop, 1), "level": 3}
    )
    assert response.status_code == 400
    assert "Vote on the area on screen" in text(response)
    assert not Vote.objects.exists()


def test_repeated_vote_post_changes_nothing(participant_client, workshop):
    workshop.go_to(1)
    for _ in range(3):
        participant_client.post(vote_url(workshop), {"area": area_id(workshop, 1), "level": 3})
    assert Vote.objects.count() == 1


def test_participant_poll_is_204_while_only_other_votes_change(participant_client, workshop):
    workshop.go_to(1)
    body = text(participant_client.get(live_url(workshop)))
    key = body.split('"k": "')[1].split('"')[0]
    other = Client()
    join(other, workshop)
    other.post(vote_url(workshop), {"area": area_id(workshop, 1), "level": 2})
    assert participant_client.get(live_url(workshop), {"k": key}, **HTMX).status_code == 204
    workshop.reveal(area_id(workshop, 1))
    response = participant_client.get(live_url(workshop), {"k": key}, **HTMX)
    assert response.status_code == 200 and "revealed" in text(response)


def test_participant_never_sees_other_votes(participant_client, workshop):
    workshop.go_to(1)
    other = Client()
    join(other, workshop, "Kit")
    other.post(vote_url(workshop), {"area": area_id(workshop, 1), "level": 2})
    workshop.reveal(area_id(workshop, 1))
    body = text(participant_client.get(live_url(workshop)))
    assert "Kit" not in body and "Lowest" not in body and "vote" in body


def test_closed_workshop_thanks_the_participant(participant_client, workshop):
    workshop.set_status("closed")
    assert "This workshop has finished" in text(participant_client.get(live_url(workshop)))


def test_vote_rejects_get(participant_client, workshop):
    assert participant_client.get(vote_url(workshop)).status_code == 405


def test_behind_the_proxy_failures_count_per_forwarded_client(client, workshop, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for _ in range(FailedJoin.LIMIT):
        client.post(
            reverse("workshops:join"), {"code": "QQQQQQ"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 9.9.9.9"
        )
    assert FailedJoin.is_blocked("9.9.9.9")
    # Someone else behind the same proxy is not blocked by the guesser.
    response = client.post(
        reverse("workshops:join"), {"code": workshop.join_code}, HTTP_X_FORWARDED_FOR="8.8.8.8"
    )
    assert response.status_code == 302


def test_without_javascript_the_vote_is_confirmed_after_the_redirect(participant_client, workshop):
    workshop.go_to(1)
    response = participant_client.post(
        vote_url(workshop), {"area": area_id(workshop, 1), "level": 2}, follow=True
    )
    assert "Your vote is in: level 2." in text(response)


def test_an_over_long_name_is_explained_and_the_code_kept(client, workshop):
    response = client.post(
        reverse("workshops:join"), {"code": workshop.join_code, "display_name": "x" * 41}
    )
    assert "Keep your name to 40 characters or fewer." in text(response)
    assert f'value="{workshop.join_code}"' in text(response)
    assert not Participant.objects.exists()


def test_live_page_rejects_post(participant_client, workshop):
    assert participant_client.post(live_url(workshop)).status_code == 405


def test_an_unchanged_fallback_poll_answers_204_without_drawing_the_room(
    participant_client, workshop, django_assert_max_num_queries
):
    # Where the stream cannot work the phone polls with the key it shows.
    workshop.go_to(1)
    body = text(participant_client.get(live_url(workshop)))
    key = body.split('data-key="')[1].split('"')[0]
    with django_assert_max_num_queries(2):  # the session and the workshop
        response = participant_client.get(live_url(workshop), {"k": key}, **HTMX)
    assert response.status_code == 204


def test_an_outsiders_poll_cannot_probe_join_codes(client, workshop):
    # Without a place in the room a poll is sent to join (302), never
    # answered 204, so polling cannot tell a real code from a guessed one.
    workshop.go_to(1)
    key = f"{workshop.step}.{workshop.status}.0"
    for code in [workshop.join_code, "NOSUCH"]:
        response = client.get(reverse("workshops:live", args=[code]), {"k": key}, **HTMX)
        assert response.status_code == 302
