"""The unchanged room fetch against the baseline, closed loop, same
generator. Under push a phone fetches its room only when an event carries
a new key, and polls it every 2 s only when its stream cannot be held (a
proxy that buffers it): the fallback poll. Its unchanged answer, a 204,
is what a room full of such phones asks for most, so it must stay about as
cheap as the plumbing. wrk (one thread, CONNECTIONS connections) asks as
fast as the service answers, first /bench/baseline, then the phones'
unchanged fetch, then the baseline again; the ratio is the fetch's
requests/s over the mean of the two baselines (two, so a machine that got
busier or quieter during the measurement shows up as a gap between them,
recorded as `baseline_drift`).

The fetches are what phones send: before measuring, one phone joins each
of the WORKSHOPS live workshops from FIRST on (plain HTTP, as a phone does)
and keeps the room key (#room's data-key) and cookies its screen carries;
wrk cycles through those workshops, `?k=<key>` with HX-Request, and every
answer must be a 204.

Usage: python bench/poll.py URL SESSIONS_JSON FIRST WORKSHOPS OUT_JSON
Environment: LOAD_CPUS (taskset list for wrk), POLL_RATIO_SECONDS (8),
POLL_RATIO_CONNECTIONS (8).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

SECONDS = int(os.environ.get("POLL_RATIO_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("POLL_RATIO_CONNECTIONS", "8"))
TARGET = 0.7
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ROOM_KEY = re.compile(r'id="room"[^>]*\bdata-key="([^"]*)"')

LUA = """
local requests = {%(requests)s}
local i = 0
local threads = {}
unexpected = 0  -- global: done() reads it with thread:get

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  i = i %% #requests + 1
  return requests[i]
end

response = function(status, headers, body)
  if status ~= %(expect)d then
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "socket_errors": %%d, "unexpected_status": %%d,'
    .. ' "p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    threads[1]:get("unexpected"),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def lua_request(path: str, headers: dict[str, str]) -> str:
    quoted = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    return f'wrk.format("GET", {json.dumps(path)}, {{{quoted}}})'


def join(url: str, code: str) -> str:
    """One phone joins; returns the unchanged fetch it would send, as Lua."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/workshops/join/{code}/", timeout=10).read().decode()
    form = {"code": code, "csrfmiddlewaretoken": CSRF.search(page).group(1)}
    room = opener.open(
        f"{url}/workshops/join/", urllib.parse.urlencode(form).encode(), timeout=10
    ).read()
    key = ROOM_KEY.search(room.decode()).group(1)
    query = urllib.parse.urlencode({"k": key})
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    return lua_request(
        f"/workshops/live/{code}/?{query}", {"HX-Request": "true", "Cookie": cookies}
    )


def wrk(url: str, requests: list[str], expect: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"requests": ",\n".join(requests), "expect": expect})
    pin = ["taskset", "-c", os.environ["LOAD_CPUS"]] if os.environ.get("LOAD_CPUS") else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [*pin, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(script.name)
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    seconds = result.pop("duration_us") / 1e6
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["rps"] = round(result["requests"] / seconds, 1)
    result["seconds"] = round(seconds, 1)
    result["generator_cpu_percent"] = round(100 * cpu / seconds, 1)
    return result


def main(argv: list[str]) -> int:
    url, sessions, first, count, out = argv
    live = json.loads(Path(sessions).read_text())["live"][int(first) : int(first) + int(count)]
    polls = [join(url, w["code"]) for w in live]
    baseline = [lua_request("/bench/baseline", {})]
    before = wrk(url, baseline, 200)
    poll = wrk(url, polls, 204)
    after = wrk(url, baseline, 200)
    base_rps = (before["rps"] + after["rps"]) / 2
    result = {
        "poll_ratio": round(poll["rps"] / base_rps, 2),
        "target": TARGET,
        "generator": f"wrk -t1 -c{CONNECTIONS}, {SECONDS} s each",
        "workshops": len(polls),
        "baseline_rps": round(base_rps, 1),
        "baseline_drift": round(abs(before["rps"] - after["rps"]) / base_rps, 2),
        "baseline_before": before,
        "unchanged_poll": poll,
        "baseline_after": after,
    }
    Path(out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
