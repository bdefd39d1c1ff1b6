"""What the service spends, read from /proc on the load core: the service
CPUs' busy time, its processes' CPU time (gunicorn's and PostgreSQL's
threads) and memory. bench/run.sh names the service's CPUs and pid files.
"""

from __future__ import annotations

import os
from pathlib import Path

import report

SERVICE_CPUS = report.cpus_of(os.environ.get("BENCH_SERVICE_CPUS", "all"), os.cpu_count() or 1)
# gunicorn's pid files: its processes' memory for the idle streams.
APP_PIDFILES = os.environ.get("BENCH_APP_PIDFILES", "").split()
# ... and PostgreSQL's (postmaster.pid): with gunicorn's, the CPU per request.
PG_PIDFILE = os.environ.get("BENCH_PG_PIDFILE", "")


def cores_busy() -> list[tuple[int, int]]:
    """(busy, total) jiffies per CPU from /proc/stat."""
    out = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            fields = [int(x) for x in line.split()[1:]]
            idle = fields[3] + fields[4]
            out.append((sum(fields) - idle, sum(fields)))
    return out


def busy_percent(before, after) -> list[float]:
    return [
        round(100 * (b1 - b0) / max(1, t1 - t0), 1)
        for (b0, t0), (b1, t1) in zip(before, after, strict=True)
    ]


def service_jiffies() -> int:
    cores = cores_busy()
    return sum(cores[c][0] for c in SERVICE_CPUS if c < len(cores))


JIFFY_MS = 1000 / os.sysconf("SC_CLK_TCK")


def roots_of(pidfiles: list[str]) -> list[int]:
    """The pids the files hold."""
    roots = []
    for pidfile in pidfiles:
        try:
            roots.append(int(Path(pidfile).read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
    return roots


def process_tree(pidfiles: list[str]) -> set[int]:
    """The processes whose pids the files hold, and their children."""
    roots = roots_of(pidfiles)
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            pass
    pids = {p for p in roots if p in parents}
    return pids | {p for p, parent in parents.items() if parent in pids}


def service_cpu_ns(pidfiles: list[str]) -> dict[str, int]:
    """CPU time each thread of the service's processes has used (ns), from
    the scheduler's counts: a request's own cost, unlike /proc/stat's 10 ms
    ticks, and nothing else the machine runs on the same core. Read afresh
    each time: PostgreSQL starts a backend per new connection."""
    out = {}
    postgres = process_tree([PG_PIDFILE]) if PG_PIDFILE in pidfiles else set()
    for pid in process_tree(pidfiles):
        try:
            tasks = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
        except OSError:
            continue  # it ended since the tree was read
        # PostgreSQL's threads are marked, so a page's share is told apart.
        mark = PG_MARK if pid in postgres else ""
        for task in tasks:
            try:
                out[mark + task.parent.name] = int(task.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return out


PG_MARK = "pg/"


def postgres_ms_between(before: dict[str, int], after: dict[str, int]) -> float:
    """PostgreSQL's part of `cpu_ms_between`."""
    return (
        sum(ns - before.get(tid, 0) for tid, ns in after.items() if tid.startswith(PG_MARK)) / 1e6
    )


def cpu_ms_between(before: dict[str, int], after: dict[str, int]) -> float:
    """What the threads used between two readings (a new thread from zero).
    A thread that ended in between took its count with it (see
    `ended_between`): the service keeps its threads, so none should."""
    return sum(ns - before.get(tid, 0) for tid, ns in after.items()) / 1e6


def ended_between(before: dict[str, int], after: dict[str, int]) -> bool:
    return any(tid not in after for tid in before)


def process_cpu_ms(pidfiles: list[str]) -> float:
    """CPU time of the service's processes in all, threads that ended
    included (/proc/<pid>/stat, in clock ticks): the check on the
    per-thread sums over a whole scenario."""
    return pids_cpu_ms(process_tree(pidfiles))


def pids_cpu_ms(pids) -> float:
    """CPU time of these processes (/proc/<pid>/stat: utime + stime, in clock ticks)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total * JIFFY_MS


def service_rss_kb() -> int:
    """Resident memory of gunicorn's processes (each master and its workers)."""
    return status_total(process_tree(APP_PIDFILES), "VmRSS")


def status_total(pids, field: str) -> int:
    """A /proc/<pid>/status figure (VmRSS in kB, Threads) summed over these processes."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def worker_pids() -> set[int]:
    """gunicorn's workers, the processes that hold the streams (not their masters)."""
    masters = set(roots_of(APP_PIDFILES))
    return process_tree(APP_PIDFILES) - masters or masters


def cpu_meter():
    """(pidfiles, method, reading, spent): how the CPU tables read the
    service's CPU, `spent(before, after)` in ms between two `reading()`s."""
    pidfiles = [*APP_PIDFILES, PG_PIDFILE] if PG_PIDFILE else []
    if pidfiles:  # the service's own processes, to the nanosecond
        method = "the service's processes' CPU time (gunicorn and PostgreSQL, /proc schedstat)"

        def reading():
            return service_cpu_ns(pidfiles)

        def spent(before, after) -> float:
            return cpu_ms_between(before, after)

    else:  # the service cores' busy time (10 ms ticks; the mean of many windows)
        method = "the service CPUs' busy time (/proc/stat)"

        def reading():
            return service_jiffies()

        def spent(before, after) -> float:
            return (after - before) * JIFFY_MS

    return pidfiles, method, reading, spent
