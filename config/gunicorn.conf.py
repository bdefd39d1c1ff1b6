"""gunicorn settings for production and `make bench`:

    gunicorn -c config/gunicorn.conf.py config.wsgi

Worker model, for a 2-core machine: gthread, 2 processes x 4 threads.
- One process per core: the GIL lets one process use about one core, so
  more processes than cores only adds memory and context switches.
- Threads overlap the time a request waits on PostgreSQL or on a slow
  client (phones on conference Wi-Fi keeping connections alive); 4 per
  process keeps 8 requests in flight and 8 persistent database connections.
- Not gevent/eventlet: psycopg 3 and the Django ORM would need monkey
  patching, and a CPU-bound template render blocks the whole loop anyway.
Override with WEB_CONCURRENCY and THREADS (a 4-core server: 4 x 4).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("THREADS", "4"))
# Open connections one process keeps (gthread parks idle keep-alive ones
# without a thread). Every phone holds one between its 2 s polls when it
# talks to gunicorn directly, as `make bench` does, so the benchmark raises
# it; behind a load balancer that pools connections the default is plenty.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "1000"))
# Keep-alive long enough for a poll every 2 s to reuse its connection
# (and longer than nginx's upstream keepalive_timeout of 4 s).
keepalive = 5
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so a slow leak can never take the service down.
# No max_requests: recycling a worker under load reset the connections
# queued on it (the benchmark saw "connection reset by peer" at the moment
# a worker restarted), and nothing here leaks memory to recycle for.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
