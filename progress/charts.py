"""Server-side charts of one team's agreed scores on one maturity model,
drawn as inline SVG.

No JavaScript and no external service: the geometry is computed here and the
templates (`teams/_line_chart.html`, `teams/_radar_chart.html`) only draw it.
Nothing assumes a number of areas or levels: the y axis and the radar's rings
come from the model's scale (`ScoreHistory.scale`), and up to `MAX_AREAS`
series are told apart by colour *and* marker shape *and* dash pattern, with a
number at the end of each line keyed to a legend, so the charts read in
greyscale and for colour-blind people; each chart also comes with a text
summary and a table of the same numbers.

Only one team's scores on one model ever go into a chart: there is no way to
compare teams, and no axis mixes two models' scales.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

# One style per area, up to the largest model allowed (maturity.models.MAX_AREAS).
# Every colour has at least 4.5:1 contrast on white (WCAG AA, checked in
# tests/history/test_charts.py), and no two areas share a colour, a marker or
# a dash pattern, so each of the three alone tells the lines apart.
STYLES = [
    # colour, dash pattern, marker
    ("#005eb8", "", "circle"),
    ("#d5281b", "10 5", "square"),
    ("#007f3b", "3 4", "triangle"),
    ("#330072", "14 4 3 4", "diamond"),
    ("#212b32", "6 3", "cross"),
    ("#7c2855", "14 4 3 4 3 4", "triangle-down"),
    ("#a35200", "20 5", "star"),
    ("#006a63", "2 7", "hexagon"),
    ("#003087", "8 3 2 3", "x"),
    ("#6b6200", "16 3 6 3", "pentagon"),
    ("#4c6272", "1 3", "hourglass"),
    ("#ae2573", "24 4 4 4 4 4", "triangle-right"),
]

# An average character is about this share of the font size wide (for wrapping).
CHAR_WIDTH = 0.6


@dataclass
class ScoreHistory:
    """One team's agreed scores on one model: `scores[a][w]` is area `a`'s
    score at workshop `w` (None when it was not scored). Workshops are oldest
    first. `scale` is the model's scale, lowest first: (number, label)."""

    areas: list[str]
    dates: list[date]
    scores: list[list[int | None]]
    scale: list[tuple[int, str]]

    @property
    def workshop_count(self) -> int:
        return len(self.dates)

    @property
    def levels(self) -> int:
        """The top of the scale (a scale is numbered 1 to its size)."""
        return len(self.scale)


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
    number: int = 0
    points: list[Point] = field(default_factory=list)
    path: str = ""
    label_x: float = 0
    label_y: float = 0
    label_marker: str = ""
    legend_line: str = ""
    legend_marker: str = ""
    legend_x: float = 0
    legend_lines: list[tuple[float, str]] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _polygon(x: float, y: float, radius: float, corners: int, turn: float = 0) -> str:
    points = [
        (
            x + radius * math.cos(-math.pi / 2 + turn + i * 2 * math.pi / corners),
            y + radius * math.sin(-math.pi / 2 + turn + i * 2 * math.pi / corners),
        )
        for i in range(corners)
    ]
    return "M" + "L".join(f"{_fmt(px)} {_fmt(py)}" for px, py in points) + "Z"


def marker_path(kind: str, x: float, y: float, size: float = 6) -> str:
    """An SVG path for a marker centred on (x, y)."""
    s = size
    if kind == "square":
        return f"M{_fmt(x - s)} {_fmt(y - s)}h{_fmt(2 * s)}v{_fmt(2 * s)}h{_fmt(-2 * s)}Z"
    if kind in ("triangle", "triangle-down", "triangle-right"):
        turn = {"triangle": 0, "triangle-down": math.pi, "triangle-right": math.pi / 2}[kind]
        return _polygon(x, y, s * 1.3, 3, turn)
    if kind == "diamond":
        return _polygon(x, y, s * 1.25, 4)
    if kind == "pentagon":
        return _polygon(x, y, s * 1.15, 5)
    if kind == "hexagon":
        return _polygon(x, y, s * 1.1, 6, math.pi / 6)
    if kind == "star":
        outer, inner = s * 1.4, s * 0.6
        points = [
            (
                x + r * math.cos(-math.pi / 2 + i * math.pi / 5),
                y + r * math.sin(-math.pi / 2 + i * math.pi / 5),
            )
            for i, r in enumerate([outer, inner] * 5)
        ]
        return "M" + "L".join(f"{_fmt(px)} {_fmt(py)}" for px, py in points) + "Z"
    if kind == "hourglass":
        return (
            f"M{_fmt(x - s)} {_fmt(y - s)}h{_fmt(2 * s)}L{_fmt(x - s)} {_fmt(y + s)}h{_fmt(2 * s)}Z"
        )
    if kind in ("cross", "x"):
        t = s / 2.5
        arms = [
            (-t, -s), (t, -s), (t, -t), (s, -t), (s, t), (t, t),
            (t, s), (-t, s), (-t, t), (-s, t), (-s, -t), (-t, -t),
        ]  # fmt: skip
        if kind == "x":
            c = math.cos(math.pi / 4)
            arms = [(c * (dx - dy), c * (dx + dy)) for dx, dy in arms]
        return "M" + "L".join(f"{_fmt(x + dx)} {_fmt(y + dy)}" for dx, dy in arms) + "Z"
    # circle, drawn as a path so every marker is one element kind
    return (
        f"M{_fmt(x - s)} {_fmt(y)}a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(2 * s)} 0"
        f"a{_fmt(s)} {_fmt(s)} 0 1 0 {_fmt(-2 * s)} 0Z"
    )


