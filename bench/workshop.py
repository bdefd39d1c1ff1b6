"""`workshop`: the steady state. BENCH_WORKSHOPS live workshops (10 phones,
a facilitator's screen and a presenter screen each), 20 people browsing,
2 on the baseline and a load balancer's health check. Warm-up (every
phone joined, every stream open) before the statistics start; then
BENCH_MEASURE_S.
"""

from __future__ import annotations

import asyncio
import sys

from client import MEASURE_S, SPAWN_RATE, WARMUP_S, WORKSHOPS
from people import Load, Window, run


async def scenario_workshop(load: Load) -> dict:
    await load.add_rooms(WORKSHOPS, SPAWN_RATE)
    await load.add_others()
    warmed = await load.warm()
    await asyncio.sleep(WARMUP_S)
    window = Window(load, WORKSHOPS, warmed)
    await asyncio.sleep(MEASURE_S)
    return {"steps": [window.finish()]}


if __name__ == "__main__":
    sys.exit(run("workshop", scenario_workshop))
