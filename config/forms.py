"""Sign-in forms with real length limits, and the date field every form uses.

Django's AuthenticationForm only sets the username's maxlength attribute
for the browser, without a validator, so an over-long username reached
authenticate() and django-axes' varchar(255) record of the attempt: a 500
on PostgreSQL. These forms refuse it with a message instead.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

# Far beyond any real password, far below what would make hashing costly.
PASSWORD_MAX_LENGTH = 1024


class LengthLimitsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        password = self.fields["password"]
        password.max_length = PASSWORD_MAX_LENGTH
        password.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class SignInForm(LengthLimitsMixin, AuthenticationForm):
    pass


class AdminSignInForm(LengthLimitsMixin, AdminAuthenticationForm):
    pass


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
