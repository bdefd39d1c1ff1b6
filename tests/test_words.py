"""Counts, possessives and dates are written one way everywhere."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms

from core.forms import DateField
from core.words import long_date, long_time, plural, possessive


def test_counts_say_one_without_an_s():
    assert plural(1, "email") == "1 email"
    assert plural(0, "email") == "0 emails"
    assert plural(3, "person", "people") == "3 people"


@pytest.mark.parametrize(
    ("name", "whose"),
    [("Repeat Prescriptions", "Repeat Prescriptions'"), ("Trust Board", "Trust Board's")],
)
def test_a_name_ending_in_s_takes_the_apostrophe_alone(name, whose):
    assert possessive(name) == whose


def test_dates_and_times_are_written_the_nhs_way():
    assert long_date(date(2026, 12, 4)) == "4 December 2026"
    london = ZoneInfo("Europe/London")
    assert long_time(datetime(2026, 12, 4, 9, 30, tzinfo=london)) == "9:30am"
    assert long_time(datetime(2026, 12, 4, 14, 0, tzinfo=london)) == "2pm"


class WhenForm(forms.Form):
    when = DateField(label="Review date", example="14 March 2027")


@pytest.mark.parametrize(
    "typed", ["14 March 2027", "14 mar 2027", "14/03/2027", "14/3/27", "2027-03-14", "14 3 2027"]
)
def test_a_date_is_accepted_as_people_type_it(typed):
    form = WhenForm({"when": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2027, 3, 14)


def test_a_date_is_shown_as_its_hint_writes_it():
    form = WhenForm(initial={"when": date(2026, 12, 4)})
    assert form["when"].help_text == "For example, 14 March 2027."
    assert 'value="4 December 2026"' in str(form["when"])
    assert 'type="text"' in str(form["when"])


def test_a_date_that_is_not_one_is_refused_with_the_same_example_and_kept():
    form = WhenForm({"when": "31 February 2027"})
    assert form.errors["when"] == ["Enter a real date, for example 14 March 2027."]
    assert 'value="31 February 2027"' in str(form["when"])
