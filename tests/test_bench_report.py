"""make bench's report: the capacity sweep's arithmetic a reader checks the
verdict against (bench/report.py; bench/ is scripts, not a package)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_report", Path(__file__).resolve().parents[1] / "bench" / "report.py"
)
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def step(workshops, busy, p95=100):
    return {
        "workshops": workshops,
        "users": workshops * 11,
        "warmed_up": True,
        "errors": 0,
        "rps": 1.0,
        "worst_group": "vote",
        "worst_p95_ms": p95,
        "generator_cpu_percent": 10.0,
        "cpu_busy_percent": busy,
        "groups": [],
    }


def test_a_workshops_cost_comes_from_the_largest_step_the_core_was_not_saturated_in():
    sweep = {
        "steps": [step(10, [20.0, 9.0]), step(25, [50.0, 20.0], 270), step(50, [99.0, 30.0], 900)]
    }
    capacity = report.capacity_of(sweep, 1, [0])
    # 50% of the service core over 25 workshops: 20 ms of a core a second each.
    assert capacity["cost_ms_per_workshop_s"] == 20.0 and capacity["cost_at_workshops"] == 25
    assert capacity["workshops_per_core_at_100_percent"] == 50
    assert capacity["budget_ms_per_workshop_s"] == 5.0
    # The saturated step serves less than its workshops ask: it gives no cost.
    assert [s["cost_ms_per_s"] for s in capacity["steps"]] == [20.0, 20.0, None]
    assert capacity["workshops_per_core"] == 10 and not capacity["met"]


def test_no_cost_when_every_step_saturated_the_service():
    capacity = report.capacity_of({"steps": [step(100, [100.0, 20.0], 8300)]}, 1, [0])
    assert capacity["cost_ms_per_workshop_s"] is None
    assert capacity["workshops_per_core_at_100_percent"] is None


def test_the_service_cpus_are_read_as_taskset_writes_them():
    assert report.cpus_of("0", 2) == [0]
    assert report.cpus_of("0,2-3", 4) == [0, 2, 3]
    assert report.cpus_of("all", 2) == [0, 1]
    # Two service cores share the work: their busy time adds up.
    two = report.capacity_of({"steps": [step(40, [60.0, 60.0, 5.0])]}, 2, [0, 1])
    assert two["cost_ms_per_workshop_s"] == 30.0
