"""Requests sent from real threads at the same moment, for the concurrency
tests on PostgreSQL (each thread has its own database connection)."""

from __future__ import annotations

import threading

from django.db import connections
from django.test import Client


def race(requests, headers=None):
    """Send each (client, url, data) from its own thread at the same moment
    (with `headers`, e.g. HX-Request); the responses in order (an exception
    in place of a response means a 500)."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def send(i, client, url, data):
        try:
            barrier.wait()
            results[i] = client.post(url, data, headers=headers or {})
        except Exception as error:  # noqa: BLE001 (reported by the test)
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
