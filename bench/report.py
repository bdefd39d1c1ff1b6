"""Put the scenarios' results together: the tables `make bench` prints and
bench-results/bench.json (its shape is in docs/contributors.md, "Benchmark").

Usage: python bench/report.py OUT_DIR [key=value ...]
Reads start.json, workshop.json, capacity.json (with the overload),
idle.json, cpu.json, pages.json, pages-large.json and streams.json (each
from its bench/<scenario>.py) and poll.json (bench/poll.py) from OUT_DIR,
whichever exist; the key=value pairs go into the JSON's "run".
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

P95_TARGET_MS = 150
JOIN_P95_TARGET_MS = 500
WORKSHOPS_PER_CORE_TARGET = 200
WORKSHOP_COST_TARGET_MS = 4  # of a core a second, for one live workshop
FANOUT_P95_TARGET_MS = 250
IDLE_STREAMS_TARGET = 2000
IDLE_BUSY_TARGET_PERCENT = 3
PAGE_TARGET_MS = 15  # CPU, the service and PostgreSQL, median per page
# The streams scenario (bench/streams.py): one process holds this many idle
# streams, each in this much memory, and gives it back when they close; a
# flood of this many openings in this many seconds is answered, each within
# the time, and a vote in the middle of it reaches its room's screens in time.
STREAMS_TARGETS = [
    "held_10000", "threads_flat", "memory_40_kb", "memory_back_within_10_percent",
    "busy_under_3_percent", "heartbeat_on_time", "flood_answered_within_1_s",
    "vote_fanout_under_500_ms",
]  # fmt: skip
STREAMS_HELD_TARGET = 10_000
STREAM_KB_TARGET = 40
STREAMS_AFTER_CLOSE_PERCENT = 10
STREAMS_FLOOD_TARGET = 20_000
STREAMS_FLOOD_S_TARGET = 30
FLOOD_ANSWER_TARGET_MS = 1000
VOTE_FANOUT_TARGET_MS = 500
# The requests the CPU table must show (bench/cpu.py names them), each
# with its target in ms: a phone's post and the autosave, and the rest.
CPU_TARGETS_MS = {
    "vote": 5, "note": 5, "dot": 5, "autosave": 5, "reveal": 10, "next area": 10, "join": 10,
}  # fmt: skip
CPU_REQUESTS = list(CPU_TARGETS_MS)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile of values (ms), 0 when there are none:
    the smallest value with at least p% of the values at or below it."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return round(ordered[int(rank) - 1], 1)


def fanout_of(samples: dict[str, list[float]], missed: dict[str, int]) -> dict:
    """A change's way to the screens, from the post's answer to the event's
    arrival (bench/people.py): `screen` (the facilitator's stream: votes,
    reveals, notes shown), `phone` (each phone: reveals, notes shown, dots
    counted, next steps), `tenth_phone` (the last of a room's ten), and
    `tenth_phone_shown` (the room pushed to it, drawn once for every phone). `missed`:
    changes whose event never came (within 30 s)."""
    out = {}
    for name in ("screen", "tenth_phone", "tenth_phone_shown", "phone"):
        values = samples.get(name, [])
        out[name] = {
            "samples": len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "max_ms": round(max(values), 1) if values else 0,
            "missed": missed.get(name, 0),
        }
    return out


def cpu_per_request(samples: dict[str, list], background_ms_per_s: float) -> dict:
    """CPU per request from one-at-a-time windows: each sample is (busy ms
    of the service CPUs, window seconds); the idle background over the
    window is taken off, and the mean over the samples is the cost (the
    busy time is counted in clock ticks, so one window is coarse but the
    mean of many is not)."""
    out = {}
    for kind, windows in samples.items():
        if not windows:
            continue
        net = [busy - background_ms_per_s * seconds for busy, seconds in windows]
        out[kind] = {
            "samples": len(windows),
            "cpu_ms": round(max(0.0, sum(net) / len(net)), 1),
            "window_ms": round(1000 * sum(s for _, s in windows) / len(windows), 1),
        }
    return out


def idle_of(idle: dict | None, service_cpus: list[int]) -> dict | None:
    """Streams held open and nothing else: the service's busy share and its
    memory per stream (gunicorn's processes, resident)."""
    if not idle:
        return None
    busy = service_busy(idle["with_streams"], service_cpus)
    before = service_busy(idle["without_streams"], service_cpus)
    streams = idle["streams"]
    per_stream = (
        round((idle["rss_after_kb"] - idle["rss_before_kb"]) / streams, 1) if streams else None
    )
    return {
        "streams": streams,
        "joined": idle["joined"],
        "measured_s": idle["measured_s"],
        "service_busy_percent": busy,
        "service_busy_percent_without_streams": before,
        "busy_target_percent": IDLE_BUSY_TARGET_PERCENT,
        "rss_before_kb": idle["rss_before_kb"],
        "rss_after_kb": idle["rss_after_kb"],
        "rss_kb_per_stream": per_stream,
        "errors": idle["with_streams"]["errors"],
        "stream_drops": idle["with_streams"]["stream_drops"],
        "generator_cpu_percent": idle["with_streams"]["generator_cpu_percent"],
        "met": bool(
            streams >= IDLE_STREAMS_TARGET and busy is not None and busy < IDLE_BUSY_TARGET_PERCENT
        ),
    }


def overload_of(overload: dict | None) -> dict | None:
    """Twice the capacity: answers that are neither a success nor a 503 with
    Retry-After (the errors), refusals, and the rooms whole after recovery."""
    if not overload:
        return None
    during, after = overload["during"], overload["after"]
    return {
        "workshops": overload["workshops"],
        "back_to": overload["back_to"],
        "bad_answers": during["errors"] + after["errors"],
        "refused": during["refused"] + after["refused"],
        "error_kinds": {**during["error_kinds"], **after["error_kinds"]},
        "rooms": overload["rooms"],
        "rooms_recovered": overload["rooms_recovered"],
        "recovery_s": overload["recovery_s"],
        "during": during,
        "after": after,
        "met": during["errors"] + after["errors"] == 0
        and overload["rooms"] > 0
        and overload["rooms_recovered"] == overload["rooms"],
    }


def fanout_at(capacity: dict | None, target_workshops: int) -> dict | None:
    """The fan-out of the capacity step at the target's workshops (200 per
    service core), or of the largest step below it when the sweep did not
    get there (then `at_workshops` says which)."""
    if not capacity:
        return None
    steps = [s for s in capacity["steps"] if s.get("fanout") and s["workshops"] <= target_workshops]
    if not steps:
        return None
    step = max(steps, key=lambda s: s["workshops"])
    screen, tenth = step["fanout"]["screen"], step["fanout"]["tenth_phone"]
    return {
        "at_workshops": step["workshops"],
        "target_workshops": target_workshops,
        "target_ms": FANOUT_P95_TARGET_MS,
        **step["fanout"],
        "met": step["workshops"] == target_workshops
        and screen["samples"] > 0
        and tenth["samples"] > 0
        and screen["p95_ms"] < FANOUT_P95_TARGET_MS
        and tenth["p95_ms"] < FANOUT_P95_TARGET_MS
        and screen["missed"] == 0
        and tenth["missed"] == 0,
    }


def with_ratios(groups: list[dict]) -> list[dict]:
    base = next((g for g in groups if g["group"] == "baseline"), None)
    for g in groups:
        for p in ("p50", "p95"):
            g[f"{p}_x_baseline"] = (
                round(g[f"{p}_ms"] / base[f"{p}_ms"], 2) if base and base[f"{p}_ms"] else None
            )
        # A group whose every answer failed has no latency to meet the target with.
        g["meets_p95_target"] = g["requests"] > g["errors"] and g["p95_ms"] < P95_TARGET_MS
    return groups


def table(groups: list[dict], ratios: bool = True) -> str:
    head = f"{'endpoint group':<26}{'method':<7}{'requests':>9}{'errors':>7}{'refused':>8}"
    head += f"{'req/s':>8}"
    head += f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    if ratios:
        head += f"{'p50 x base':>11}{'p95 x base':>11}"
    lines = [head, "-" * len(head)]
    for g in sorted(groups, key=lambda g: (g["group"] != "baseline", g["group"])):
        line = f"{g['group']:<26}{g['method']:<7}{g['requests']:>9}{g['errors']:>7}"
        line += f"{g.get('refused', 0):>8}"
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
        held = (
            s["errors"] == 0
            and s.get("refused", 0) == 0
            and (s["worst_p95_ms"] or 0) <= P95_TARGET_MS
            and s["warmed_up"]
        )
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
        "criterion": f"every group's p95 <= {P95_TARGET_MS} ms, no errors and no refusals",
        "cost_ms_per_workshop_s": cost,
        "cost_target_ms_per_workshop_s": WORKSHOP_COST_TARGET_MS,
        "cost_met": cost is not None and cost <= WORKSHOP_COST_TARGET_MS,
        "cost_at_workshops": at and at["workshops"],
        "budget_ms_per_workshop_s": round(1000 / WORKSHOPS_PER_CORE_TARGET, 1),
        "workshops_per_core_at_100_percent": cost and round(1000 / cost),
        "steps": steps,
        "last_step_groups": sweep["steps"][-1]["groups"],
    }


def cpu_of(cpu: dict | None) -> dict | None:
    if not cpu:
        return None
    rows = cpu["per_request"]
    listed = [k for k in CPU_REQUESTS if k in rows]
    return {
        "targets_ms": CPU_TARGETS_MS,
        "background_ms_per_s": cpu["background_ms_per_s"],
        "requests": rows,
        "met": len(listed) == len(CPU_REQUESTS)
        and all(rows[k]["cpu_ms"] <= CPU_TARGETS_MS[k] for k in listed),
        "missing": [k for k in CPU_REQUESTS if k not in rows],
        "errors": cpu.get("errors", {}),
        "accounted": cpu.get("accounted"),
    }


def pages_of(*sizes: dict | None) -> dict | None:
    """The pages scenario at each size of the playbook (bench/pages.py)."""
    sizes = [size for size in sizes if size]
    if not sizes:
        return None
    rows = [row for size in sizes for row in size["rows"]]
    over = [
        f"{row['page']} ({size['entries']:,} entries)"
        for size in sizes
        for row in size["rows"]
        if row.get("error") or row.get("median_ms", 0) > PAGE_TARGET_MS
    ]
    return {
        "target_ms": PAGE_TARGET_MS,
        "baseline_ms": sizes[0]["baseline_ms"],
        "sizes": sizes,
        "over": over,
        "met": bool(rows) and not over,
    }


def kept_percent(wave: dict) -> float | None:
    """The memory a wave of streams left the workers with, in % of before."""
    before = wave["rss_before_kb"]
    return round(100 * (wave["rss_after_kb"] - before) / before, 1) if before else None


def warm_up_of(warm: dict | None) -> dict | None:
    """The warm-up wave: the first the process held, and the memory it kept
    after it (not a target: the measured wave is compared with after it)."""
    if not warm or "rss_before_kb" not in warm:
        return warm
    return {**warm, "rss_after_percent": kept_percent(warm)}


def streams_of(run: dict | None, service_cpus: list[int]) -> dict | None:
    """The streams scenario against its targets: the idle streams' threads
    (no more while held or after than before), memory a stream (what the
    workers held more, over the streams), memory after they closed (against
    before), the service's CPU while they were held and their heartbeat;
    the flood's answers (every opening held or refused within the time,
    at its full size and pace); the votes' way to their room's screens."""
    if not run or "idle" not in run:
        return None
    idle, flood = run["idle"], run["flood"]
    held, before = idle["held"], idle["rss_before_kb"]
    per_stream = round((idle["rss_held_kb"] - before) / held, 1) if held else None
    after = kept_percent(idle)
    votes = flood["votes"]
    # From the vote's sending: a vote that waits for its answer reaches nobody meanwhile.
    heard = [ms for vote in votes for ms in vote.get("heard_ms", [])]
    slowest = max(heard, default=None)
    met = {
        "held_10000": idle["held_at_end"] >= STREAMS_HELD_TARGET,
        "threads_flat": idle["threads_held_max"] <= idle["threads_before"]
        and idle["threads_after"] <= idle["threads_before"],
        "memory_40_kb": per_stream is not None and per_stream <= STREAM_KB_TARGET,
        "memory_back_within_10_percent": after is not None and after <= STREAMS_AFTER_CLOSE_PERCENT,
        "busy_under_3_percent": idle["service_cpu_percent"] < IDLE_BUSY_TARGET_PERCENT,
        "heartbeat_on_time": idle["heartbeat"]["gaps"] > 0 and idle["heartbeat"]["late"] == 0,
        "flood_answered_within_1_s": flood["asked"] >= STREAMS_FLOOD_TARGET
        and flood["seconds"] <= STREAMS_FLOOD_S_TARGET * 1.05
        and flood["answered_in_time"] == flood["asked"],
        "vote_fanout_under_500_ms": bool(votes)
        and all(v["landed"] and not v["missed"] for v in votes)
        and slowest is not None
        and slowest < VOTE_FANOUT_TARGET_MS,
    }
    return {
        "idle": {
            **idle,
            "rss_kb_per_stream": per_stream,
            "rss_after_percent": after,
            "service_busy_percent": service_busy(idle, service_cpus),
        },
        "flood": flood,
        "warm_up": warm_up_of(run.get("warm_up")),
        "vote_fanout_max_ms": slowest,
        "nofile": run.get("nofile"),
        "workers": run.get("workers"),
        "generator_max_rss_kb": run.get("generator_max_rss_kb"),
        "targets": {
            "held": STREAMS_HELD_TARGET,
            "kb_per_stream": STREAM_KB_TARGET,
            "after_close_percent": STREAMS_AFTER_CLOSE_PERCENT,
            "busy_percent": IDLE_BUSY_TARGET_PERCENT,
            "flood": STREAMS_FLOOD_TARGET,
            "flood_s": STREAMS_FLOOD_S_TARGET,
            "answer_ms": FLOOD_ANSWER_TARGET_MS,
            "vote_fanout_ms": VOTE_FANOUT_TARGET_MS,
        },
        "met": met,
    }


def streams_table(streams: dict) -> str:
    """Each figure of the streams scenario beside its target."""
    idle, flood, met = streams["idle"], streams["flood"], streams["met"]
    mb = 1024
    gap, beat = idle["heartbeat"]["gap_s"], idle["heartbeat"]
    votes = flood["votes"]
    rows = [
        (
            "idle streams held",
            f"{idle['held_at_end']:,} of {idle['asked']:,}: refused "
            f"{idle.get('refused_first', idle['refused']):,} then {idle['refused']:,} "
            f"after Retry-After, errors {idle['errors']:,}, none {idle['no_answer']:,}",
            f">= {STREAMS_HELD_TARGET:,}",
            met["held_10000"],
        ),
        (
            "worker threads",
            f"{idle['threads_before']:,} before, {idle['threads_held_max']:,} held (most), "
            f"{idle['threads_after']:,} after",
            "held, after <= before",
            met["threads_flat"],
        ),
        (
            "memory a stream",
            f"{idle['rss_kb_per_stream']} kB ({idle['rss_before_kb'] / mb:.0f} -> "
            f"{idle['rss_held_kb'] / mb:.0f} MB)",
            f"<= {STREAM_KB_TARGET} kB",
            met["memory_40_kb"],
        ),
        (
            "memory after they closed",
            f"{idle['rss_after_kb'] / mb:.0f} MB, {idle['rss_after_percent']:+}% of before "
            f"({idle['after_s']:.0f} s on)",
            f"within {STREAMS_AFTER_CLOSE_PERCENT}%",
            met["memory_back_within_10_percent"],
        ),
        (
            "service CPU while held",
            f"{idle['service_cpu_percent']}% of a core, {idle['held_s']} s (its CPUs "
            f"{idle['service_busy_percent']}% busy)",
            f"< {IDLE_BUSY_TARGET_PERCENT}%",
            met["busy_under_3_percent"],
        ),
        (
            f"heartbeat ({idle['heartbeat_s']:g} s)",
            f"{beat['gaps']:,} gaps, p95 {gap['p95']} s, max {gap['max']} s, {beat['late']} late",
            f"every gap <= {idle['heartbeat_s'] + beat['slack_s']:g} s",
            met["heartbeat_on_time"],
        ),
        (
            "flood: held or refused",
            f"{flood['answered_in_time']:,} of {flood['asked']:,} in time ({flood['seconds']} s); "
            f"late {flood['late']:,}, none {flood['no_answer']:,}, errors {flood['errors']:,}",
            f"{STREAMS_FLOOD_TARGET:,} in {STREAMS_FLOOD_S_TARGET} s, each "
            f"<= {FLOOD_ANSWER_TARGET_MS / 1000:g} s",
            met["flood_answered_within_1_s"],
        ),
        (
            "a vote in it, to screens",
            f"{streams['vote_fanout_max_ms']} ms, slowest of {len(votes)} votes x "
            f"{flood['vote_room']['screens']} screens; {sum(v.get('missed', 0) for v in votes)} "
            "missed",
            f"< {VOTE_FANOUT_TARGET_MS} ms from its post",
            met["vote_fanout_under_500_ms"],
        ),
    ]
    head = f"{'measure':<26}{'figure':<62}{'target':<30}"
    lines = [head, "-" * (len(head) + 6)]
    lines += [f"{m:<26}{f:<62}{t:<30}{verdict(ok)}" for m, f, t, ok in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    out_dir, *pairs = argv
    out = Path(out_dir)
    run = dict(pair.split("=", 1) for pair in pairs)
    start, workshop = read(out / "start.json"), read(out / "workshop.json")
    sweep, poll = read(out / "capacity.json"), read(out / "poll.json")
    idle_run, cpu_run = read(out / "idle.json"), read(out / "cpu.json")
    pages = pages_of(read(out / "pages.json"), read(out / "pages-large.json"))
    service_cores = int(run.get("service_cores", "1"))
    service_cpus = cpus_of(run.get("service_cpus", "all"), os.cpu_count() or 1)

    steady = workshop["steps"][0] if workshop and workshop.get("steps") else None
    groups = with_ratios(steady["groups"]) if steady else []
    if steady:
        run["measured_s"] = steady["measured_s"]
        run["generator_cpu_percent"] = steady["generator_cpu_percent"]
        run["cpu_busy_percent"] = steady["cpu_busy_percent"]
    storm = start["steps"][0] if start and start.get("steps") else None
    join = next((g for g in storm["groups"] if g["group"] == "join"), None) if storm else None
    capacity = capacity_of(sweep, service_cores, service_cpus)
    fanout = fanout_at(capacity, WORKSHOPS_PER_CORE_TARGET * service_cores)
    idle = idle_of(idle_run, service_cpus)
    overload = overload_of(sweep and sweep.get("overload"))
    cpu = cpu_of(cpu_run)
    streams = streams_of(read(out / "streams.json"), service_cpus)

    result = {
        "run": run,
        "groups": groups,
        "start": storm
        and {
            **{k: v for k, v in storm.items() if k != "fanout"},
            "join_p95_ms": join and join["p95_ms"],
            "join_p95_target_ms": JOIN_P95_TARGET_MS,
            "met": bool(join)
            and storm["errors"] == 0
            and storm.get("refused", 0) == 0
            and join["p95_ms"] < JOIN_P95_TARGET_MS,
        },
        "capacity": capacity,
        "pages": pages,
        "poll_ratio": poll and poll["poll_ratio"],
        "poll": poll,
        "push": {
            "steady": steady
            and {
                k: steady.get(k)
                for k in ("streams_open", "stream_drops", "events", "refused", "fanout")
            },
            "fanout": fanout,
            "idle": idle,
            "overload": overload,
            "cpu_per_request": cpu,
        },
        "streams": streams,
    }
    errors = sum(g["errors"] for g in groups)
    refused = sum(g.get("refused", 0) for g in groups)
    slow = [g["group"] for g in groups if not g["meets_p95_target"]]
    result["targets"] = {
        "workshop_errors_zero": bool(groups) and errors == 0 and refused == 0,
        "workshop_p95_under_150_ms": bool(groups) and not slow,
        "start_join_p95_under_500_ms": bool(result["start"] and result["start"]["met"]),
        "capacity_200_per_core": bool(capacity and capacity["met"]),
        "workshop_cost_4_ms": bool(capacity and capacity["cost_met"]),
        "fanout_p95_under_250_ms": bool(fanout and fanout["met"]),
        "idle_streams_busy_under_3_percent": bool(idle and idle["met"]),
        "overload_no_bad_answers_rooms_recovered": bool(overload and overload["met"]),
        "cpu_per_request": bool(cpu and cpu["met"]),
        "pages_15_ms": bool(pages and pages["met"]),
        "poll_ratio_0_7": bool(poll and poll["poll_ratio"] >= poll["target"]),
        **{f"streams_{k}": bool(streams and streams["met"][k]) for k in STREAMS_TARGETS},
    }
    (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    print_report(result, run, service_cores, storm, join, steady, groups, poll)
    print(f"\nWritten to {out / 'bench.json'}")
    return 0


def print_report(result, run, service_cores, storm, join, steady, groups, poll) -> None:
    targets, push = result["targets"], result["push"]
    capacity = result["capacity"]
    print(
        f"Service on CPU {run.get('service_cpus')} ({service_cores} core), load generators "
        f"on CPU {run.get('load_cpus')}; load average before {run.get('load_average_before')}, "
        f"after {run.get('load_average_after')}."
    )
    if storm:
        print(f"\n== Start of workshop: {storm['users']} users joining, {storm['measured_s']} s")
        print(table(storm["groups"], ratios=False))
        print(
            f"Join p95 {(join or {}).get('p95_ms', 0):.0f} ms (target < {JOIN_P95_TARGET_MS}): "
            f"{verdict(targets['start_join_p95_under_500_ms'])}. Errors {storm['errors']}, "
            f"refused {storm.get('refused', 0)}. Generator CPU {storm['generator_cpu_percent']}%."
        )
    if steady:
        errors = sum(g["errors"] for g in groups)
        slow = [g["group"] for g in groups if not g["meets_p95_target"]]
        print(f"\n== Live workshops: {steady['users']} users, {steady['measured_s']} s, warmed up")
        print(table(groups))
        print(
            f"Errors: {errors}, refused {steady.get('refused', 0)} (target 0): "
            f"{verdict(targets['workshop_errors_zero'])}. p95 under {P95_TARGET_MS} ms: "
            + ("every group, met" if not slow else "MISSED by " + ", ".join(slow))
            + f". Streams open {steady.get('streams_open')}, dropped "
            f"{steady.get('stream_drops')}, events {steady.get('events')}. Generator CPU "
            f"{steady['generator_cpu_percent']}%, CPU busy per core {steady['cpu_busy_percent']}%."
        )
        if steady.get("fanout"):
            print("Fan-out here: " + fanout_line(steady["fanout"]))
    if poll:
        p = poll["unchanged_poll"]
        print(
            f"\n== Unchanged room fetch (the fallback poll) vs baseline ({poll['generator']}): "
            f"{p['rps']:.0f} vs {poll['baseline_rps']:.0f} req/s, "
            f"poll_ratio {poll['poll_ratio']} (target >= {poll['target']}): "
            f"{verdict(targets['poll_ratio_0_7'])}. p95 {p['p95_ms']} ms, "
            f"non-204 {p['unexpected_status']}, socket errors {p['socket_errors']}, "
            f"baseline drift {poll['baseline_drift']:.0%}, wrk CPU {p['generator_cpu_percent']}%."
        )
    idle = push["idle"]
    if idle:
        print(
            f"\n== Idle streams: {idle['streams']} open ({idle['joined']} joined), "
            f"{idle['measured_s']} s: service busy {idle['service_busy_percent']}% "
            f"(without them {idle['service_busy_percent_without_streams']}%; target < "
            f"{IDLE_BUSY_TARGET_PERCENT}% with {IDLE_STREAMS_TARGET}): "
            f"{verdict(targets['idle_streams_busy_under_3_percent'])}. Memory "
            f"{idle['rss_before_kb'] / 1024:.0f} -> {idle['rss_after_kb'] / 1024:.0f} MB: "
            f"{idle['rss_kb_per_stream']} kB a stream. Errors {idle['errors']}, dropped "
            f"{idle['stream_drops']}, generator CPU {idle['generator_cpu_percent']}%."
        )
    cpu = push["cpu_per_request"]
    if cpu:
        print(
            f"\n== CPU per request, one at a time on an idle service (background "
            f"{cpu['background_ms_per_s']} ms/s taken off)"
        )
        head = f"{'request':<20}{'samples':>8}{'CPU ms':>8}{'window ms':>11}  target ms"
        print(head + "\n" + "-" * len(head))
        rows = cpu["requests"]
        for kind in [*CPU_REQUESTS, *sorted(set(rows) - set(CPU_REQUESTS))]:
            if kind not in rows:
                print(f"{kind:<20}{'-':>8}{'-':>8}{'-':>11}  not measured")
                continue
            r = rows[kind]
            target = cpu["targets_ms"].get(kind)
            mark = (
                f"{target:>3}  {'ok' if r['cpu_ms'] <= target else 'OVER'}"
                if target
                else "(not a target)"
            )
            print(f"{kind:<20}{r['samples']:>8}{r['cpu_ms']:>8.1f}{r['window_ms']:>11.0f}  {mark}")
        print(
            f"Each within its target: {verdict(targets['cpu_per_request'])}."
            + (f" Errors: {cpu['errors']}" if cpu["errors"] else "")
        )
        if cpu.get("accounted"):
            a = cpu["accounted"]
            print(
                f"Counted per thread {a['threads_ms']} ms of the processes' own "
                f"{a['processes_ms']} ms (clock ticks) over the scenario"
                + (
                    f"; windows where a thread ended (its share uncounted): "
                    f"{a['windows_with_ended_threads']}"
                    if a["windows_with_ended_threads"]
                    else "."
                )
            )
    pages = result["pages"]
    if pages:
        for size in pages["sizes"]:
            print(
                f"\n== Pages, one at a time on the idle service, {size['entries']:,} playbook "
                f"entries: CPU ms per request (service and PostgreSQL; median and p95 of "
                f"{size['samples_per_page']}), queries per request, and against the baseline "
                f"({size['baseline_ms']} ms, {queries_text(size.get('baseline_queries'))} queries)"
            )
            head = f"{'page':<44}{'median':>8}{'p95':>8}{'in PG':>7}{'queries':>8}{'x base':>8}"
            head += "  target"
            print(head + "\n" + "-" * len(head))
            for r in size["rows"]:
                if r.get("error"):
                    print(f"{r['page'][:43]:<44}{'error':>8}")
                    continue
                mark = "ok" if r["median_ms"] <= pages["target_ms"] else "OVER"
                in_pg = r.get("postgres_ms")
                print(
                    f"{r['page'][:43]:<44}{r['median_ms']:>8.1f}{r['p95_ms']:>8.1f}"
                    + (f"{in_pg:>7.1f}" if in_pg is not None else f"{'-':>7}")
                    + f"{queries_text(r.get('queries')):>8}{r.get('ratio', 0):>8.1f}  {mark}"
                )
        print(
            f"Every page's median <= {pages['target_ms']} ms: {verdict(targets['pages_15_ms'])}"
            + (f" ({', '.join(pages['over'])})" if pages["over"] else "")
            + "."
        )
    if capacity:
        print("\n== Capacity sweep (live workshops only)")
        head = f"{'workshops':>9}{'users':>7}{'req/s':>8}{'errors':>7}{'refused':>8}"
        head += f"{'worst p95':>10}  {'worst group':<20}{'gen CPU':>8}{'service':>8}"
        head += f"{'ms/s each':>10}{'screen p95':>11}{'10th p95':>9}  held"
        print(head + "\n" + "-" * len(head))
        for s in capacity["steps"]:
            fan = s.get("fanout") or {}
            screen, tenth = fan.get("screen", {}), fan.get("tenth_phone", {})
            print(
                f"{s['workshops']:>9}{s['users']:>7}{s['rps']:>8.0f}{s['errors']:>7}"
                f"{s.get('refused', 0):>8}{s['worst_p95_ms'] or 0:>10.0f}  "
                f"{s['worst_group'] or '':<20}"
                f"{s['generator_cpu_percent']:>7.0f}%{s['service_busy_percent'] or 0:>7.0f}%"
                + (f"{s['cost_ms_per_s']:>10.1f}" if s["cost_ms_per_s"] else f"{'-':>10}")
                + f"{screen.get('p95_ms', 0):>11.0f}{tenth.get('p95_ms', 0):>9.0f}"
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
                f"of a core a second (at {capacity['cost_at_workshops']} workshops; target <= "
                f"{WORKSHOP_COST_TARGET_MS}): {verdict(capacity['cost_met'])}; a core "
                f"100% busy would run about {capacity['workshops_per_core_at_100_percent']}."
            )
        else:
            print("A live workshop's cost: no step left the service under 90% busy.")
    fanout = push["fanout"]
    if fanout:
        print(
            f"Fan-out at {fanout['at_workshops']} workshops (target p95 < {fanout['target_ms']} ms "
            f"at {fanout['target_workshops']}): {fanout_line(fanout)}: "
            f"{verdict(targets['fanout_p95_under_250_ms'])}."
        )
    overload = push["overload"]
    if overload:
        print(
            f"\n== Overload: {overload['workshops']} workshops (twice {overload['back_to']}), "
            f"then back to {overload['back_to']}: answers neither a success nor a 503 with "
            f"Retry-After: {overload['bad_answers']} (target 0), refused {overload['refused']}; "
            f"rooms whole {overload['recovery_s']:.0f} s later: {overload['rooms_recovered']} of "
            f"{overload['rooms']}: {verdict(targets['overload_no_bad_answers_rooms_recovered'])}."
            + (f" Errors: {overload['error_kinds']}" if overload["error_kinds"] else "")
        )
    print_streams(result["streams"])


def print_streams(streams: dict | None) -> None:
    if not streams:
        return
    flood = streams["flood"]
    print(
        f"\n== Streams on one process ({streams['workers']} worker): "
        f"{streams['idle']['asked']:,} held idle, then {flood['asked']:,} openings in "
        f"{flood['asked_s']:g} s"
    )
    print(streams_table(streams))
    a, h = flood["answer_ms"], flood["held_ms"]
    votes = flood["votes"]
    print(
        f"Flood: held {flood['held']:,}, refused {flood['refused']:,}; answers p50 "
        f"{a['p50']:.0f} / p95 {a['p95']:.0f} / p99 {a['p99']:.0f} / max {a['max']:.0f} ms "
        f"(held: p95 {h['p95']:.0f} ms, refused: p95 {flood['refused_ms']['p95']:.0f} ms). "
        "Votes answered in "
        + ", ".join(f"{v['answer_ms']:.0f}" if v["landed"] else "(error)" for v in votes)
        + " ms, then on the screens "
        + ", ".join(str(max(v.get("fanout_ms") or [0])) for v in votes)
        + f" ms after. Worker threads {flood['threads_before']} -> "
        f"{flood['threads_max']} at most, memory {flood['rss_before_kb'] / 1024:.0f} -> "
        f"{flood['rss_max_kb'] / 1024:.0f} MB at most."
        + (f" Errors: {flood['error_kinds']}" if flood["error_kinds"] else "")
        + f" Generator: {streams['generator_max_rss_kb'] / 1024:.0f} MB at most, open files "
        f"{streams['nofile'][0]:,}."
    )


def queries_text(queries: float | None) -> str:
    """A page's queries a request: 6, 6.5, or - when not counted."""
    return "-" if queries is None else f"{queries:g}"


def fanout_line(fanout: dict) -> str:
    screen, tenth = fanout["screen"], fanout["tenth_phone"]
    shown = fanout["tenth_phone_shown"]
    return (
        f"facilitator's screen p50 {screen['p50_ms']:.0f} / p95 {screen['p95_ms']:.0f} ms "
        f"({screen['samples']} changes, {screen['missed']} missed), 10th phone p50 "
        f"{tenth['p50_ms']:.0f} / p95 {tenth['p95_ms']:.0f} ms ({tenth['samples']} room changes, "
        f"{tenth['missed']} missed; its room shown p95 {shown['p95_ms']:.0f} ms)"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
