from django.conf import settings
from django.contrib.auth import forms as auth_forms


class PasswordResetForm(auth_forms.PasswordResetForm):
    """With password sign-in off, only the break-glass accounts get a reset
    email: anyone else would choose a password that signs in nowhere. The
    page says the same thing to everyone, so it reveals no account."""

    def get_users(self, email):
        users = super().get_users(email)
        if settings.PASSWORD_SIGN_IN:
            return users
        return (u for u in users if u.get_username() in settings.BREAK_GLASS_ACCOUNTS)
