"""make lighthouse's table: the median of a page's runs (bench/lighthouse/summary.py;
bench/ is scripts, not a package)."""

import importlib.util
import json
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "lighthouse_summary",
    Path(__file__).resolve().parents[1] / "bench" / "lighthouse" / "summary.py",
)
summary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summary)


def report(score: float, lcp: float) -> dict:
    """The parts of a Lighthouse report the summary reads."""
    audits = {key: {"numericValue": 1000.0} for key in summary.METRICS.values()}
    audits["largest-contentful-paint"] = {"numericValue": lcp}
    audits["total-byte-weight"] = {"numericValue": 80000}
    return {
        "lighthouseVersion": "12.8.2",
        "finalDisplayedUrl": "http://127.0.0.1/teams/a/",
        "categories": {"performance": {"score": score}},
        "audits": audits,
    }


def test_each_page_reports_its_median_run_and_every_runs_score(tmp_path, capsys):
    runs = [(0.99, 1500), (1.0, 1600), (1.0, 1400), (0.98, 1700), (1.0, 1450)]
    for n, (score, lcp) in enumerate(runs, 1):
        (tmp_path / f"team-{n}.json").write_text(json.dumps(report(score, lcp)))

    result = summary.main(tmp_path, ["team"], {"commit": "abc1234"})

    team = result["pages"]["team"]
    # Best first (score, then the sooner LCP): 100 1400, 100 1450, 100 1600, 99, 98.
    assert (team["score"], team["LCP"], team["report"]) == (100, 1600, "team-2.json")
    assert team["scores"] == [100, 100, 100, 99, 98]
    assert result["commit"] == "abc1234" and result["lighthouse"] == "12.8.2"
    assert json.loads((tmp_path / "summary.json").read_text()) == result
    assert "100/100/100/99/98" in capsys.readouterr().out
