"""A WSGI entry point, for tools that want one. The service itself runs
under ASGI (config/asgi.py): the live room's streams need it."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from core.cycles import wsgi_application  # noqa: E402

application = wsgi_application()
