from urllib.parse import urlsplit

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

    def save(self, *args, domain_override=None, use_https=False, **kwargs):
        """The link in the email starts with SITE_URL when it is set, like
        every other emailed link, not with whatever Host the request named.
        A relay that cannot take it is logged by Django (after core.mail's
        tries), and the page still says the same thing to everyone."""
        if settings.SITE_URL:
            site = urlsplit(settings.SITE_URL)
            domain_override, use_https = site.netloc, site.scheme == "https"
        return super().save(*args, domain_override=domain_override, use_https=use_https, **kwargs)
