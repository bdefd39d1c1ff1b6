"""The live server the browser tests talk to: the service's own ASGI
application under uvicorn, as production serves it, so the live room's
streams work (Django's live server is WSGI, which cannot stream them).
It replaces pytest-django's `live_server` fixture (tests/conftest.py) and
keeps its interface: `.url`, and the settings it changes per test."""

from __future__ import annotations

import socket
import threading
import time

from django.test.utils import modify_settings


class AsgiLiveServer:
    def __init__(self, host: str = "127.0.0.1"):
        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        with socket.socket() as s:
            s.bind((host, 0))
            self.port = s.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),
            host=host,
            port=self.port,
            loop="asyncio",
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.02)
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": host})

    def stop(self) -> None:
        import asyncio

        from workshops.push import hub

        if hub.loop is not None and not hub.loop.is_closed():
            # Its LISTEN connection, so the test database can be dropped.
            asyncio.run_coroutine_threadsafe(hub.stop(), hub.loop).result(10)
        self.server.should_exit = True
        self.thread.join(10)

    def __str__(self) -> str:
        return self.url
