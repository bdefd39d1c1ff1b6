"""Plain Django forms for the workshop. Each `clean_*` returns a domain value."""

from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from core.forms import DateField
from maturity.models import MaturityModel
from teams.forms import in_the_groups_words
from teams.models import Team, either_noun, plural_nouns
from workshops.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    NOTE_MAX,
    Note,
    Workshop,
    clean_note_text,
)

HYPOTHESIS_MAX = 500


class ModelChoice(forms.ModelChoiceField):
    def label_from_instance(self, model: MaturityModel) -> str:
        return f"{model.name} ({model.area_count} areas, scale of {model.scale_size})"


# Times typed the ways people write them: 09:00, 9.00, 9am, 2:30pm.
TIME_TYPED = ["%H:%M", "%H.%M", "%I%p", "%I:%M%p", "%I.%M%p", "%I %p", "%I:%M %p"]
AHEAD_CLOSES_AT = time(9, 0)


def _closing_time_fields(date_hint: str) -> tuple[forms.Field, forms.Field]:
    return (
        DateField(
            label="Scoring ahead closes on",
            hint=date_hint,
            example="8 December 2026",
            required=False,
        ),
        forms.TimeField(
            label="Closing time",
            input_formats=TIME_TYPED,
            initial=AHEAD_CLOSES_AT,
            required=False,
            widget=forms.TimeInput(format="%H:%M"),
            help_text="For example, 09:00 or 2:30pm.",
            error_messages={"invalid": "Enter a real time, for example 09:00 or 2:30pm."},
        ),
    )


def closing_time(form: forms.Form, on: date | None) -> datetime | None:
    """The moment scoring ahead closes, from the form's date (or `on`, the
    workshop's date, when none is typed) and time, in the service's time
    zone; an error next to the field when it is not in the future."""
    day = form.cleaned_data.get("ahead_on") or on
    at = form.cleaned_data.get("ahead_at")
    if day is None or at is None:
        if day is None and "ahead_on" not in form.errors:
            form.add_error("ahead_on", "Enter the date scoring ahead closes.")
        if at is None and "ahead_at" not in form.errors:
            form.add_error("ahead_at", "Enter the time scoring ahead closes, for example 09:00.")
        return None
    until = timezone.make_aware(datetime.combine(day, at))
    if until <= timezone.now():
        form.add_error(
            "ahead_on" if form.cleaned_data.get("ahead_on") else "ahead_at",
            "Scoring ahead must close in the future: choose a later date or time.",
        )
        return None
    return until


class AheadForm(forms.Form):
    """When scoring ahead closes (opening it, or moving the time)."""

    ahead_on, ahead_at = _closing_time_fields("")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ahead_on"].required = True
        self.fields["ahead_on"].error_messages["required"] = "Enter the date scoring ahead closes."

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["until"] = closing_time(self, None)
        return data


