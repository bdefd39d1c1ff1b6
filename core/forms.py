"""The date field every form uses."""

from django import forms

# Dates: written and shown the NHS way ("4 December 2026"), in a text box
# rather than the browser's date picker, whose display follows the browser's
# locale and so could never agree with a hint. The ways people type a date
# are all accepted.
DATE_SHOWN = "%-d %B %Y"
DATE_TYPED = [
    "%d %B %Y",  # 4 December 2026
    "%d %b %Y",  # 4 Dec 2026
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%Y-%m-%d",
]


class DateField(forms.DateField):
    """A date in a text box: shown as "4 December 2026", typed any usual way,
    with a hint and an error message that name the same format."""

    def __init__(self, *, example: str, hint: str = "", **kwargs):
        kwargs.setdefault("input_formats", DATE_TYPED)
        kwargs.setdefault("widget", forms.DateInput(format=DATE_SHOWN))
        kwargs["help_text"] = f"{hint} For example, {example}.".strip()
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("invalid", f"Enter a real date, for example {example}.")
        super().__init__(**kwargs)

    def to_python(self, value):
        # Several spaces, or a comma after the month, are still a date.
        if isinstance(value, str):
            value = " ".join(value.replace(",", " ").split())
        return super().to_python(value)
