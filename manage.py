#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from core.refusals import ConfigurationError, one_line

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        # The settings did not load: said in one line, whichever command it was
        # (once loaded, Django's runner prints a command's refusals the same way).
        if "--traceback" in sys.argv:
            raise
        sys.stderr.write(one_line(error) + "\n")
        sys.exit(error.returncode)