class WorkshopForm(forms.Form):
    """A new workshop. Its model starts as "the one the group used last": an
    empty choice that the form turns into that model (or the default, for a
    group's first workshop) when the facilitator leaves it, so choosing the
    group is enough without JavaScript. With it, create.js names that model
    as soon as the group is chosen (the labels are in `last_used`)."""

    model = ModelChoice(
        label="Maturity model",
        queryset=MaturityModel.objects.for_choosing(),
        empty_label="",  # the model the group used last (__init__)
        blank=True,
        required=False,  # a form that sends no model gets the group's last one too
        widget=forms.RadioSelect,
        help_text="{A noun}'s history is kept per model.",
        error_messages={"invalid_choice": "Choose one of the models listed."},
    )
    team = forms.ModelChoiceField(
        label="{Noun}",
        queryset=Team.objects.order_by("name"),
        empty_label="Choose {a noun}",
        error_messages={
            "required": "Choose the {noun} this workshop is for.",
            "invalid_choice": "Choose one of the {nouns} listed.",
        },
    )
    title = forms.CharField(
        max_length=120,
        required=False,
        help_text="Optional. For example, 'Spring workshop'.",
        error_messages={"max_length": "Keep the title to 120 characters or fewer."},
    )
    held_on = DateField(
        label="Date",
        initial=timezone.localdate,
        example="23 November 2026",
        error_messages={"required": "Enter the date of the workshop."},
    )
    ahead = forms.BooleanField(
        label="Open it for scoring ahead",
        required=False,
        help_text="People score each area in their own time before the session, from a link "
        "you send them; the session starts with their votes in.",
    )
    ahead_on, ahead_at = _closing_time_fields("Leave it empty for the workshop's date.")

    def __init__(self, *args, default: MaturityModel, **kwargs):
        super().__init__(*args, **kwargs)
        # The groups offered, named by their kinds ("Board", "Team or
        # board") and, when there are several kinds, grouped by kind.
        teams = list(self.fields["team"].queryset)
        self.group_noun = either_noun(teams)
        in_the_groups_words(self, self.group_noun, plural_nouns(teams))
        kinds = [
            (f"{label}s", [(t.pk, t.name) for t in teams if t.kind == value])
            for value, label in Team.Kind.choices
        ]
        kinds = [(heading, options) for heading, options in kinds if options]
        if len(kinds) > 1:
            self.fields["team"].choices = [("", self.fields["team"].empty_label), *kinds]
        self.default = default
        self.models = {m.pk: m for m in self.fields["model"].queryset}
        self.last_models = {
            team: self.models[model]
            for team, model in Workshop.objects.last_models().items()
            if model in self.models  # a model that can still be used
        }
        self.last_used = {team.pk: self._last_used_label(team) for team in teams}
        self.fields["model"].empty_label = self.last_used.get(
            _int(self["team"].value()),
            f"The one the group used last (or the default, {default.name}, for its first workshop)",
        )

    def _last_used_label(self, team: Team) -> str:
        model = self.last_models.get(team.pk)
        if model is None:
            return f"The default, {self.default.name}: {team.name} has not held a workshop yet"
        return f"The one {team.name} used last: {model.name}"

    def clean(self):
        data = super().clean()
        if not data.get("model") and data.get("team"):
            data["model"] = self.last_models.get(data["team"].pk, self.default)
        data["until"] = None
        if data.get("ahead") and "held_on" not in self.errors:
            data["until"] = closing_time(self, data.get("held_on"))
        return data


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Workshop code",
        max_length=12,
        help_text="The code on the shared screen, for example KPT4QX.",
        error_messages={
            "required": "Enter the code from the shared screen.",
            "max_length": "Workshop codes are 6 letters and numbers.",
        },
    )
    display_name = forms.CharField(
        label="Your name (optional)",
        max_length=40,
        required=False,
        help_text="Only the facilitator's count uses it. Nobody sees how you voted.",
        error_messages={"max_length": "Keep your name to 40 characters or fewer."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).upper()
        if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                "There is no live workshop with that code. Check the code on the shared screen."
            )
        return code


class AheadJoinForm(forms.Form):
    """Taking part ahead of the session: the link carries the code."""

    display_name = JoinForm.base_fields["display_name"]


class VoteForm(forms.Form):
    area = forms.IntegerField()
    level = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, levels: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        message = f"Choose a level from 1 to {len(levels)}."
        self.fields["level"].choices = [(n, str(n)) for n in levels]
        self.fields["level"].error_messages.update(required=message, invalid_choice=message)


