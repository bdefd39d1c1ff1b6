"""How a management command refuses: a setting or an input that is wrong is
one line on stderr naming it and the fix, and exit status 2, never a
traceback (a real fault, a database that is down, keeps its traceback).

Settings raise ConfigurationError, which `manage.py` prints when the
settings fail to load and Django's command runner prints when a command
reads them; commands raise InputError for what they were given. Both are
Django's CommandError, so `--traceback` still shows where they came from."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

EXIT_STATUS = 2  # the shell's usage error, as argparse uses it


class ConfigurationError(ImproperlyConfigured, CommandError):
    """A setting from the environment is wrong or missing; the message names
    the variable and what to set it to."""

    def __init__(self, message: str):
        super().__init__(message, returncode=EXIT_STATUS)


class InputError(CommandError):
    """What a command was given (an argument, a file) cannot be used; the
    message names it and what would do."""

    def __init__(self, message: str):
        super().__init__(message, returncode=EXIT_STATUS)


def one_line(error: BaseException) -> str:
    """How a refusal reads on stderr: its kind and its message, as Django
    prints a CommandError."""
    return f"{type(error).__name__}: {error}"
