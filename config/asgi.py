"""The service's entry point: an ASGI application, served by uvicorn as
gunicorn's worker (config/gunicorn.conf.py) in production and by `make run`.

Two handlers share the one event loop:

- the live room's streams (paths ending in `/events/`) go to
  `workshops.streams.serve`: each is checked on the loop's shared pool of
  threads as its page would be, then held as a coroutine, with no thread
  of its own (Django's ASGI handler would keep a thread for each for as
  long as it stays open), or refused at once when the process cannot
  afford another (workshops/budget.py);
- everything else (pages and posts, ordinary Django views) goes through
  Django's WSGI handler on a fixed pool of VIEW_THREADS threads (a2wsgi).
  Django's ASGI handler would run each such request in a thread it makes
  for that request, across two hops from the event loop and back: measured
  on one core, it answers a constant page at about 750 a second against
  1,700-2,100 through the pool (docs/operators.md, "Deployment"). Each
  request is emptied once answered (core/cycles.py), so what it held is
  freed then, not by the collector.
"""

import asyncio
import gc
import os

from a2wsgi import WSGIMiddleware
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
streams = get_asgi_application()

from django.conf import settings  # noqa: E402

from core.collector import Collector  # noqa: E402
from core.cycles import wsgi_application  # noqa: E402
from core.load import LoadShedding  # noqa: E402
from core.static import StaticFiles  # noqa: E402
from workshops.streams import serve as serve_stream  # noqa: E402

views = WSGIMiddleware(wsgi_application(), workers=settings.VIEW_THREADS)


def is_stream(path: str) -> bool:
    return path.endswith("/events/")


async def django(scope, receive, send):
    collector.watch(asyncio.get_running_loop())
    if scope["type"] == "http":
        if is_stream(scope["path"]):
            return await serve_stream(scope, receive, send)
        return await views(scope, receive, send)
    return await streams(scope, receive, send)


# Past MAX_REQUESTS_IN_FLIGHT, a 503 with Retry-After before Django (core/load.py);
# static files before either (core/static.py).
shedding = LoadShedding(django)
application = StaticFiles(shedding)
# The collector runs when no request is in flight (core/collector.py).
collector = Collector(idle=lambda: shedding.in_flight == 0)

# The collector, tuned for a server (the benchmark's pages table): what was
# loaded at start (Django, the apps, the templates) is frozen out of every
# collection, and a young collection waits for 50,000 new objects, not 700:
# the backstop, for the collector above runs long before that whenever the
# process has a moment.
# Measured after 2,000 event streams had come and gone: the constant
# baseline 1.8 ms a request with the defaults, 1.2 ms tuned; the home page
# 12.8 ms, 9.4 ms. Nearly all garbage is freed by reference counting as it
# goes; these collections only find cycles.
gc.freeze()
gc.set_threshold(50_000, 50, 1000)
