"""Server-side charts of one team's agreed scores, drawn as inline SVG.

No JavaScript and no external service: the geometry is computed here and the
templates (`teams/_line_chart.html`, `teams/_radar_chart.html`) only draw it.
Series are told apart by colour *and* by marker shape, dash pattern and a
direct label, so the charts read in greyscale and for colour-blind people;
each chart also comes with a text summary and a table of the same numbers.

Only one team's scores ever go into a chart: there is no way to compare teams.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

LOWEST, HIGHEST = 1, 5

# Dark enough for text on white (WCAG AA), and different in greyscale too.
STYLES = [
    # colour, dash pattern, marker
    ("#005eb8", "", "circle"),
    ("#d5281b", "10 5", "square"),
    ("#007f3b", "3 4", "triangle"),
    ("#330072", "14 4 3 4", "diamond"),
    ("#212b32", "6 3", "cross"),
]


@dataclass
class ScoreHistory:
    """One team's agreed scores: `scores[a][w]` is area `a`'s score at workshop
    `w` (None when it was not scored). Workshops are oldest first."""

    areas: list[str]
    dates: list[date]
    scores: list[list[int | None]]

    @property
    def workshop_count(self) -> int:
        return len(self.dates)


@dataclass
class Point:
    x: float
    y: float
    score: int
    when: date
    marker: str = ""


@dataclass
class Series:
    name: str
    colour: str
    dash: str
    marker_kind: str
    points: list[Point] = field(default_factory=list)
    path: str = ""
    label_x: float = 0
    label_y: float = 0
    label_marker: str = ""
    legend_line: str = ""


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker_path(kind: str, x: float, y: float, size: float = 6) -> str:
    """An SVG path for a marker centred on (x, y)."""
    s = size
    if kind == "square":
        return f"M{_fmt(x - s)} {_fmt(y - s)}h{_fmt(2 * s)}v{_fmt(2 * s)}h{_fmt(-2 * s)}Z"
    if kind == "triangle":
        return (
            f"M{_fmt(x)} {_fmt(y - s * 1.2)}L{_fmt(x + s * 1.1)} {_fmt(y + s * 0.9)}"
            f"L{_fmt(x - s * 1.1)} {_fmt(y + s * 0.9)}Z"
        )
    if kind == "diamond":
        s *= 1.25
        return (
            f"M{_fmt(x)} {_fmt(y - s)}L{_fmt(x + s)} {_fmt(y)}"
            f"L{_fmt(x)} {_fmt(y + s)}L{_fmt(x - s)} {_fmt(y)}Z"
        )
    if kind == "cross":
        t = s / 2.5
        return (
            f"M{_fmt(x - t)} {_fmt(y - s)}h{_fmt(2 * t)}v{_fmt(s - t)}h{_fmt(s - t)}"
            f"v{_fmt(2 * t)}h{_fmt(t - s)}v{_fmt(s - t)}h{_fmt(-2 * t)}v{_fmt(t - s)}"
            f"h{_fmt(t - s)}v{_fmt(-2 * t)}h{_fmt(s - t)}Z"
        )
    # circle, drawn as a path so every marker is one element kind
    return (
        f"M{_fmt(x - s)} {_fmt(y)}a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(2 * s)} 0"
        f"a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(-2 * s)} 0Z"
    )


def _spread_labels(series: list[Series], top: float, bottom: float, gap: float) -> None:
    """Move direct labels apart vertically so none overlaps (the lines stay put)."""
    placed = sorted((s for s in series if s.points), key=lambda s: s.label_y)
    for before, after in zip(placed, placed[1:], strict=False):
        if after.label_y - before.label_y < gap:
            after.label_y = before.label_y + gap
    overflow = placed[-1].label_y - bottom if placed else 0
    if overflow > 0:
        for s in placed:
            s.label_y -= overflow
    for before, after in zip(reversed(placed[:-1]), reversed(placed), strict=False):
        if after.label_y - before.label_y < gap:
            before.label_y = after.label_y - gap
    for s in placed:
        s.label_y = max(s.label_y, top)


@dataclass
class LineChart:
    width: int = 680
    height: int = 340
    left: int = 56
    right: int = 140  # room for the direct labels
    top: int = 20
    bottom: int = 56
    font_size: int = 14
    series: list[Series] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    summary: str = ""

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    def y_for(self, score: float) -> float:
        span = self.plot_bottom - self.top
        return self.top + (HIGHEST - score) * span / (HIGHEST - LOWEST)

    def x_for(self, index: int, count: int) -> float:
        if count == 1:
            return (self.left + self.plot_right) / 2
        return self.left + index * (self.plot_right - self.left) / (count - 1)


def line_chart(history: ScoreHistory, *, narrow: bool = False) -> LineChart:
    """The wide chart for screens; the narrow one keeps text legible on a phone."""
    chart = LineChart(width=460, left=44, right=150, font_size=16) if narrow else LineChart()
    max_ticks = 3 if narrow else 8
    count = history.workshop_count
    chart.y_ticks = [(chart.y_for(level), level) for level in range(LOWEST, HIGHEST + 1)]
    # A handful of date labels, whatever the number of workshops.
    step = max(1, math.ceil(count / max_ticks))
    chart.x_ticks = [
        (chart.x_for(i, count), f"{when:%b %Y}")
        for i, when in enumerate(history.dates)
        if i % step == 0 or i == count - 1
    ]
    if len(chart.x_ticks) > 1 and (chart.x_ticks[-1][0] - chart.x_ticks[-2][0]) < 70:
        del chart.x_ticks[-2]
    for index, name in enumerate(history.areas):
        colour, dash, marker = STYLES[index % len(STYLES)]
        series = Series(name=name, colour=colour, dash=dash, marker_kind=marker)
        commands = []
        pen_down = False
        for i, score in enumerate(history.scores[index]):
            if score is None:
                pen_down = False
                continue
            x, y = chart.x_for(i, count), chart.y_for(score)
            series.points.append(Point(x, y, score, history.dates[i], marker_path(marker, x, y)))
            commands.append(f"{'L' if pen_down else 'M'}{_fmt(x)} {_fmt(y)}")
            pen_down = True
        series.path = "".join(commands)
        if series.points:
            last = series.points[-1]
            series.label_x = chart.plot_right + 14
            series.label_y = last.y
        chart.series.append(series)
    _spread_labels(chart.series, chart.top, chart.plot_bottom, gap=18)
    for series in chart.series:
        if series.points:
            series.label_marker = marker_path(
                series.marker_kind, series.label_x + 6, series.label_y, 5
            )
    chart.summary = line_summary(history)
    return chart


def _change(first: int, last: int) -> str:
    if last > first:
        return f"went up from {first} to {last}"
    if last < first:
        return f"went down from {first} to {last}"
    return f"stayed at {last}"


def line_summary(history: ScoreHistory) -> str:
    count = history.workshop_count
    if count == 0:
        return ""
    if count == 1:
        parts = [
            f"{name} {scores[0]}"
            for name, scores in zip(history.areas, history.scores, strict=True)
            if scores[0] is not None
        ]
        return (
            f"One workshop so far, on {history.dates[0]:%-d %B %Y}: {', '.join(parts)}. "
            "The lines appear after the next workshop."
        )
    sentences = [
        f"Agreed scores from {count} workshops, "
        f"{history.dates[0]:%-d %B %Y} to {history.dates[-1]:%-d %B %Y}."
    ]
    for name, scores in zip(history.areas, history.scores, strict=True):
        known = [s for s in scores if s is not None]
        if known:
            sentences.append(f"{name} {_change(known[0], known[-1])}.")
    return " ".join(sentences)


@dataclass
class RadarAxis:
    name: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass
class RadarChart:
    width: int = 500
    height: int = 440
    cx: float = 250
    cy: float = 210
    radius: float = 125
    axes: list[RadarAxis] = field(default_factory=list)
    rings: list[tuple[int, str, float, float]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    summary: str = ""

    def point(self, index: int, count: int, score: float) -> tuple[float, float]:
        """Where `score` sits on axis `index`: the centre is 0, the outer ring 5."""
        angle = -math.pi / 2 + index * 2 * math.pi / count
        r = self.radius * score / HIGHEST
        return self.cx + r * math.cos(angle), self.cy + r * math.sin(angle)


RADAR_STYLES = [
    # latest, then previous
    ("#005eb8", "", "circle"),
    ("#4c6272", "8 5", "square"),
]


def radar_chart(history: ScoreHistory) -> RadarChart:
    """The latest workshop against the one before (or alone, if it is the first)."""
    chart = RadarChart()
    count = len(history.areas)
    if count < 3 or history.workshop_count == 0:
        return chart
    for i, name in enumerate(history.areas):
        x, y = chart.point(i, count, HIGHEST)
        lx, ly = chart.point(i, count, HIGHEST + 0.6)
        cos = (x - chart.cx) / chart.radius
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        chart.axes.append(RadarAxis(name, x, y, lx, ly + 5, anchor))
    for level in range(LOWEST, HIGHEST + 1):
        ring = [chart.point(i, count, level) for i in range(count)]
        path = "M" + "L".join(f"{_fmt(x)} {_fmt(y)}" for x, y in ring) + "Z"
        label_x, label_y = chart.point(0, count, level)
        chart.rings.append((level, path, label_x + 8, label_y + 12))
    latest = history.workshop_count - 1
    columns = [latest] if latest == 0 else [latest, latest - 1]
    for n, column in enumerate(columns):
        colour, dash, marker = RADAR_STYLES[n]
        when = history.dates[column]
        series = Series(
            name=f"{'Latest' if n == 0 else 'Previous'}: {when:%-d %B %Y}",
            colour=colour,
            dash=dash,
            marker_kind=marker,
        )
        corners = []
        for i in range(count):
            score = history.scores[i][column]
            if score is None:
                continue
            x, y = chart.point(i, count, score)
            series.points.append(Point(x, y, score, when, marker_path(marker, x, y, 5)))
            corners.append(f"{_fmt(x)} {_fmt(y)}")
        series.path = ("M" + "L".join(corners) + "Z") if corners else ""
        # The legend sits under the chart: a sample of the line, its marker, the date.
        legend_x, legend_y = 8, chart.height - 40 + n * 26
        series.legend_line = f"M{legend_x} {legend_y}h44"
        series.label_marker = marker_path(marker, legend_x + 22, legend_y, 5)
        series.label_x, series.label_y = legend_x + 54, legend_y
        chart.series.append(series)
    chart.summary = radar_summary(history)
    return chart


def radar_summary(history: ScoreHistory) -> str:
    if history.workshop_count == 0:
        return ""
    latest = history.workshop_count - 1
    if latest == 0:
        return (
            f"The first workshop, on {history.dates[0]:%-d %B %Y}. "
            "There is no earlier workshop to set it against yet."
        )
    parts = []
    for name, scores in zip(history.areas, history.scores, strict=True):
        now, before = scores[latest], scores[latest - 1]
        if now is None or before is None:
            continue
        if now == before:
            parts.append(f"{name} {now} (no change)")
        else:
            parts.append(f"{name} {now} ({'up' if now > before else 'down'} from {before})")
    return (
        f"The latest workshop, on {history.dates[latest]:%-d %B %Y}, against the one before, "
        f"on {history.dates[latest - 1]:%-d %B %Y}: {'; '.join(parts)}."
    )
