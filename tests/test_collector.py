"""The collector runs when no request is in flight, once enough objects
have been made since its last run (core/collector.py)."""

import asyncio
import gc

import pytest

from core import collector as module
from core.collector import Collector


@pytest.fixture
def by_hand():
    """Python's own count switched off: only the Collector runs it."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def made(objects: int) -> list:
    return [[] for _ in range(objects)]  # each a tracked object, kept alive


def test_a_moment_with_nothing_in_flight_collects_what_was_made(by_hand):
    kept = made(module.SOME + 200)
    assert Collector(idle=lambda: True).collect() == 0
    assert gc.get_count()[0] < 100
    del kept


def test_nothing_is_collected_while_a_request_is_in_flight(by_hand):
    kept = made(module.SOME + 200)
    assert Collector(idle=lambda: False).collect() is None
    assert gc.get_count()[0] >= module.SOME
    del kept


def test_a_few_objects_are_left_for_later(by_hand):
    kept = made(module.SOME // 2)
    assert Collector(idle=lambda: True).collect() is None
    del kept


def test_what_earlier_runs_kept_is_looked_through_every_few_runs(by_hand):
    collector = Collector(idle=lambda: True)
    generations = []
    for _ in range(module.YOUNG_RUNS + 1):
        kept = made(module.SOME + 200)
        generations.append(collector.collect())
        del kept
    assert generations == [0] * module.YOUNG_RUNS + [1]


def test_the_event_loop_runs_it_at_the_first_idle_tick(by_hand):
    in_flight = [1]
    collector = Collector(idle=lambda: in_flight[0] == 0)
    runs = []

    def noted(phase, info):
        if phase == "stop":
            runs.append(info["generation"])

    async def scenario():
        collector.watch(asyncio.get_running_loop())
        kept = made(module.SOME + 200)
        await asyncio.sleep(module.TICK_S * 3)
        assert runs == []  # busy: nobody is held up
        in_flight[0] = 0
        await asyncio.sleep(module.TICK_S * 3)
        assert runs == [0]
        del kept

    gc.callbacks.append(noted)
    try:
        asyncio.run(scenario())
    finally:
        gc.callbacks.remove(noted)
