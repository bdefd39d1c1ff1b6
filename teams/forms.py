"""What forms share about the group they are for."""

from __future__ import annotations

from django import forms

from teams.models import with_article


def in_the_groups_words(form: forms.Form, noun: str, nouns: str) -> None:
    """Fill in a form's words for the group it is for, so a board's form
    never calls it "the team". Its labels, hints, choices and error
    messages say {noun} ("team", "board", "organisation"), {a noun} ("an
    organisation"), {Noun} and {A noun} at the start of a sentence, and
    {nouns} ("teams", ...) where they name it."""

    def fill(text):
        if not isinstance(text, str):
            return text  # a lazy or absent text names no group
        words = {
            "{nouns}": nouns,
            "{noun}": noun,
            "{Noun}": noun.capitalize(),
            "{a noun}": with_article(noun),
            "{A noun}": with_article(noun).capitalize(),
        }
        for placeholder, word in words.items():
            text = text.replace(placeholder, word)
        return text

    for field in form.fields.values():
        field.label = fill(field.label)
        field.help_text = fill(field.help_text)
        field.error_messages = {key: fill(text) for key, text in field.error_messages.items()}
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label:
                field.empty_label = fill(field.empty_label)
        elif isinstance(field, forms.ChoiceField):
            field.choices = [(value, fill(label)) for value, label in field.choices]
