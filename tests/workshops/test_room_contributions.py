"""Everyone in the room contributes: notes and dots from the phones, voting
again, and the cards on the shared screen. Never a name beside a note."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.workshops.conftest import area_id, join, make_workshop
from workshops.models import (
    DOTS_PER_PARTICIPANT,
    NOTE_MAX,
    NOTES_PER_AREA,
    AreaScore,
    Dot,
    Note,
    Participant,
    Vote,
    Workshop,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def note_url(workshop):
    return reverse("workshops:note", args=[workshop.join_code])


def dot_url(workshop):
    return reverse("workshops:dot", args=[workshop.join_code])


def live_url(workshop):
    return reverse("workshops:live", args=[workshop.join_code])


def phone_key(workshop) -> str:
    return Workshop.objects.room_key(workshop.pk)


@pytest.fixture
def person(workshop):
    return Participant.objects.create(workshop=workshop, display_name="Secret Name")


# Notes: the domain.


def test_a_note_is_added_to_the_area_on_screen_only(workshop, person):
    workshop.go_to(1)
    note = workshop.add_note(person, area_id(workshop, 1), "helps", "  Pairing\x00 daily \x1b ")
    assert note.text == "Pairing daily"
    with pytest.raises(ValidationError, match="not open"):
        workshop.add_note(person, area_id(workshop, 2), "helps", "elsewhere")


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("helps", "", "Write your note"),
        ("helps", "\x00\x07 ", "Write your note"),
        ("helps", "x" * (NOTE_MAX + 1), f"{NOTE_MAX} characters"),
        ("sideways", "ok", "what helps us or what holds us back"),
    ],
)
def test_a_bad_note_is_explained(workshop, person, kind, value, message):
    workshop.go_to(1)
    with pytest.raises(ValidationError, match=message):
        workshop.add_note(person, area_id(workshop, 1), kind, value)
    assert not Note.objects.exists()


def test_a_participant_has_at_most_the_limit_of_notes_per_area(workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    for n in range(NOTES_PER_AREA):
        workshop.add_note(person, area, "helps", f"note {n}")
    with pytest.raises(ValidationError, match=f"{NOTES_PER_AREA} notes"):
        workshop.add_note(person, area, "holds_back", "one too many")
    # Someone else still can.
    other = Participant.objects.create(workshop=workshop)
    workshop.add_note(other, area, "holds_back", "mine")
    assert Note.objects.count() == NOTES_PER_AREA + 1


def test_only_the_author_changes_or_deletes_a_note_and_only_until_shown(workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    note = workshop.add_note(person, area, "helps", "first")
    other = Participant.objects.create(workshop=workshop)
    with pytest.raises(ValidationError, match="not one of yours"):
        workshop.change_note(other, note.pk, "helps", "hijacked")
    with pytest.raises(ValidationError, match="not one of yours"):
        workshop.delete_note(other, note.pk)
    workshop.change_note(person, note.pk, "holds_back", "second")
    note.refresh_from_db()
    assert (note.kind, note.text) == ("holds_back", "second")
    workshop.show_notes(area)
    with pytest.raises(ValidationError, match="on the shared screen"):
        workshop.change_note(person, note.pk, "helps", "too late")
    with pytest.raises(ValidationError, match="on the shared screen"):
        workshop.delete_note(person, note.pk)
    with pytest.raises(ValidationError, match="on the shared screen"):
        workshop.add_note(person, area, "helps", "too late")
    assert Note.objects.get().text == "second"


def test_a_note_outlives_its_participant(workshop, person):
    workshop.go_to(1)
    workshop.add_note(person, area_id(workshop, 1), "helps", "kept")
    person.delete()
    assert Note.objects.get().text == "kept"


def test_showing_notes_changes_the_phones_key_but_other_peoples_notes_do_not(workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    before = phone_key(workshop)
    workshop.add_note(person, area, "helps", "a note")
    workshop.vote(person, area, 3)
    assert phone_key(workshop) == before
    version = Workshop.objects.get(pk=workshop.pk).version
    assert workshop.show_notes(area)
    assert not workshop.show_notes(area)  # a double click changes nothing
    assert Workshop.objects.get(pk=workshop.pk).version == version + 1
    assert phone_key(workshop) != before


def test_hiding_a_card_keeps_it(workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    note = workshop.add_note(person, area, "helps", "awkward")
    with pytest.raises(ValidationError, match="not on the screen"):
        workshop.hide_note(note.pk)  # not shown yet
    workshop.show_notes(area)
    assert workshop.hide_note(note.pk)
    assert not workshop.hide_note(note.pk)
    assert Note.objects.get(pk=note.pk).hidden
    assert workshop.hide_note(note.pk, hidden=False)
    assert not Note.objects.get(pk=note.pk).hidden


def test_adding_a_card_to_the_record_appends_and_moves_the_revision_on(workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    workshop.record(area, score=3, helps="Typed by the facilitator", holds_back="", revision=0)
    helps = workshop.add_note(person, area, "helps", "Pairing")
    holds = workshop.add_note(person, area, "holds_back", "Approvals")
    workshop.show_notes(area)
    version = Workshop.objects.get(pk=workshop.pk).version
    assert workshop.add_note_to_record(helps.pk)
    # The screens redraw: the card now says it is in the agreed notes.
    assert Workshop.objects.get(pk=workshop.pk).version == version + 1
    assert not workshop.add_note_to_record(helps.pk)  # once only
    assert workshop.add_note_to_record(holds.pk)
    score = AreaScore.objects.get(workshop=workshop, area_id=area)
    assert score.helps == "Typed by the facilitator\nPairing"
    assert score.holds_back == "Approvals"
    assert score.score == 3
    assert score.notes_revision == 3
    # A form still open at revision 1 cannot overwrite the cards' text.
    assert not workshop.record(area, score=3, helps="stale", holds_back="", revision=1)
    assert Note.objects.get(pk=helps.pk).added_at is not None


def test_a_card_cannot_come_from_another_workshop(workshop, person, team_a, facilitator, rubric):
    other = make_workshop(team_a, facilitator, rubric)
    other.go_to(1)
    stranger = Participant.objects.create(workshop=other)
    note = other.add_note(stranger, area_id(other, 1), "helps", "theirs")
    other.show_notes(area_id(other, 1))
    with pytest.raises(ValidationError):
        workshop.hide_note(note.pk)
    with pytest.raises(ValidationError):
        workshop.add_note_to_record(note.pk)
    assert not Note.objects.get().hidden


# Voting again.


def test_voting_again_keeps_the_first_round_and_the_spread_shows_the_latest(workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    people = [Participant.objects.create(workshop=workshop) for _ in range(3)]
    for person, level in zip(people, (1, 2, 5), strict=True):
        workshop.vote(person, area, level)
    keys = [phone_key(workshop)]
    with pytest.raises(ValidationError, match="not part"):
        workshop.revote(999999)
    assert not workshop.revote(area)  # not revealed yet: nothing to open again
    workshop.reveal(area)
    keys.append(phone_key(workshop))
    assert workshop.revote(area)
    assert not workshop.revote(area)
    keys.append(phone_key(workshop))
    assert workshop.room(2)["voted"] == 0
    workshop.vote(people[0], area, 3)
    workshop.vote(people[1], area, 3)
    assert workshop.room(2)["voted"] == 2
    workshop.reveal(area)
    keys.append(phone_key(workshop))
    assert len(set(keys)) == 4  # every change reaches the phones, none repeats
    assert Vote.objects.filter(round=1).count() == 3
    assert Vote.objects.filter(round=2).count() == 2
    spread = workshop.spreads()[area]
    assert (spread.total, spread.lowest, spread.highest) == (2, 3, 3)
    earlier = workshop.spreads_by_round()[area][1]
    assert (earlier.total, earlier.lowest, earlier.highest) == (3, 1, 5)


# Dots.


def test_dots_up_to_the_limit_at_the_choose_step_then_counted(workshop, person):
    first, second = area_id(workshop, 1), area_id(workshop, 2)
    with pytest.raises(ValidationError, match="choose-an-area step"):
        workshop.place_dot(person, first)
    workshop.go_to(workshop.choose_step)
    workshop.place_dot(person, first)
    workshop.place_dot(person, first)  # dots can stack
    workshop.place_dot(person, second)
    with pytest.raises(ValidationError, match=f"all {DOTS_PER_PARTICIPANT} dots"):
        workshop.place_dot(person, second)
    assert workshop.remove_dot(person, first)
    workshop.place_dot(person, second)
    assert not workshop.remove_dot(person, area_id(workshop, 3))
    tally = workshop.dot_tally()
    assert (tally[first], tally[second], sum(tally.values())) == (1, 2, 3)
    before = phone_key(workshop)
    assert workshop.reveal_dots()
    assert not workshop.reveal_dots()
    assert phone_key(workshop) != before
    with pytest.raises(ValidationError, match="counted"):
        workshop.remove_dot(person, first)
    assert Dot.objects.count() == 3


def test_a_dot_on_an_area_of_another_model_is_refused(workshop, person, team_a, facilitator):
    from maturity.models import MaturityModel

    other_model = MaturityModel.objects.exclude(pk=workshop.model_id).first()
    workshop.go_to(workshop.choose_step)
    with pytest.raises(ValidationError, match="Choose one of"):
        workshop.place_dot(person, other_model.areas.first().pk)


# Views: the phone, without JavaScript and with htmx.


def test_a_phone_adds_changes_and_deletes_its_note_without_javascript(participant_client, workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    data = {"area": area, "kind": "holds_back", "text": "Waiting for sign-off"}
    response = participant_client.post(note_url(workshop), data)
    assert response.status_code == 302 and response.url == live_url(workshop)
    note = Note.objects.get()
    page = text(participant_client.get(live_url(workshop)))
    assert "Waiting for sign-off" in page and "Your note is added" in page
    assert f"Add up to {NOTES_PER_AREA} notes" in page and f"{NOTE_MAX} characters" in page
    editing = text(participant_client.get(live_url(workshop), {"edit": note.pk}))
    assert f'name="note" value="{note.pk}"' in editing and "Save the change" in editing
    participant_client.post(note_url(workshop), {"note": note.pk, "kind": "helps", "text": "ok"})
    assert Note.objects.get().text == "ok"
    participant_client.post(note_url(workshop), {"delete": note.pk})
    assert not Note.objects.exists()


def test_a_refused_note_keeps_its_text_on_the_phone(participant_client, workshop):
    workshop.go_to(1)
    data = {"area": area_id(workshop, 2), "kind": "helps", "text": "for the wrong area"}
    response = participant_client.post(note_url(workshop), data)
    assert response.status_code == 400
    assert "Notes for that area are not open" in text(response)
    assert "for the wrong area" in text(response)
    htmx = participant_client.post(note_url(workshop), data, **HTMX)
    assert htmx.status_code == 200 and "X-Note-Saved" not in htmx
    assert "for the wrong area" in text(htmx)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_note_refused_where_no_form_can_take_it_keeps_its_text(
    participant_client, workshop, htmx
):
    """The most notes already (a second tab), or the notes shown just as
    it was sent: the answer has no note form, so the text stays to copy."""
    workshop.go_to(1)
    area = area_id(workshop, 1)
    participant = Participant.objects.get(workshop=workshop)
    for n in range(NOTES_PER_AREA):
        workshop.add_note(participant, area, "helps", f"note {n}")
    headers = HTMX if htmx else {}
    sixth = {"area": area, "kind": "helps", "text": "A sixth <thought> worth keeping"}
    page = text(participant_client.post(note_url(workshop), sixth, **headers))
    assert f"{NOTES_PER_AREA} notes" in page and '<form id="note-form" hidden' in page
    assert "Your note was not added" in page
    assert "A sixth &lt;thought&gt; worth keeping</textarea>" in page
    workshop.show_notes(area)
    late = {**sixth, "text": "Sent as the notes were shown"}
    page = text(participant_client.post(note_url(workshop), late, **headers))
    assert "on the shared screen" in page and "Sent as the notes were shown</textarea>" in page
    assert Note.objects.filter(text__startswith="Sent as").count() == 0


def test_an_htmx_note_says_it_is_saved(participant_client, workshop):
    workshop.go_to(1)
    data = {"area": area_id(workshop, 1), "kind": "helps", "text": "Pairing"}
    response = participant_client.post(note_url(workshop), data, **HTMX)
    assert response["X-Note-Saved"] == "true"
    # The answer is the phone's notes on the area, not its room drawn again.
    answer = response.json()
    assert [n["text"] for n in answer["mine"]["notes"][str(area_id(workshop, 1))]] == ["Pairing"]
    assert answer["said"].startswith("Your note is added.") and 'id="room"' not in text(response)


def test_a_phone_cannot_touch_another_participants_note(participant_client, workshop):
    workshop.go_to(1)
    other = Participant.objects.create(workshop=workshop)
    theirs = workshop.add_note(other, area_id(workshop, 1), "helps", "theirs")
    participant_client.post(note_url(workshop), {"delete": theirs.pk})
    response = participant_client.post(
        note_url(workshop), {"note": theirs.pk, "kind": "helps", "text": "mine now"}
    )
    assert "not one of yours" in text(response)
    assert Note.objects.get().text == "theirs"
    # Nor see it, nor open it to edit.
    page = text(participant_client.get(live_url(workshop), {"edit": theirs.pk}))
    assert "theirs" not in page


def test_a_phone_places_dots_without_javascript(participant_client, workshop):
    workshop.record(area_id(workshop, 2), score=2, helps="Agreed help", holds_back="", revision=0)
    workshop.go_to(workshop.choose_step)
    page = text(participant_client.get(live_url(workshop)))
    assert "Place up to 3 dots" in page and "Agreed help" in page
    assert page.count("Place a dot") == workshop.area_count
    for _ in range(3):
        participant_client.post(dot_url(workshop), {"area": area_id(workshop, 2), "action": "add"})
    refused = participant_client.post(
        dot_url(workshop), {"area": area_id(workshop, 2), "action": "add"}
    )
    assert refused.status_code == 400 and "You have placed all 3 dots" in text(refused)
    assert Dot.objects.count() == 3
    page = text(participant_client.get(live_url(workshop)))
    assert "<strong data-dots-left>0</strong> of 3 dots left" in page
    assert "Your dots: <strong data-my-dots>3</strong>" in page
    response = participant_client.post(dot_url(workshop), {"area": "999999", "action": "add"})
    assert response.status_code == 400


def test_a_late_joiner_lands_on_the_current_step_and_can_add_notes(workshop):
    workshop.go_to(2)
    phone = Client()
    join(phone, workshop, "Late")
    page = text(phone.get(live_url(workshop)))
    assert workshop.area_for_step(2)["name"] in page and "Add a note on" in page
    data = {"area": area_id(workshop, 2), "kind": "helps", "text": "late thought"}
    assert phone.post(note_url(workshop), data).status_code == 302
    workshop.go_to(workshop.choose_step)
    late = Client()
    join(late, workshop)
    assert (
        late.post(dot_url(workshop), {"area": area_id(workshop, 1), "action": "add"}).status_code
        == 302
    )
    assert Dot.objects.count() == 1


# The shared screen, presenter mode and the summary: cards, never names.


def test_cards_appear_on_the_shared_screen_only_when_shown_and_never_with_a_name(
    facilitator_client, workshop, person
):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    workshop.add_note(person, area, "helps", "Card text here")
    present = reverse("workshops:present", args=[workshop.pk])
    screen = reverse("workshops:screen", args=[workshop.pk])
    page = text(facilitator_client.get(present))
    assert "Card text here" not in page and "Show the notes on" in page
    assert "1</strong> note from 1 person" in page
    facilitator_client.post(reverse("workshops:show_notes", args=[workshop.pk]), {"area": area})
    for path in (present, screen):
        page = text(facilitator_client.get(path))
        assert "Card text here" in page
        assert "Secret Name" not in page
    poll = text(facilitator_client.get(present, {"v": 0, "s": 1}, **HTMX))
    assert "Card text here" in poll and 'data-hx-swap-oob="true"' in poll
    card = reverse("workshops:card", args=[workshop.pk])
    note = Note.objects.get()
    facilitator_client.post(card, {"note": note.pk, "action": "hide"})
    assert "Card text here" not in text(facilitator_client.get(screen))
    assert "Hidden from the screen" in text(facilitator_client.get(present))
    facilitator_client.post(card, {"note": note.pk, "action": "record"})
    assert AreaScore.objects.get(workshop=workshop, area_id=area).helps == "Card text here"


def test_presenter_mode_has_no_controls_and_polls_by_version(member_a_client, workshop):
    workshop.go_to(1)
    screen = reverse("workshops:screen", args=[workshop.pk])
    page = text(member_a_client.get(screen))
    assert workshop.join_code in page and "csrfmiddlewaretoken" not in page
    for level in workshop.area_for_step(1)["levels"]:
        assert level["title"] in page
    assert member_a_client.get(screen, {"v": workshop.version, "s": 1}, **HTMX).status_code == 204
    assert member_a_client.get(screen, {"v": 0, "s": 1}, **HTMX).status_code == 200
    assert member_a_client.get(screen, {"v": 0, "s": 2}, **HTMX)["HX-Refresh"] == "true"


def test_the_facilitator_votes_again_from_the_screen(facilitator_client, workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    workshop.vote(person, area, 2)
    workshop.reveal(area)
    present = reverse("workshops:present", args=[workshop.pk])
    assert "Vote again on" in text(facilitator_client.get(present))
    facilitator_client.post(reverse("workshops:revote", args=[workshop.pk]), {"area": area})
    page = text(facilitator_client.get(present))
    assert "Votes, round 2" in page and "Reveal the votes on" in page
    workshop.vote(person, area, 4)
    workshop.reveal(area)
    workshop.go_to(workshop.summary_step)
    summary = text(facilitator_client.get(reverse("workshops:summary", args=[workshop.pk])))
    assert "Votes (round 2): 1 (1 at 4)" in summary
    assert "Round 1, before voting again: 1 vote (1 at 2)" in summary


def test_members_see_the_visible_cards_of_a_closed_workshop(member_a_client, workshop, person):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    shown = workshop.add_note(person, area, "helps", "A visible card")
    hidden = workshop.add_note(person, area, "holds_back", "A hidden card")
    workshop.show_notes(area)
    workshop.hide_note(hidden.pk)
    summary = reverse("workshops:summary", args=[workshop.pk])
    assert "A visible card" not in text(member_a_client.get(summary))
    workshop.set_status("closed")
    page = text(member_a_client.get(summary))
    assert shown.text in page and hidden.text not in page and "Secret Name" not in page


def test_dots_on_the_shared_screen(facilitator_client, workshop, person):
    workshop.go_to(workshop.choose_step)
    workshop.place_dot(person, area_id(workshop, 3))
    present = reverse("workshops:present", args=[workshop.pk])
    page = text(facilitator_client.get(present))
    assert "1</strong> person placed 1 dot</span>" in page and "Show the dots" in page
    workshop.place_dot(person, area_id(workshop, 2))
    other = Participant.objects.create(workshop=workshop)
    workshop.place_dot(other, area_id(workshop, 2))
    page = text(facilitator_client.get(present))
    assert "2</strong> people placed 3 dots</span>" in page
    facilitator_client.post(reverse("workshops:reveal_dots", args=[workshop.pk]))
    page = text(facilitator_client.get(present))
    assert 'aria-label="Dots per area"' in page and "1 dot</span>" in page


def test_notes_are_not_in_the_admin(admin_client_, workshop, person):
    from django.contrib import admin

    assert Note not in admin.site._registry and Dot not in admin.site._registry
    workshop.go_to(1)
    workshop.add_note(person, area_id(workshop, 1), "helps", "private")
    page = text(admin_client_.get(reverse("admin:workshops_workshop_change", args=[workshop.pk])))
    assert "Secret Name" not in page
