"""`start`: the start of a workshop. BENCH_WORKSHOPS rooms (50): their
facilitators' and presenter screens up, then 10 phones per room join
within 60 s, each opening its stream as soon as it is in. Everything
counts, joins included.
"""

from __future__ import annotations

import asyncio
import sys

from client import MEASURE_S, PHONES_PER_WORKSHOP, WORKSHOPS
from people import Load, Window, run


async def scenario_start(load: Load) -> dict:
    window = Window(load, WORKSHOPS, warmed_up=False)
    phones = WORKSHOPS * PHONES_PER_WORKSHOP
    # The screens are up first; every phone in within 60 s (the last ~50 s in).
    spawn = asyncio.create_task(load.add_rooms(WORKSHOPS, phones / 50, screens_first=True))
    await asyncio.sleep(MEASURE_S)
    step = window.finish()
    spawn.cancel()
    return {"steps": [step]}


if __name__ == "__main__":
    sys.exit(run("start", scenario_start))
