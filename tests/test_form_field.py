"""includes/field.html (the form_field tag): every kind of field a form
here can carry, as NHS.UK frontend marks it up, with its hint, its error and
what the person typed or chose kept."""

from django import forms
from django.template import engines
from pytest_django.asserts import assertHTMLEqual, assertInHTML

FIELD = engines["django"].from_string(
    '{% include "includes/field.html" with field=field label_size=size width=width rows=rows %}'
)


class Everything(forms.Form):
    name = forms.CharField(label="Your name", max_length=40, help_text="As your team knows you.")
    when = forms.DateField(label="Review date", widget=forms.DateInput(attrs={"type": "date"}))
    story = forms.CharField(label="What happened", widget=forms.Textarea, required=False)
    level = forms.TypedChoiceField(
        label="Level", choices=[(1, "One"), (2, "Two & more")], widget=forms.RadioSelect, coerce=int
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="I agree", required=False, help_text="Say yes.")
    area = forms.ChoiceField(
        label="Area", choices=[("", "Any"), ("Model", [("x", "X <one>"), ("y", "Y")])]
    )


def draw(form, name, **options) -> str:
    return FIELD.render(
        {"field": form[name], **{k: options.get(k, "") for k in ("size", "width", "rows")}}
    )


def test_a_text_input_with_its_hint_width_and_typed_value():
    form = Everything(data={"name": 'Ann "A" <b>'})
    assertHTMLEqual(
        draw(form, "name", width="20", size="m"),
        '<div class="nhsuk-form-group" id="id_name-group">'
        '<label class="nhsuk-label nhsuk-label--m" for="id_name">Your name</label>'
        '<div class="nhsuk-hint" id="id_name-hint">As your team knows you.</div>'
        '<input class="nhsuk-input nhsuk-input--width-20" id="id_name" name="name" type="text"'
        ' value="Ann &quot;A&quot; &lt;b&gt;" maxlength="40" required'
        ' aria-describedby="id_name-hint"></div>',
    )


def test_an_error_is_next_to_its_field_and_what_was_typed_is_kept():
    form = Everything(data={"name": "x" * 41, "story": "<i>kept</i>"})
    form.is_valid()
    html = draw(form, "name")
    assert 'class="nhsuk-form-group nhsuk-form-group--error"' in html
    assertInHTML(
        '<span class="nhsuk-error-message" id="id_name-error">'
        '<span class="nhsuk-u-visually-hidden">Error:</span> '
        "Ensure this value has at most 40 characters (it has 41).</span>",
        html,
    )
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'class="nhsuk-input nhsuk-input--error"' in html and 'value="' + "x" * 41 in html
    assertInHTML(
        '<textarea class="nhsuk-textarea" id="id_story" name="story" rows="3">'
        "&lt;i&gt;kept&lt;/i&gt;</textarea>",
        draw(form, "story", rows="3"),
    )


def test_a_date_input_keeps_its_type():
    html = draw(Everything(initial={"when": "2026-12-02"}), "when")
    assertInHTML(
        '<input class="nhsuk-input" id="id_when" name="when" type="date" value="2026-12-02"'
        " required>",
        html,
    )


def test_radios_check_the_chosen_one_and_escape_labels():
    html = draw(Everything(initial={"level": 2}), "level", size="s")
    assertHTMLEqual(
        html,
        '<div class="nhsuk-form-group" id="id_level-group"><fieldset class="nhsuk-fieldset">'
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Level</legend>'
        '<div class="nhsuk-radios">'
        '<div class="nhsuk-radios__item"><input class="nhsuk-radios__input" id="id_level_0"'
        ' name="level" type="radio" value="1">'
        '<label class="nhsuk-label nhsuk-radios__label" for="id_level_0">One</label></div>'
        '<div class="nhsuk-radios__item"><input class="nhsuk-radios__input" id="id_level_1"'
        ' name="level" type="radio" value="2" checked>'
        '<label class="nhsuk-label nhsuk-radios__label" for="id_level_1">Two &amp; more</label>'
        "</div></div></fieldset></div>",
    )


def test_checkboxes_check_every_chosen_one():
    html = draw(Everything(data={"kinds": ["a", "b"]}), "kinds")
    assert html.count(" checked") == 2 and 'type="checkbox"' in html
    assert '<div class="nhsuk-checkboxes">' in html


def test_a_single_checkbox_with_its_hint():
    html = draw(Everything(data={"agree": "on"}), "agree")
    assertInHTML(
        '<input class="nhsuk-checkboxes__input" id="id_agree" name="agree" type="checkbox" checked'
        ' aria-describedby="id_agree-hint">',
        html,
    )
    assertInHTML(
        '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="id_agree-hint">Say yes.</div>', html
    )


def test_a_select_with_a_group_selects_the_current_value():
    html = draw(Everything(data={"area": "y"}), "area")
    assertInHTML(
        '<optgroup label="Model"><option value="x">X &lt;one&gt;</option>'
        '<option value="y" selected>Y</option></optgroup>',
        html,
    )
    assertInHTML('<option value="">Any</option>', html)
