"""gunicorn's worker for this service: uvicorn, on uvloop and httptools,
with a bound on how long a stopping worker waits for open streams.

A live room's screens hold server-sent event streams that never end by
themselves, so a worker told to stop (a deploy, a restart) would wait for
them until gunicorn killed it. After STREAMS_GRACE_SECONDS it closes them;
each screen reconnects, to another server or to this one once it is back,
and is given the current state at once."""

from uvicorn_worker import UvicornWorker

STREAMS_GRACE_SECONDS = 3


class Worker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "uvloop",
        "http": "httptools",
        "lifespan": "off",
        "timeout_graceful_shutdown": STREAMS_GRACE_SECONDS,
    }
