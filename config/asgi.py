"""The service's entry point: an ASGI application, served by uvicorn as
gunicorn's worker (config/gunicorn.conf.py) in production and by `make run`.
Pages and posts are ordinary Django views; the live room's streams are
async views that hold no thread while they wait (workshops/streams.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Past MAX_REQUESTS_IN_FLIGHT, a 503 with Retry-After before Django (config/load.py);
# static files before either (config/static.py).
from config.load import LoadShedding  # noqa: E402
from config.static import StaticFiles  # noqa: E402

application = StaticFiles(LoadShedding(application))
