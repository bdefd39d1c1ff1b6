import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Unchanged polls, most of the traffic, answered before Django when this
# process remembers the workshop (workshops/middleware.py).
from workshops.middleware import EarlyPolls  # noqa: E402

application = EarlyPolls(application)
