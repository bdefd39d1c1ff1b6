from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from core.forms import DateField
from experiments.models import Experiment
from maturity.models import Area, MaturityModel
from playbook.models import WORD, Entry
from teams.forms import in_the_groups_words
from teams.models import Team, either_noun, plural_nouns

SEARCH_MAX_LENGTH = 200
# The experiment's own edit form allows this much; a longer start could never be edited.
HYPOTHESIS_MAX_LENGTH = 2000
TEAM_NAME_CHOICES = [
    (True, "Show our team's name"),
    (False, "Publish anonymously (shown as “An NHS product team”)"),
]


def _yes(value) -> bool:
    return value in (True, "True", "true", "1", "on")


AREA_CHOICE_ERROR = "Choose an area from the list."


def grouped_area_choices(areas) -> list:
    """Areas grouped by model for a select (an optgroup per model), in the
    order the areas come: [(model name, [(area pk, area name), ...]), ...]."""
    groups: dict[int, tuple[str, list]] = {}
    for area in areas:
        groups.setdefault(area.model_id, (area.model.name, []))[1].append((area.pk, area.name))
    return list(groups.values())


class AreaFilterField(forms.ChoiceField):
    """An area as "<model key>.<area key>" in the URL; a bare area key means
    the default model's area (links made before there were several models).
    The form looks the value up itself, so any text is a candidate here."""

    def valid_value(self, value) -> bool:
        return True


