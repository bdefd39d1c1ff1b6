"""gunicorn settings for production, `make run` and `make bench`:

    gunicorn -c config/gunicorn.conf.py config.asgi

Worker model: uvicorn as gunicorn's worker (config/workers.py), one process
per core. Each process runs one event loop: the live room's streams wait on
it without holding a thread, and the ordinary views run beside it on a
pool of VIEW_THREADS threads (config/asgi.py), so a process uses about one
core, as the GIL allows. gunicorn supervises the processes
(restarts one that dies, graceful reloads on HUP).
Override with WEB_CONCURRENCY (a 4-core server: 4).

On SQLite (the embedded default) the live room's changes travel inside one
process only, so more than one worker would leave screens stale: refused.
"""

import os
import resource

import dj_database_url

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "config.workers.Worker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

_engine = dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3")["ENGINE"]
if _engine.endswith("sqlite3") and workers > 1:
    raise SystemExit(
        f"WEB_CONCURRENCY={workers} on SQLite: the live room's changes would reach only the "
        "screens of the process that made them. Run one worker on SQLite (WEB_CONCURRENCY=1), "
        "or set DATABASE_URL to PostgreSQL for more."
    )

# Every open stream holds a socket: let each process open as many files as
# the system allows it (the hard limit), not the shell's default soft limit
# (often 1,024). workshops/budget.py refuses streams before they would pass it.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _soft != _hard:
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))
    except (ValueError, OSError):  # a hard limit the kernel will not grant as soft
        pass

# Keep-alive long enough for the fallback poll (every 2 s) to reuse its
# connection (and longer than nginx's upstream keepalive_timeout of 4 s).
keepalive = 5
timeout = 30
graceful_timeout = 20
# No max_requests: recycling a worker resets the streams and connections on
# it, and nothing here leaks memory to recycle for.
# Requests are logged by the service itself (ACCESS_LOG, with each one's
# request id: core/logs.py), not by the server.
accesslog = None
errorlog = "-"
# info: the address it listens on, each worker booted, and "Ready" below.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket (gunicornc): nothing here uses it, and its default path
# is one per user, shared by every instance on the host.
control_socket_disable = True


def when_ready(server):
    server.log.info("Ready: serving on %s with %d worker(s)", ", ".join(server.cfg.bind), workers)
