"""A WSGI entry point, for tools that want one. The service itself runs
under ASGI (config/asgi.py): the live room's streams need it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
