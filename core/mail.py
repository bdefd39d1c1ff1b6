"""Mail through the organisation's relay: the settings read from the
environment, refused at start when incomplete, and a backend that tries a
relay that is briefly away again before it gives up, with a log line.

`EMAIL_URL` gives the relay in one value (as dj-email-url spells it):

    smtp+tls://user:password@smtp.example.nhs.uk:587   STARTTLS (submission)
    smtp+ssl://user:password@smtp.example.nhs.uk:465   TLS from the start
    smtp://relay.internal:25                          no TLS, no login

or the same one setting at a time (EMAIL_HOST, EMAIL_PORT, ...). With
neither, emails are written to the log (development, trials)."""

from __future__ import annotations

import logging
import smtplib
import time
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.mail.backends import smtp

from core.refusals import ConfigurationError

log = logging.getLogger(__name__)

SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "smtp+ssl": (False, True)}
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}
# A relay that refuses or drops the connection is tried this many times in
# all, the pauses between growing; one that refuses a message outright, or
# does not answer in time, is not tried again.
ATTEMPTS = 3
PAUSE_SECONDS = 0.5


def from_url(url: str) -> dict:
    """EMAIL_URL as Django's EMAIL_* settings."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigurationError(
            "EMAIL_URL must look like smtp+tls://user:password@smtp.example.nhs.uk:587 "
            f"(smtp, smtp+tls or smtp+ssl), not {_hide_password(url)!r}"
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ConfigurationError("EMAIL_URL has a port that is not a number") from None
    use_tls, use_ssl = SCHEMES[parts.scheme]
    query = parse_qs(parts.query)
    settings = {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    if "timeout" in query:
        settings["EMAIL_TIMEOUT"] = _whole_number("EMAIL_URL's timeout", query["timeout"][0])
    return settings


def check(settings: dict, *, from_email: str, from_email_set: bool, site_url: str) -> None:
    """Refuse a relay that is half configured, with what to set."""
    if not settings["EMAIL_HOST"]:
        if settings["EMAIL_HOST_USER"] or settings["EMAIL_HOST_PASSWORD"]:
            raise ConfigurationError(
                "EMAIL_HOST_USER or EMAIL_HOST_PASSWORD is set: set EMAIL_HOST too"
            )
        return
    if settings["EMAIL_USE_TLS"] and settings["EMAIL_USE_SSL"]:
        raise ConfigurationError(
            "EMAIL_USE_TLS (STARTTLS, usually port 587) and EMAIL_USE_SSL (TLS from the start, "
            "usually port 465) are both on: choose the one your relay speaks"
        )
    if bool(settings["EMAIL_HOST_USER"]) != bool(settings["EMAIL_HOST_PASSWORD"]):
        raise ConfigurationError(
            "A relay login needs both EMAIL_HOST_USER and EMAIL_HOST_PASSWORD (or neither)"
        )
    if settings["EMAIL_HOST_PASSWORD"] and not (
        settings["EMAIL_USE_TLS"] or settings["EMAIL_USE_SSL"]
    ):
        raise ConfigurationError(
            "EMAIL_HOST_PASSWORD is set but neither EMAIL_USE_TLS nor EMAIL_USE_SSL is on: "
            "the password would cross the network in clear"
        )
    if not from_email_set or "@" not in from_email:
        raise ConfigurationError(
            "EMAIL_HOST is set: set DEFAULT_FROM_EMAIL to the address emails come from, "
            "one the relay accepts (e.g. team-maturity@example.nhs.uk)"
        )
    if not site_url:
        raise ConfigurationError(
            "EMAIL_HOST is set: set SITE_URL to the service's address, "
            "so the links in its emails lead to it"
        )


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, trying a relay that cannot be reached again."""

    def send_messages(self, email_messages):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return super().send_messages(email_messages)
            except OSError as error:
                self.close()
                if not _passing(error) or attempt == ATTEMPTS:
                    log.error(
                        "The mail relay %s:%s did not take %d email(s) (attempt %d of %d): %s",
                        self.host,
                        self.port,
                        len(email_messages),
                        attempt,
                        ATTEMPTS,
                        error,
                    )
                    raise
                log.warning(
                    "The mail relay %s:%s could not be reached (attempt %d of %d): %s",
                    self.host,
                    self.port,
                    attempt,
                    ATTEMPTS,
                    error,
                )
                time.sleep(PAUSE_SECONDS * attempt)


def _passing(error: OSError) -> bool:
    """A relay that refuses the connection, drops the line or says "try
    later" (4xx) may take the email a moment later; one that refuses the
    login, the sender or a recipient (5xx) will not. One that does not
    answer within EMAIL_TIMEOUT is not asked again: a page (a password
    reset) would keep its person waiting for several time-outs."""
    # smtplib reports a relay that stops answering as a dropped line, raised
    # while handling the time-out.
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPNotSupportedError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return isinstance(error, smtplib.SMTPConnectError) or 400 <= error.smtp_code < 500
    return True


def _whole_number(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
