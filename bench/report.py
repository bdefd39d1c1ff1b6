"""Put the scenarios' results together: the tables `make bench` prints and
bench-results/bench.json (its shape is in the README, "Benchmark").

Usage: python bench/report.py OUT_DIR [key=value ...]
Reads start.json, workshop.json and capacity.json (bench/locustfile.py) and
poll.json (bench/poll_ratio.py) from OUT_DIR; the key=value pairs go into
the JSON's "run".
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

P95_TARGET_MS = 150
JOIN_P95_TARGET_MS = 500
WORKSHOPS_PER_CORE_TARGET = 200


def with_ratios(groups: list[dict]) -> list[dict]:
    base = next((g for g in groups if g["group"] == "baseline"), None)
    for g in groups:
        for p in ("p50", "p95"):
            g[f"{p}_x_baseline"] = (
                round(g[f"{p}_ms"] / base[f"{p}_ms"], 2) if base and base[f"{p}_ms"] else None
            )
        g["meets_p95_target"] = g["p95_ms"] < P95_TARGET_MS
    return groups


def table(groups: list[dict], ratios: bool = True) -> str:
    head = f"{'endpoint group':<20}{'method':<7}{'requests':>9}{'errors':>7}{'req/s':>8}"
    head += f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    if ratios:
        head += f"{'p50 x base':>11}{'p95 x base':>11}"
    lines = [head, "-" * len(head)]
    for g in sorted(groups, key=lambda g: (g["group"] != "baseline", g["group"])):
        line = f"{g['group']:<20}{g['method']:<7}{g['requests']:>9}{g['errors']:>7}"
        line += f"{g['rps']:>8.1f}{g['p50_ms']:>8.0f}{g['p95_ms']:>8.0f}{g['p99_ms']:>8.0f}"
        if ratios:
            line += f"{g.get('p50_x_baseline') or 0:>11.2f}{g.get('p95_x_baseline') or 0:>11.2f}"
        lines.append(line)
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def read(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def cpus_of(spec: str, cpu_count: int) -> list[int]:
    """CPU numbers from a taskset list as bench/run.sh records it: "0", "0,1", "0-3" or "all"."""
    if spec == "all":
        return list(range(cpu_count))
    cpus = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        cpus.extend(range(int(first), int(last or first) + 1))
    return cpus


def service_busy(step: dict, service_cpus: list[int]) -> float | None:
    """The service CPUs' busy time over a step, in % of one core
    (PostgreSQL's and the kernel's share included)."""
    busy = step.get("cpu_busy_percent") or []
    return round(sum(busy[c] for c in service_cpus if c < len(busy)), 1) if busy else None


def workshop_cost_ms(step: dict, service_cpus: list[int]) -> float | None:
    """What one live workshop costs the service: milliseconds of a core
    per second. Only from a step that left the service room (under 90%
    busy): a saturated core serves less than the workshops ask for, so its
    figure would flatter them."""
    busy = service_busy(step, service_cpus)
    if not step["workshops"] or busy is None or busy >= 90 * len(service_cpus):
        return None
    return round(busy * 10 / step["workshops"], 1)


def capacity_of(sweep: dict | None, service_cores: int, service_cpus: list[int]) -> dict | None:
    if not sweep or not sweep["steps"]:
        return None
    steps = []
    for s in sweep["steps"]:
        held = s["errors"] == 0 and s["worst_p95_ms"] <= P95_TARGET_MS and s["warmed_up"]
        steps.append(
            {
                **{k: v for k, v in s.items() if k != "groups"},
                "held": held,
                "service_busy_percent": service_busy(s, service_cpus),
                "cost_ms_per_s": workshop_cost_ms(s, service_cpus),
            }
        )
    held = [s["workshops"] for s in steps if s["held"]]
    last = steps[-1]
    largest = max(held, default=0)
    per_core = round(largest / service_cores, 1)
    # The cost at the largest step with room to spare (the fixed overheads
    # spread thinnest), against what the target leaves each workshop of a
    # core: the arithmetic behind the verdict, so a reader sees how far it is.
    costed = [s for s in steps if s["cost_ms_per_s"]]
    at = max(costed, key=lambda s: s["workshops"]) if costed else None
    cost = at and at["cost_ms_per_s"]
    return {
        "workshops_per_core": per_core,
        "workshops": largest,
        "service_cores": service_cores,
        "target_per_core": WORKSHOPS_PER_CORE_TARGET,
        "met": per_core >= WORKSHOPS_PER_CORE_TARGET,
        # "limit" when a step failed; "sweep end" when every step held, so
        # the real capacity is higher than the largest step tried.
        "stopped_by": "sweep end" if last["held"] else "limit",
        "criterion": f"every group's p95 <= {P95_TARGET_MS} ms and no errors",
        "cost_ms_per_workshop_s": cost,
        "cost_at_workshops": at and at["workshops"],
        "budget_ms_per_workshop_s": round(1000 / WORKSHOPS_PER_CORE_TARGET, 1),
        "workshops_per_core_at_100_percent": cost and round(1000 / cost),
        "steps": steps,
        "last_step_groups": sweep["steps"][-1]["groups"],
    }


def main(argv: list[str]) -> int:
    out_dir, *pairs = argv
    out = Path(out_dir)
    run = dict(pair.split("=", 1) for pair in pairs)
    start, workshop = read(out / "start.json"), read(out / "workshop.json")
    sweep, poll = read(out / "capacity.json"), read(out / "poll.json")
    service_cores = int(run.get("service_cores", "1"))
    service_cpus = cpus_of(run.get("service_cpus", "all"), os.cpu_count() or 1)

    steady = workshop["steps"][0] if workshop and workshop["steps"] else None
    groups = with_ratios(steady["groups"]) if steady else []
    if steady:
        run["measured_s"] = steady["measured_s"]
        run["generator_cpu_percent"] = steady["generator_cpu_percent"]
        run["cpu_busy_percent"] = steady["cpu_busy_percent"]
    storm = start["steps"][0] if start and start["steps"] else None
    join = next((g for g in storm["groups"] if g["group"] == "join"), None) if storm else None
    capacity = capacity_of(sweep, service_cores, service_cpus)

    result = {
        "run": run,
        "groups": groups,
        "start": storm
        and {
            **storm,
            "join_p95_ms": join and join["p95_ms"],
            "join_p95_target_ms": JOIN_P95_TARGET_MS,
            "met": bool(join) and storm["errors"] == 0 and join["p95_ms"] < JOIN_P95_TARGET_MS,
        },
        "capacity": capacity,
        "poll_ratio": poll and poll["poll_ratio"],
        "poll": poll,
    }
    errors = sum(g["errors"] for g in groups)
    slow = [g["group"] for g in groups if not g["meets_p95_target"]]
    result["targets"] = {
        "workshop_errors_zero": bool(groups) and errors == 0,
        "workshop_p95_under_150_ms": bool(groups) and not slow,
        "start_join_p95_under_500_ms": bool(result["start"] and result["start"]["met"]),
        "capacity_200_per_core": bool(capacity and capacity["met"]),
        "poll_ratio_0_7": bool(poll and poll["poll_ratio"] >= poll["target"]),
    }
    (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")

    print(
        f"Service on CPU {run.get('service_cpus')} ({service_cores} core), load generators "
        f"on CPU {run.get('load_cpus')}; load average before {run.get('load_average_before')}, "
        f"after {run.get('load_average_after')}."
    )
    if storm:
        print(f"\n== Start of workshop: {storm['users']} users joining, {storm['measured_s']} s")
        print(table(storm["groups"], ratios=False))
        print(
            f"Join p95 {join and join['p95_ms']:.0f} ms (target < {JOIN_P95_TARGET_MS}): "
            f"{verdict(result['targets']['start_join_p95_under_500_ms'])}. "
            f"Errors {storm['errors']}. Generator CPU {storm['generator_cpu_percent']}%."
        )
    if steady:
        print(f"\n== Live workshops: {steady['users']} users, {steady['measured_s']} s, warmed up")
        print(table(groups))
        print(
            f"Errors: {errors} (target 0): {verdict(errors == 0)}. p95 under {P95_TARGET_MS} ms: "
            + ("every group, met" if not slow else "MISSED by " + ", ".join(slow))
            + f". Generator CPU {steady['generator_cpu_percent']}%, "
            f"CPU busy per core {steady['cpu_busy_percent']}%."
        )
    if poll:
        p = poll["unchanged_poll"]
        print(
            f"\n== Unchanged poll vs baseline ({poll['generator']}): "
            f"{p['rps']:.0f} vs {poll['baseline_rps']:.0f} req/s, "
            f"poll_ratio {poll['poll_ratio']} (target >= {poll['target']}): "
            f"{verdict(result['targets']['poll_ratio_0_7'])}. Poll p95 {p['p95_ms']} ms, "
            f"non-204 {p['unexpected_status']}, socket errors {p['socket_errors']}, "
            f"baseline drift {poll['baseline_drift']:.0%}, wrk CPU {p['generator_cpu_percent']}%."
        )
    if capacity:
        print("\n== Capacity sweep (live workshops only)")
        head = f"{'workshops':>9}{'users':>7}{'req/s':>8}{'errors':>7}"
        head += f"{'worst p95':>10}  {'worst group':<18}{'gen CPU':>8}{'service':>8}"
        head += f"{'ms/s each':>10}  held"
        print(head + "\n" + "-" * len(head))
        for s in capacity["steps"]:
            print(
                f"{s['workshops']:>9}{s['users']:>7}{s['rps']:>8.0f}{s['errors']:>7}"
                f"{s['worst_p95_ms']:>10.0f}  {s['worst_group'] or '':<18}"
                f"{s['generator_cpu_percent']:>7.0f}%{s['service_busy_percent'] or 0:>7.0f}%"
                + (f"{s['cost_ms_per_s']:>10.1f}" if s["cost_ms_per_s"] else f"{'-':>10}")
                + f"  {'yes' if s['held'] else 'no'}"
            )
        more = " (every step held: at least this)" if capacity["stopped_by"] == "sweep end" else ""
        print(
            f"Capacity: {capacity['workshops']} live workshops on {service_cores} service core "
            f"= {capacity['workshops_per_core']} per core{more} (target >= "
            f"{WORKSHOPS_PER_CORE_TARGET}): {verdict(capacity['met'])}."
        )
        if capacity["cost_ms_per_workshop_s"]:
            print(
                f"A live workshop costs the service {capacity['cost_ms_per_workshop_s']} ms "
                f"of a core a second (at {capacity['cost_at_workshops']} workshops): a core "
                f"100% busy would run about {capacity['workshops_per_core_at_100_percent']}. "
                f"{WORKSHOPS_PER_CORE_TARGET} per core leaves each "
                f"{capacity['budget_ms_per_workshop_s']} ms."
            )
    print(f"\nWritten to {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
