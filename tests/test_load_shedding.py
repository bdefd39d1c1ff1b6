"""Past MAX_REQUESTS_IN_FLIGHT a server process answers 503 with
Retry-After at once (core/load.py), never a hang or a reset connection;
streams and the health check are not counted."""

import asyncio

from asgiref.sync import async_to_sync

from core.load import LoadShedding


class SlowApp:
    """An application that answers only when told to."""

    def __init__(self):
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send):
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def ask(app, path: str) -> tuple[int, dict]:
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    await app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
    return sent[0]["status"], dict(sent[0]["headers"])


def test_past_the_limit_requests_are_told_when_to_come_back(settings):
    settings.MAX_REQUESTS_IN_FLIGHT = 2

    async def scenario():
        slow = SlowApp()
        app = LoadShedding(slow)
        waiting = [asyncio.create_task(ask(app, "/teams/a/")) for _ in range(2)]
        await asyncio.sleep(0)
        status, headers = await ask(app, "/playbook/")
        assert status == 503 and 2 <= int(headers[b"retry-after"]) <= 6
        # The health check and the streams are not shed.
        for path in ("/healthz", "/workshops/live/ABCDEF/events/"):
            task = asyncio.create_task(ask(app, path))
            await asyncio.sleep(0)
            assert not task.done()  # waiting for the app, not refused
            waiting.append(task)
        slow.release.set()
        assert [status for status, _ in await asyncio.gather(*waiting)] == [200] * 4
        # Once the load has passed, requests are answered again.
        assert (await ask(app, "/playbook/"))[0] == 200

    async_to_sync(scenario)()
