"""Sign-in forms with real length limits.

Django's AuthenticationForm only sets the username's maxlength attribute
for the browser, without a validator, so an over-long username reached
authenticate() and django-axes' varchar(255) record of the attempt: a 500
on PostgreSQL. These forms refuse it with a message instead.
"""

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
