"""Forms for an experiment's life after the workshop. Every form that changes
the experiment carries the version it was opened at (optimistic lock)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import DateField
from experiments.models import Experiment
from teams.forms import in_the_groups_words


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GroupForm(forms.Form):
    """A form whose words name the experiment's group ("the board")."""

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        in_the_groups_words(self, team.noun, team.nouns)


class ProgressNoteForm(GroupForm):
    text = forms.CharField(
        label="Add a progress note",
        help_text="What has the {noun} tried, seen or decided since the last note?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Write the note before adding it."},
    )


class ReviewDateForm(VersionedForm):
    review_date = DateField(
        label="New review date",
        example="14 March 2027",
        error_messages={"required": "Enter the new review date."},
    )
    reason = forms.CharField(
        label="Why is the review date changing?",
        max_length=500,
        error_messages={"required": "Say why the review date is changing."},
    )

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.experiment = experiment

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value < timezone.localdate():
            raise forms.ValidationError("The review date must be today or later.")
        if value == self.experiment.review_date:
            raise forms.ValidationError("That is already the review date: choose another date.")
        return value


class StopForm(GroupForm):
    """Its `reason` shares a page with the review date form's: its own ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_stop_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label="Why are you stopping it? (optional)",
        help_text="Kept as a progress note, so the {noun} remembers.",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
    )


class FinishForm(VersionedForm):
    result = forms.ChoiceField(
        label="Was the hypothesis supported?",
        choices=Experiment.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the hypothesis was supported."},
    )
    what_happened = forms.CharField(
        label="What happened?",
        help_text="What the {noun} did and what it saw.",
        max_length=5000,
        required=False,
        widget=forms.Textarea,
    )
    learning = forms.CharField(
        label="What did the {noun} learn?",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": (
                "Write what the {noun} learned: it is what other {nouns} read in the playbook."
            )
        },
    )
    advice = forms.CharField(
        label="Advice for other {nouns} (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea,
    )
    finished_on = DateField(
        label="Finished on",
        example="14 March 2027",
        error_messages={"required": "Enter the date the experiment finished."},
    )

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.experiment = experiment
        in_the_groups_words(self, experiment.team.noun, experiment.team.nouns)

    def clean_finished_on(self):
        value = self.cleaned_data["finished_on"]
        error = Experiment.finish_date_error(value, self.experiment.started_on)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_learning(self):
        value = self.cleaned_data["learning"].strip()
        if not value:
            raise forms.ValidationError(self.fields["learning"].error_messages["required"])
        return value


class EditForm(VersionedForm):
    change = forms.CharField(
        label="We believe that…", help_text="the change", max_length=2000, widget=forms.Textarea
    )
    outcome = forms.CharField(
        label="…will result in…", help_text="the outcome", max_length=2000, widget=forms.Textarea
    )
    signal = forms.CharField(
        label="We will know this when we see…",
        help_text="the signal",
        max_length=2000,
        widget=forms.Textarea,
    )
    first_actions = forms.CharField(
        label="First actions", max_length=2000, required=False, widget=forms.Textarea
    )

    def clean(self):
        data = super().clean()
        for name in ("change", "outcome", "signal"):
            if name in data and not data[name].strip():
                self.add_error(name, "This part of the hypothesis cannot be empty.")
        return data
