"""Turn locust's CSV statistics into the benchmark table and bench.json.

Usage: python bench/report.py STATS_CSV OUT_JSON [key=value ...]
The key=value pairs (mode, duration, workers ...) go into the JSON's "run".
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

P95_TARGET_MS = 150


def _ms(value: str) -> float:
    """A percentile from locust's CSV: "N/A" (or empty) for a group that
    made no request after the stats were reset."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def load(stats_csv: Path) -> list[dict]:
    groups = []
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                continue
            groups.append(
                {
                    "group": row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": _ms(row["50%"]),
                    "p95_ms": _ms(row["95%"]),
                    "p99_ms": _ms(row["99%"]),
                }
            )
    return groups


def with_ratios(groups: list[dict]) -> list[dict]:
    base = next((g for g in groups if g["group"] == "baseline"), None)
    for g in groups:
        g["p50_x_baseline"] = (
            round(g["p50_ms"] / base["p50_ms"], 2) if base and base["p50_ms"] else None
        )
        g["p95_x_baseline"] = (
            round(g["p95_ms"] / base["p95_ms"], 2) if base and base["p95_ms"] else None
        )
        g["meets_p95_target"] = g["p95_ms"] < P95_TARGET_MS
    return groups


def table(groups: list[dict]) -> str:
    head = (
        f"{'endpoint group':<20}{'method':<7}{'requests':>9}{'errors':>7}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'p50 x base':>11}{'p95 x base':>11}"
    )
    lines = [head, "-" * len(head)]
    for g in sorted(groups, key=lambda g: (g["group"] != "baseline", g["group"])):
        lines.append(
            f"{g['group']:<20}{g['method']:<7}{g['requests']:>9}{g['errors']:>7}{g['rps']:>8.1f}"
            f"{g['p50_ms']:>8.0f}{g['p95_ms']:>8.0f}{g['p99_ms']:>8.0f}"
            f"{g['p50_x_baseline'] or 0:>11.2f}{g['p95_x_baseline'] or 0:>11.2f}"
        )
    errors = sum(g["errors"] for g in groups)
    slow = [g["group"] for g in groups if not g["meets_p95_target"]]
    lines.append("")
    lines.append(
        f"Errors: {errors} (target 0). p95 under {P95_TARGET_MS} ms: "
        + ("every group" if not slow else "missed by " + ", ".join(slow))
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    stats_csv, out_json, *pairs = argv
    groups = with_ratios(load(Path(stats_csv)))
    run = dict(pair.split("=", 1) for pair in pairs)
    Path(out_json).write_text(json.dumps({"run": run, "groups": groups}, indent=2) + "\n")
    print(table(groups))
    print(f"\nWritten to {out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