def wrap(text: str, width: float, font_size: float) -> list[str]:
    """Split text into lines about `width` wide (SVG text does not wrap itself).
    A word longer than a line gets a line of its own rather than being cut."""
    most = max(4, int(width / (font_size * CHAR_WIDTH)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _spread_labels(series: list[Series], top: float, bottom: float, gap: float) -> None:
    """Move direct labels apart vertically so none overlaps (the lines stay put)."""
    placed = sorted((s for s in series if s.points), key=lambda s: (s.label_y, s.number))
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
    # Labels pushed up past the top come back down, and push down the ones
    # under them again: labels stay apart even when they crowd both ends.
    for s in placed:
        s.label_y = max(s.label_y, top)
    for before, after in zip(placed, placed[1:], strict=False):
        if after.label_y - before.label_y < gap:
            after.label_y = before.label_y + gap


@dataclass
class LineChart:
    levels: int  # the top of the model's scale; the bottom is 1
    width: int = 680
    left: int = 56
    right: int = 56  # room for the numbers at the ends of the lines
    top: int = 20
    plot_height: int = 220
    font_size: int = 14
    legend_columns: int = 2
    # A legend beside the plot, this wide (a wide screen has room across, not
    # down); 0 puts it under the plot, in `legend_columns` columns.
    legend_width: int = 0
    height: int = 0  # set once the legend is laid out
    series: list[Series] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    summary: str = ""

    @property
    def plot_right(self) -> int:
        return self.width - self.right - self.legend_width

    @property
    def plot_bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def axis_label_y(self) -> int:
        return self.top + self.plot_height // 2

    def y_for(self, score: float) -> float:
        """1 sits on the bottom line, the top of the scale on the top line."""
        return self.top + (self.levels - score) * self.plot_height / max(1, self.levels - 1)

    def x_for(self, index: int, count: int) -> float:
        if count == 1:
            return (self.left + self.plot_right) / 2
        return self.left + index * (self.plot_right - self.left) / (count - 1)


def line_chart(history: ScoreHistory, *, narrow: bool = False) -> LineChart:
    """The wide chart for screens; the narrow one keeps text legible on a phone."""
    if narrow:
        chart = LineChart(
            history.levels, width=460, left=44, plot_height=264, font_size=16, legend_columns=1
        )
    else:
        chart = LineChart(
            history.levels, width=960, plot_height=240, font_size=16, legend_width=380
        )
    max_ticks = 3 if narrow else 6
    count = history.workshop_count
    chart.y_ticks = [(chart.y_for(level), level) for level, _label in history.scale]
    # A handful of date labels, whatever the number of workshops.
    step = max(1, math.ceil(count / max_ticks))
    chart.x_ticks = [
        (chart.x_for(i, count), f"{when:%b %Y}")
        for i, when in enumerate(history.dates)
        if i % step == 0 or i == count - 1
    ]
    if len(chart.x_ticks) > 1 and (chart.x_ticks[-1][0] - chart.x_ticks[-2][0]) < 70:
        del chart.x_ticks[-2]
    dodges = _dodges(history, chart)
    for index, name in enumerate(history.areas):
        colour, dash, marker = STYLES[index % len(STYLES)]
        series = Series(name=name, colour=colour, dash=dash, marker_kind=marker, number=index + 1)
        commands = []
        pen_down = False
        for i, score in enumerate(history.scores[index]):
            if score is None:
                pen_down = False
                continue
            x, y = chart.x_for(i, count), chart.y_for(score) + dodges[index][i]
            series.points.append(Point(x, y, score, history.dates[i], marker_path(marker, x, y)))
            commands.append(f"{'L' if pen_down else 'M'}{_fmt(x)} {_fmt(y)}")
            pen_down = True
        series.path = "".join(commands)
        if series.points:
            series.label_x = chart.plot_right + 12
            series.label_y = series.points[-1].y
        chart.series.append(series)
    _spread_labels(chart.series, chart.top, chart.plot_bottom, gap=chart.font_size + 4)
    for series in chart.series:
        if series.points:
            series.label_marker = marker_path(
                series.marker_kind, series.label_x + 6, series.label_y, 5
            )
    _line_legend(chart)
    chart.summary = line_summary(history)
    return chart


# How far apart (in the drawing's units) lines that share a point are drawn:
# more than the 3-unit stroke, so a thin gap shows between neighbours.
DODGE = 6


def _dodges(history: ScoreHistory, chart: LineChart) -> list[list[float]]:
    """How far each point is moved up or down, so areas with the same score
    at a workshop are drawn side by side rather than on top of each other
    (where only the last line drawn would show). The areas that tie are
    spread evenly around the score's level line (above the bottom one, below
    the top one), in area order, never over more than half the way to the
    next level, so a point still reads as its score; the tables and
    summaries keep the exact numbers."""
    dodges = [[0.0] * history.workshop_count for _ in history.areas]
    level_gap = chart.plot_height / max(1, chart.levels - 1)
    for i in range(history.workshop_count):
        tied: dict[int, list[int]] = {}
        for index, scores in enumerate(history.scores):
            if scores[i] is not None:
                tied.setdefault(scores[i], []).append(index)
        for score, indexes in tied.items():
            if len(indexes) < 2:
                continue
            step = min(DODGE, level_gap / 2 / (len(indexes) - 1))
            # Around the level line; above the bottom line, below the top one, so
            # no line leaves the plot (or runs into the dates under it).
            first = {1: 1 - len(indexes), chart.levels: 0}.get(score, (1 - len(indexes)) / 2)
            for rank, index in enumerate(indexes):
                dodges[index][i] = (first + rank) * step
    return dodges


def _line_legend(chart: LineChart) -> None:
    """Beside the plot or under it: for each area its line, marker, number and
    whole name, in columns, wrapped so long names stay inside the chart."""
    line_height = chart.font_size + 5
    sample = 40
    if chart.legend_width:
        left, columns, y = chart.width - chart.legend_width + 8, 1, chart.top + 6
    else:
        left, columns, y = 8, chart.legend_columns, chart.plot_bottom + 56
    column_width = (chart.width - left - 8) / columns
    text_width = column_width - sample - 20
    shown = chart.series
    for start in range(0, len(shown), columns):
        row = shown[start : start + columns]
        tallest = 1
        for column, series in enumerate(row):
            x = left + column * column_width
            lines = wrap(f"{series.number} {series.name}", text_width, chart.font_size)
            lines[0] = lines[0][len(str(series.number)) :]  # the template draws it in bold
            tallest = max(tallest, len(lines))
            series.legend_line = f"M{_fmt(x)} {_fmt(y)}h{sample}"
            series.legend_marker = marker_path(series.marker_kind, x + sample / 2, y, 5)
            series.legend_x = x + sample + 8
            series.legend_lines = [(y + i * line_height, text) for i, text in enumerate(lines)]
        y += tallest * line_height + (4 if chart.legend_width else 8)
    # Room under the plot for the dates, whichever is taller.
    chart.height = math.ceil(max(y, chart.plot_bottom + 40))


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
            f"One workshop so far, on {history.dates[0]:%-d %B %Y}: {', '.join(parts)} "
            f"(on a scale of 1 to {history.levels}). The lines appear after the next workshop."
        )
    sentences = [
        f"Agreed scores from {count} workshops, "
        f"{history.dates[0]:%-d %B %Y} to {history.dates[-1]:%-d %B %Y}, "
        f"on a scale of 1 to {history.levels}."
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
    anchor: str
    label_x: float = 0
    lines: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class RadarChart:
    levels: int  # the outer ring is the top of the model's scale
    width: int = 640
    height: int = 0
    cx: float = 320
    cy: float = 0
    radius: float = 130
    font_size: int = 16
    axes: list[RadarAxis] = field(default_factory=list)
    rings: list[tuple[int, str, float, float]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    # The narrow drawing's key: (area number, [(y, line of its name)]).
    key: list[tuple[int, list[tuple[float, str]]]] = field(default_factory=list)
    summary: str = ""

    def point(self, index: int, count: int, score: float) -> tuple[float, float]:
        """Where `score` sits on axis `index`: the centre is 0, the outer ring
        the top of the scale."""
        return self._at(index, count, self.radius * score / self.levels)

    def _at(self, index: int, count: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + index * 2 * math.pi / count
        return self.cx + r * math.cos(angle), self.cy + r * math.sin(angle)


RADAR_STYLES = [
    # latest, then previous
    ("#005eb8", "", "circle"),
    ("#4c6272", "8 5", "square"),
]


def radar_chart(history: ScoreHistory, *, narrow: bool = False) -> RadarChart:
    """The latest workshop against the one before (or alone, if it is the first).
    A radar needs three areas or more; with fewer it stays empty (no axes).

    The narrow drawing (for phones) labels each axis with the area's number,
    as the line chart does, and names the areas in a key under the circle:
    names around a phone-sized circle would leave no room for the circle."""
    if narrow:
        chart = RadarChart(history.levels, width=400, cx=200, radius=150, font_size=18)
    else:
        chart = RadarChart(history.levels)
    count = len(history.areas)
    if count < 3 or history.workshop_count == 0:
        return chart
    line_height = chart.font_size + 3
    gap = 12
    # A word is never split, so the circle shrinks until the longest word fits beside it.
    labels = [str(n) for n in range(1, count + 1)] if narrow else history.areas
    longest = max(len(word) for name in labels for word in name.split())
    chart.radius = min(chart.radius, chart.cx - 6 - gap - longest * chart.font_size * CHAR_WIDTH)
    top_extent, bottom_extent = chart.radius, chart.radius
    # Laid out around a centre at y=0 first; moved down once the labels' height is known.
    for i, (name, label) in enumerate(zip(history.areas, labels, strict=True)):
        x, y = chart.point(i, count, chart.levels)
        lx, ly = chart._at(i, count, chart.radius + gap)
        cos = (x - chart.cx) / chart.radius
        sin = y / chart.radius
        if abs(cos) < 0.2:
            anchor, width = "middle", chart.radius * 1.5
        else:
            # From the end of the axis to the edge of the chart.
            anchor = "start" if cos > 0 else "end"
            width = chart.width - 6 - lx if cos > 0 else lx - 6
        lines = wrap(label, width, chart.font_size)
        if abs(cos) < 0.2 and sin < 0:
            first = ly - (len(lines) - 1) * line_height  # above the top, growing upwards
        elif abs(cos) < 0.2:
            first = ly + chart.font_size  # below the bottom, growing downwards
        else:
            first = ly + 5 - (len(lines) - 1) * line_height / 2 + sin * line_height / 2
        axis = RadarAxis(name, x, y, anchor, lx)
        axis.lines = [(first + n * line_height, text) for n, text in enumerate(lines)]
        chart.axes.append(axis)
        top_extent = max(top_extent, -(first - chart.font_size))
        bottom_extent = max(bottom_extent, axis.lines[-1][0] + 5)
    chart.cy = math.ceil(top_extent) + 8
    for axis in chart.axes:
        axis.y += chart.cy
        axis.lines = [(y + chart.cy, text) for y, text in axis.lines]
    for level, _label in history.scale:
        ring = [chart.point(i, count, level) for i in range(count)]
        path = "M" + "L".join(f"{_fmt(x)} {_fmt(y)}" for x, y in ring) + "Z"
        label_x, label_y = chart.point(0, count, level)
        chart.rings.append((level, path, label_x + 8, label_y + 12))
    legend_top = chart.cy + bottom_extent + 24
    if narrow:
        key_size = 16
        for number, name in enumerate(history.areas, start=1):
            lines = wrap(f"{number} {name}", chart.width - 16, key_size)
            lines[0] = lines[0][len(str(number)) :]  # the template draws it in bold
            chart.key.append(
                (number, [(legend_top + n * (key_size + 4), text) for n, text in enumerate(lines)])
            )
            legend_top += len(lines) * (key_size + 4) + 4
        legend_top += 16
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
        legend_x, legend_y = 8, legend_top + n * 26
        series.legend_line = f"M{legend_x} {_fmt(legend_y)}h44"
        series.label_marker = marker_path(marker, legend_x + 22, legend_y, 5)
        series.label_x, series.label_y = legend_x + 54, legend_y
        chart.series.append(series)
    chart.height = math.ceil(legend_top + (len(columns) - 1) * 26 + 16)
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