class FilterForm(forms.Form):
    """The playbook list's search and filters. Every field is optional; a bad
    value is reported next to its field and that filter is left out."""

    q = forms.CharField(
        label="Search the playbook",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput,
        help_text="Words from the title, problem, hypothesis, what they did, "
        "what they learned or their advice.",
        error_messages={
            "max_length": f"Shorten your search to {SEARCH_MAX_LENGTH} characters or fewer."
        },
    )
    model = forms.ChoiceField(
        label="Model",
        required=False,
        error_messages={"invalid_choice": "Choose a model from the list."},
    )
    area = AreaFilterField(label="Area", required=False)
    result = forms.ChoiceField(
        label="Result",
        choices=[("", "Any result"), *Experiment.Result.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a result from the list."},
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # One query for the choices and the cleaning (readable keys in the URL).
        areas = list(
            Area.objects.current()
            .select_related("model")
            .order_by("-model__is_default", "model__name", "order")
        )
        self.models = {area.model.key: area.model for area in areas}
        self.areas = {f"{area.model.key}.{area.key}": area for area in areas}
        for area in areas:
            if area.model.is_default:
                self.areas.setdefault(area.key, area)
        self.fields["model"].choices = [
            ("", "All models"),
            *((key, model.name) for key, model in self.models.items()),
        ]
        groups: dict[str, list] = {}
        for area in areas:
            groups.setdefault(area.model.name, []).append(
                (f"{area.model.key}.{area.key}", area.name)
            )
        self.fields["area"].choices = [("", "All areas"), *groups.items()]
        # A bare area key (a link from before there were several models) is
        # the default model's area: show it selected under its full name.
        area = self.data.get("area", "") if data is not None else ""
        if area and "." not in area and area in self.areas:
            self.data = self.data.copy()
            self.data["area"] = f"{self.areas[area].model.key}.{area}"

    def clean_model(self) -> MaturityModel | None:
        return self.models.get(self.cleaned_data["model"])

    def clean_area(self) -> Area | None:
        value = self.cleaned_data["area"]
        if value and value not in self.areas:
            raise forms.ValidationError(AREA_CHOICE_ERROR)
        return self.areas.get(value)

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        if text and not WORD.search(text):
            raise forms.ValidationError("Use words or numbers, for example “stand-up”.")
        return text

    def applied(self) -> dict:
        """The filters that are valid (a form with errors still filters by the rest)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def seen_token(entry: Entry | None) -> str:
    """Which saved version of an entry a form was opened on: "" when none
    was saved yet. Every save moves updated_at, so the token changes."""
    if entry is None or entry.pk is None:
        return ""
    return entry.updated_at.isoformat()


class EntryForm(forms.ModelForm):
    # The saved entry this form was opened on ("" for a new one), so a save
    # never silently overwrites what a teammate saved in between.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    show_team_name = forms.TypedChoiceField(
        label="Show your {noun}'s name?",
        choices=TEAM_NAME_CHOICES,
        coerce=_yes,
        widget=forms.RadioSelect,
        initial=True,
        help_text="Other {nouns} find it easier to ask you about it when they know who you are.",
        error_messages={
            "required": "Choose whether to show your {noun}'s name.",
            "invalid_choice": "Choose whether to show your {noun}'s name.",
        },
    )

    class Meta:
        model = Entry
        fields = [
            "title",
            "area",
            "problem",
            "hypothesis",
            "what_we_did",
            "duration",
            "result",
            "learning",
            "advice",
            "show_team_name",
        ]
        # The model's own words, in the group's words ("the board").
        labels = {"advice": "Advice for other {nouns}"}
        help_texts = {
            "title": "A short name other {nouns} will recognise, in plain English.",
            "problem": "What was getting in the {noun}'s way?",
        }
        error_messages = {
            "title": {"required": "Enter a title."},
            "problem": {"required": "Describe the problem the {noun} faced."},
            "hypothesis": {"required": "Enter the hypothesis the {noun} tested."},
            "what_we_did": {"required": "Describe what the {noun} did."},
            "duration": {"required": "Enter how long the {noun} tried it, for example 6 weeks."},
            "result": {"required": "Choose the result."},
            "learning": {"required": "Describe what the {noun} learned."},
            "advice": {"required": "Give other {nouns} some advice."},
        }

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = seen_token(self.instance)
        # The areas of the experiment's model (its own area even if retired since).
        self.fields["area"].queryset = Area.objects.filter(
            Q(retired=False) | Q(pk=experiment.area_id), model_id=experiment.area.model_id
        ).order_by("order")
        self.fields["area"].empty_label = None
        self.fields["area"].error_messages["invalid_choice"] = AREA_CHOICE_ERROR
        # No result recorded yet: make the team choose rather than preselect one.
        blank = [] if experiment.result else [("", "Choose a result")]
        self.fields["result"].choices = [*blank, *Experiment.Result.choices]
        self.fields["result"].error_messages["invalid_choice"] = "Choose a result from the list."
        team = experiment.team
        in_the_groups_words(self, team.noun, team.nouns)
        self.fields["show_team_name"].choices = [
            (True, f"Show our {team.noun}'s name ({team.name})"),
            (False, f"Publish anonymously (shown as “{team.anonymous_name}”)"),
        ]


class StartForm(forms.Form):
    """Start a planned experiment for one of your groups from a playbook
    entry; its words name the kinds of group you are in ("your board")."""

    team = forms.ModelChoiceField(
        label="Which {noun} is trying it?",
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose one of your {nouns}.",
            "invalid_choice": "Choose one of your {nouns}.",
        },
    )
    area = forms.ModelChoiceField(
        label="Area",
        help_text="The area of a model your {noun} uses that this experiment will improve.",
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose an area.", "invalid_choice": AREA_CHOICE_ERROR},
    )
    change = forms.CharField(
        label="We believe that…",
        widget=forms.Textarea,
        help_text="The change your {noun} will make.",
        max_length=HYPOTHESIS_MAX_LENGTH,
        error_messages={"required": "Describe the change your {noun} will make."},
    )
    outcome = forms.CharField(
        label="…will result in…",
        widget=forms.Textarea,
        help_text="The outcome you expect.",
        max_length=HYPOTHESIS_MAX_LENGTH,
        error_messages={"required": "Describe the outcome you expect."},
    )
    signal = forms.CharField(
        label="We will know this when we see…",
        widget=forms.Textarea,
        help_text="What you will look for to tell whether it worked.",
        max_length=HYPOTHESIS_MAX_LENGTH,
        error_messages={"required": "Describe what you will look for."},
    )
    first_actions = forms.CharField(
        label="First actions (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=HYPOTHESIS_MAX_LENGTH,
    )
    review_date = DateField(
        label="Review date",
        hint="When the {noun} will look at how it went.",
        example="31 January 2027",
        error_messages={"required": "Enter a review date."},
    )
    show_team_name = forms.TypedChoiceField(
        label="Show your {noun}'s name on this entry?",
        choices=[
            (True, "Yes, name our {noun} in “tried by”"),
            (False, "No, count us without our name"),
        ],
        coerce=_yes,
        widget=forms.RadioSelect,
        initial=True,
        error_messages={"required": "Choose whether to show your {noun}'s name."},
    )

    def __init__(self, *args, user, entry: Entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_member(user).order_by("name")
        mine = list(self.fields["team"].queryset)
        self.group_noun = either_noun(mine)  # "board", "team or board"
        in_the_groups_words(self, self.group_noun, plural_nouns(mine))
        # The entry's own model, the models the person's teams use, and the
        # default: a team can try an idea from another framework in its own.
        used = MaturityModel.objects.filter(
            Q(workshops__team__memberships__user=user)
            | Q(areas__experiments__team__memberships__user=user)
            | Q(is_default=True)
            | Q(pk=entry.area.model_id)
        ).values("pk")
        areas = (
            Area.objects.current()
            .filter(model__in=used)
            .select_related("model")
            .order_by("model__name", "order")
        )
        areas = sorted(areas, key=lambda a: a.model_id != entry.area.model_id)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
        self.fields["area"].choices = grouped_area_choices(areas)

    @staticmethod
    def initial_from(entry: Entry) -> dict:
        return {
            "area": entry.area_id,
            **entry.hypothesis_parts(),
            "review_date": timezone.localdate() + timedelta(weeks=6),
            "show_team_name": True,
        }

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        if review_date <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future.")
        if review_date > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError("The review date must be within a year.")
        return review_date