class NoteForm(forms.Form):
    """A participant's note: which area (a new note) or which note (a
    change), the kind and the text."""

    area = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Is it something that",
        choices=Note.Kind.choices,
        initial=Note.Kind.HELPS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what helps us or what holds us back.",
            "invalid_choice": "Choose what helps us or what holds us back.",
        },
    )
    text = forms.CharField(
        label="Your note",
        max_length=NOTE_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {NOTE_MAX} characters.",
        error_messages={
            "required": "Write your note before adding it.",
            "max_length": f"Keep your note to {NOTE_MAX} characters or fewer.",
        },
    )

    def clean_text(self) -> str:
        try:
            return clean_note_text(self.cleaned_data["text"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from error


class RecordForm(forms.Form):
    """The agreed score and notes for one area. `revision` is the notes
    revision the text started from, so older text never replaces newer."""

    area = forms.IntegerField(widget=forms.HiddenInput)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label="Agreed score",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    helps = forms.CharField(
        label="What helps us",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep these notes to 2000 characters or fewer."},
    )
    holds_back = forms.CharField(
        label="What holds us back",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep these notes to 2000 characters or fewer."},
    )

    def __init__(self, *args, levels: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        # The level's number shows; its title is read out (the levels are
        # on screen above the choice, so a row of numbers fits the room's screen).
        self.fields["score"].choices = [
            (
                lv["number"],
                format_html(
                    '{}<span class="nhsuk-u-visually-hidden">: {}</span>', lv["number"], lv["title"]
                ),
            )
            for lv in levels
        ]
        self.fields["score"].error_messages["invalid_choice"] = (
            f"Choose a score from 1 to {len(levels)}."
        )


class ChooseForm(forms.Form):
    area = forms.TypedChoiceField(
        label="Which area will the {noun} work on?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one area to work on."},
    )

    def __init__(self, *args, areas: list[dict], team: Team, scores: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        in_the_groups_words(self, team.noun, team.nouns)
        self.fields["area"].error_messages["invalid_choice"] = (
            f"Choose one of the {len(areas)} areas."
        )
        agreed = {row["area"]["id"]: row["score"] and row["score"].score for row in scores}
        self.fields["area"].choices = [
            (
                a["id"],
                f"{a['name']} (agreed {agreed[a['id']]})"
                if agreed.get(a["id"])
                else f"{a['name']} (not scored)",
            )
            for a in areas
        ]


def _hypothesis_field(label: str, help_text: str, what: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=HYPOTHESIS_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter {what}.",
            "max_length": f"Keep {what} to {HYPOTHESIS_MAX} characters or fewer.",
        },
    )


class ReadOnce(forms.models.ModelChoiceIterator):
    """A model choice's options from its queryset's rows, read once for the
    form: Django's own reads them through a server-side cursor each time the
    field is drawn, after a count (a team's few members need neither)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (self.field.empty_label is not None)


class ExperimentForm(forms.Form):
    change = _hypothesis_field(
        "We believe that",
        "The change you will make, for example 'showing our work to users every fortnight'.",
        "the change you will make",
    )
    outcome = _hypothesis_field(
        "will result in",
        "The outcome you expect, for example 'decisions grounded in what users need'.",
        "the outcome you expect",
    )
    signal = _hypothesis_field(
        "We will know this when we see",
        "A signal you can observe, for example 'fewer changes after release'.",
        "the signal you will look for",
    )
    first_actions = forms.CharField(
        label="First actions",
        help_text="Optional. What will happen this week?",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep first actions to 2000 characters or fewer."},
    )
    owner = forms.ModelChoiceField(
        label="Owner from the {noun}",
        queryset=None,
        required=False,
        empty_label="Not {a noun} member listed here",
    )
    owner_name = forms.CharField(
        label="Or the owner's name",
        help_text="If the owner is not listed above.",
        max_length=120,
        required=False,
        error_messages={"max_length": "Keep the name to 120 characters or fewer."},
    )
    review_date = DateField(
        label="Review date",
        hint="When will the {noun} look at what happened?",
        example="21 December 2026",
        error_messages={"required": "Enter a review date."},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.noun = team.noun
        in_the_groups_words(self, team.noun, team.nouns)
        self.fields["owner"].iterator = ReadOnce
        self.fields["owner"].queryset = team.members.order_by("first_name", "username").only(
            "first_name",
            "last_name",
            "username",  # what the options show
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean_review_date(self):
        date = self.cleaned_data["review_date"]
        if date <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future.")
        return date

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("owner_name", "").strip():
            if "owner_name" not in self.errors:
                self.add_error(
                    "owner_name", f"Choose an owner from the {self.noun} or enter a name."
                )
        return data
