"""The table `make lighthouse` prints, and bench-results/lighthouse/summary.json.

    python bench/lighthouse/summary.py OUT "PAGE ..." key=value ...

Reads OUT/<page>-<run>.json (Lighthouse's reports) and reports, per page,
the median run: sorted by score, then by LCP, the middle one. The key=value
facts (commit, time, load average) go into summary.json as they are.
"""

import json
import sys
from pathlib import Path

METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "SI": "speed-index",
}


def result(path: Path) -> dict:
    report = json.loads(path.read_text())
    audits = report["audits"]
    return {
        "lighthouse": report["lighthouseVersion"],
        "url": report["finalDisplayedUrl"],
        "report": path.name,
        "score": round(report["categories"]["performance"]["score"] * 100),
        **{name: round(audits[key]["numericValue"], 3) for name, key in METRICS.items()},
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def main(out: Path, pages: list[str], facts: dict[str, str]) -> dict:
    summary = {**facts, "pages": {}}
    columns = ("score", 5), ("FCP", 6), ("LCP", 6), ("TBT", 6), ("CLS", 6), ("SI", 6), ("bytes", 7)
    print(f"{'page':<12}", *(f"{name:>{width}}" for name, width in columns), " every run")
    for page in pages:
        results = sorted(
            (result(path) for path in sorted(out.glob(f"{page}-*.json"))),
            key=lambda r: (-r["score"], r["LCP"]),
        )
        median = results[len(results) // 2]
        summary["lighthouse"] = median.pop("lighthouse")
        summary["pages"][page] = {**median, "scores": [r["score"] for r in results]}
        fcp, lcp, si = (median[name] / 1000 for name in ("FCP", "LCP", "SI"))
        print(
            f"{page:<12} {median['score']:>5} {fcp:>5.2f}s {lcp:>5.2f}s {median['TBT']:>4.0f}ms"
            f" {median['CLS']:>6.3f} {si:>5.2f}s {median['bytes']:>7.0f} "
            f" {'/'.join(str(r['score']) for r in results)}"
        )
    print(", ".join(f"{key} {value}" for key, value in summary.items() if key != "pages"))
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


if __name__ == "__main__":
    out, pages, *facts = sys.argv[1:]
    main(Path(out), pages.split(), dict(fact.split("=", 1) for fact in facts))
