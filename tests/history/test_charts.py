"""Chart geometry: points land where the scores say."""

from datetime import date

import pytest

from progress.charts import (
    CHAR_WIDTH,
    STYLES,
    LineChart,
    ScoreHistory,
    line_chart,
    marker_path,
    radar_chart,
)

AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]


def scale(levels):
    return [(n, f"Level {n}") for n in range(1, levels + 1)]


def history(*columns, dates=None, areas=AREAS, levels=5):
    dates = dates or [date(2026, 1 + i % 12, 1) for i in range(len(columns))]
    return ScoreHistory(
        areas=areas,
        dates=dates,
        scores=[list(row) for row in zip(*columns, strict=True)],
        scale=scale(levels),
    )


def test_scores_land_on_their_level_lines():
    chart = line_chart(history([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]))
    by_name = {s.name: s for s in chart.series}
    assert by_name["Collaboration"].points[0].y == chart.plot_bottom  # 1 at the bottom
    assert by_name["Approach"].points[0].y == chart.top  # 5 at the top
    assert by_name["Culture"].points[0].y == (chart.top + chart.plot_bottom) / 2
    # Each level is a quarter of the plot height apart.
    step = (chart.plot_bottom - chart.top) / 4
    assert by_name["Focus"].points[0].y == pytest.approx(chart.plot_bottom - step)
    assert by_name["Focus"].points[1].y == pytest.approx(chart.top + step)
    # The y ticks sit where the points do.
    assert {level: y for y, level in chart.y_ticks}[2] == by_name["Focus"].points[0].y


def test_workshops_are_spread_evenly_oldest_on_the_left():
    chart = line_chart(history([1] * 5, [2] * 5, [3] * 5))
    xs = [p.x for p in chart.series[0].points]
    assert xs[0] == chart.left
    assert xs[-1] == chart.plot_right
    assert xs[1] == pytest.approx((chart.left + chart.plot_right) / 2)
    assert [p.score for p in chart.series[0].points] == [1, 2, 3]


def test_the_path_goes_through_every_point_and_breaks_at_a_missing_score():
    chart = line_chart(history([2, 2, 2, 2, 2], [None, 3, 3, 3, 3], [4, 4, 4, 4, 4]))
    collaboration = chart.series[0]
    assert len(collaboration.points) == 2
    assert collaboration.path.count("M") == 2  # a gap, not a line through the missing score
    focus = chart.series[1]
    assert focus.path.count("M") == 1 and focus.path.count("L") == 2


def test_one_workshop_draws_points_in_the_middle_and_says_lines_come_later():
    chart = line_chart(history([3, 2, 4, 1, 5]))
    assert all(len(s.points) == 1 for s in chart.series)
    assert chart.series[0].points[0].x == (chart.left + chart.plot_right) / 2
    assert "One workshop so far" in chart.summary


def test_series_differ_by_more_than_colour():
    chart = line_chart(history([1, 2, 3, 4, 5], [2, 3, 4, 5, 1]))
    assert len({s.marker_kind for s in chart.series}) == 5
    assert len({s.dash for s in chart.series}) == 5


def test_direct_labels_never_overlap_even_when_scores_tie():
    chart = line_chart(history([3, 3, 3, 3, 3]))
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= 18 for a, b in zip(ys, ys[1:], strict=False))
    assert ys[0] >= chart.top and ys[-1] <= chart.plot_bottom


def test_direct_labels_stay_apart_when_they_crowd_the_top_and_the_bottom():
    # Three areas end at the top, two at the bottom and six between: moved up to make
    # room at the bottom, the top ones must not end up on top of each other.
    areas = [f"Area {n}" for n in range(1, 12)]
    last = [3, 3, 4, 4, 1, 1, 2, 2, 3, 3, 4]
    for narrow in (False, True):
        chart = line_chart(history([1] * 11, last, areas=areas, levels=4), narrow=narrow)
        ys = sorted(s.label_y for s in chart.series)
        assert all(b - a >= chart.font_size for a, b in zip(ys, ys[1:], strict=False)), ys
        assert ys[0] >= chart.top


def test_summary_says_how_each_area_moved():
    chart = line_chart(history([2, 3, 1, 4, 2], [3, 3, 2, 4, 1]))
    assert "Collaboration went up from 2 to 3" in chart.summary
    assert "Focus stayed at 3" in chart.summary
    assert "Approach went down from 2 to 1" in chart.summary


def test_many_workshops_keep_the_date_labels_few():
    dates = [date(2020 + i // 12, 1 + i % 12, 1) for i in range(50)]
    chart = line_chart(history(*[[3] * 5] * 50, dates=dates))
    assert len(chart.x_ticks) <= 9


def test_radar_points_sit_on_their_axis_at_the_score_radius():
    chart = radar_chart(history([2, 3, 1, 4, 2], [5, 3, 2, 4, 1]))
    latest, previous = chart.series
    assert latest.name.startswith("Latest") and previous.name.startswith("Previous")
    # The first axis points straight up: a 5 is on the outer ring.
    top = latest.points[0]
    assert top.x == pytest.approx(chart.cx)
    assert top.y == pytest.approx(chart.cy - chart.radius)
    # A 2 on the same axis is two fifths of the way out.
    assert previous.points[0].y == pytest.approx(chart.cy - chart.radius * 2 / 5)
    # Every point is at score/5 of the radius from the centre.
    for series, column in ((latest, [5, 3, 2, 4, 1]), (previous, [2, 3, 1, 4, 2])):
        for point, score in zip(series.points, column, strict=True):
            distance = ((point.x - chart.cx) ** 2 + (point.y - chart.cy) ** 2) ** 0.5
            assert distance == pytest.approx(chart.radius * score / 5)


def test_radar_with_one_workshop_shows_it_alone():
    chart = radar_chart(history([3, 2, 4, 1, 5]))
    assert len(chart.series) == 1
    assert "no earlier workshop" in chart.summary


def test_radar_summary_names_each_change():
    chart = radar_chart(history([2, 3, 1, 4, 2], [3, 3, 2, 4, 1]))
    assert "Collaboration 3 (up from 2)" in chart.summary
    assert "Focus 3 (no change)" in chart.summary
    assert "Approach 1 (down from 2)" in chart.summary


def test_line_chart_y_scale_is_linear():
    chart = LineChart(levels=5)
    assert chart.y_for(5) == chart.top
    assert chart.y_for(1) == chart.plot_bottom


# Any scale, any number of areas ------------------------------------------


def test_a_four_level_model_has_four_ticks_and_four_rings_and_4_is_the_top():
    four = history([1, 2, 3, 4], [4, 4, 3, 2], areas=AREAS[:4], levels=4)
    line = line_chart(four)
    assert [level for _y, level in line.y_ticks] == [1, 2, 3, 4]
    assert line.y_ticks[-1][0] == line.top and line.y_ticks[0][0] == line.plot_bottom
    assert line.series[3].points[0].y == line.top  # a 4 is at the top, not four fifths up
    radar = radar_chart(four)
    assert [level for level, *_ in radar.rings] == [1, 2, 3, 4]
    top = radar.series[0].points[0]  # the latest 4 on the first axis: the outer ring
    assert top.y == pytest.approx(radar.cy - radar.radius)
    previous = radar.series[1].points[0]  # a 1 is a quarter of the way out
    assert previous.y == pytest.approx(radar.cy - radar.radius / 4)


def test_a_seven_level_model_puts_7_at_the_top():
    seven = history([7, 1, 4], [6, 2, 4], areas=AREAS[:3], levels=7)
    line = line_chart(seven)
    assert len(line.y_ticks) == 7
    assert line.series[0].points[0].y == line.top
    assert line.series[1].points[0].y == line.plot_bottom
    assert line.series[2].points[0].y == pytest.approx((line.top + line.plot_bottom) / 2)
    assert len(radar_chart(seven).rings) == 7


def test_twelve_areas_are_twelve_series_distinguishable_three_ways():
    areas = [f"Area {n}" for n in range(1, 13)]
    chart = line_chart(history(list(range(1, 13)), [3] * 12, areas=areas, levels=12))
    assert len(chart.series) == 12
    assert len({s.colour for s in chart.series}) == 12
    assert len({s.marker_kind for s in chart.series}) == 12
    assert len({s.dash for s in chart.series}) == 12
    # Different kinds draw different shapes, not one shape under twelve names.
    assert len({marker_path(kind, 0, 0) for _c, _d, kind in STYLES}) == len(STYLES) == 12
    # The numbers at the ends of the lines do not overlap, even when all twelve tie.
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= chart.font_size for a, b in zip(ys, ys[1:], strict=False))
    assert ys[0] >= chart.top and ys[-1] <= chart.plot_bottom


def _contrast_on_white(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("colour", [c for c, _d, _m in STYLES])
def test_every_series_colour_meets_aa_contrast_on_white(colour):
    assert _contrast_on_white(colour) >= 4.5


LONG = [
    "Understanding users and their needs",
    "Continuous integration and delivery",
    "Technical debt and sustainability",
    "Working in the open and reuse",
    "Accessibility and inclusion",
    "Research in the team's rhythm",
    "Measuring what matters to users",
]


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("count", [2, 3, 7, 12])
def test_long_area_names_stay_inside_the_charts(narrow, count):
    areas = [LONG[i % len(LONG)] + f" {i}" for i in range(count)]
    data = history([3] * count, [4] * count, areas=areas, levels=6)
    line = line_chart(data, narrow=narrow)
    for s in line.series:
        assert "".join(text for _y, text in s.legend_lines).strip().endswith(s.name.split()[-1])
        for y, text in s.legend_lines:
            width = (len(text) + 3) * line.font_size * CHAR_WIDTH
            assert s.legend_x + width <= line.width
            assert y <= line.height
            # Beside the plot, clear of the numbers at the ends of the lines, or under it,
            # clear of the dates.
            assert s.legend_x > line.plot_right + 40 or line.plot_bottom + 30 < y
    radar = radar_chart(data, narrow=narrow)
    if count < 3:
        assert radar.axes == [] and radar.series == []  # no radar of two spokes
        return
    for axis in radar.axes:
        for y, text in axis.lines:
            width = len(text) * radar.font_size * CHAR_WIDTH
            left = {"start": axis.label_x, "end": axis.label_x - width}.get(
                axis.anchor, axis.label_x - width / 2
            )
            assert 0 <= left and left + width <= radar.width, (axis.name, text)
            assert radar.font_size <= y <= radar.height
    assert radar.cy - radar.radius > 0
    assert all(s.label_y < radar.height for s in radar.series)
    if narrow:
        # A phone's radar numbers its spokes and names them in a key below.
        assert [axis.lines[0][1] for axis in radar.axes] == [str(n) for n in range(1, count + 1)]
        assert [number for number, _lines in radar.key] == list(range(1, count + 1))
        for _number, lines in radar.key:
            for y, text in lines:
                assert 8 + (len(text) + 2) * 16 * CHAR_WIDTH <= radar.width
                assert radar.cy + radar.radius < y < radar.series[0].label_y
    else:
        assert radar.key == []


@pytest.mark.parametrize("narrow", [False, True])
def test_lines_that_share_their_points_are_drawn_apart_each_with_its_own_marker_and_dash(narrow):
    # Engineering quality's demo: areas 1, 4 and 7 both times at 1 then 3, areas 3 and 6 at 2
    # then 4, areas 2 and 5 at 2 then 3: drawn where the scores are, they would lie on
    # top of one another and only the last colour would show.
    areas = [f"Area {n}" for n in range(1, 8)]
    data = history([1, 2, 2, 1, 2, 2, 1], [3, 3, 4, 3, 3, 4, 3], areas=areas, levels=4)
    chart = line_chart(data, narrow=narrow)
    paths = [s.path for s in chart.series]
    assert len(set(paths)) == len(paths)  # no line hidden under another
    step = chart.plot_height / (chart.levels - 1)
    for tied in ([0, 3, 6], [2, 5], [1, 4]):
        lines = [chart.series[i] for i in tied]
        for workshop in (0, 1):
            ys = sorted(s.points[workshop].y for s in lines)
            # Apart by more than the 3-unit stroke, so each line's colour shows beside the next...
            assert all(b - a > 3 for a, b in zip(ys, ys[1:], strict=False))
            # ...and still nearer its own score's level line than the next one.
            level = chart.y_for(lines[0].points[workshop].score)
            assert all(abs(y - level) <= step / 2 for y in ys)
        assert len({s.marker_kind for s in lines}) == len({s.dash for s in lines}) == len(lines)
    # Nothing is pushed out of the plot: the lowest score sits on or above the bottom line.
    assert all(chart.top <= p.y <= chart.plot_bottom for s in chart.series for p in s.points)


def test_the_legend_draws_each_line_with_its_own_dash_and_marker():
    import re

    from django.template.loader import render_to_string

    areas = [f"Area {n}" for n in range(1, 4)]
    chart = line_chart(history([2, 2, 2], [3, 3, 3], areas=areas))  # all three tie twice
    svg = render_to_string(
        "teams/_line_chart.html",
        {"line": chart, "prefix": "m", "model_name": "M", "variant": "wide"},
    )
    groups = svg.split('<g class="app-chart__series"')[1:]
    dashes = []
    for series, group in zip(chart.series, groups, strict=True):
        drawn, legend = group.split('class="app-chart__legend-line"')
        dash = re.findall(r'stroke-dasharray="([^"]+)"', drawn)
        # The legend's sample has the line's dash pattern, and its marker's shape.
        assert re.findall(r'stroke-dasharray="([^"]+)"', legend) == dash
        assert series.legend_marker in legend
        x, y = map(float, series.legend_line[1:].split("h")[0].split())
        assert series.legend_marker == marker_path(series.marker_kind, x + 20, y, 5)
        dashes.append(tuple(dash))
    assert len(set(dashes)) == 3
    assert len({s.marker_kind for s in chart.series}) == 3


def test_an_unchanged_radar_still_shows_the_workshop_before_over_the_latest():
    import re

    from django.template.loader import render_to_string

    chart = radar_chart(history([2, 3, 1, 4, 2], [2, 3, 1, 4, 2]))  # nothing moved
    latest, before = chart.series
    assert latest.path == before.path  # the same shape: one must not hide the other
    svg = render_to_string(
        "teams/_radar_chart.html",
        {"radar": chart, "prefix": "m", "model_name": "M", "variant": "wide"},
    )
    drawn = re.findall(r'<g class="app-chart__series" data-series="([^"]+)"', svg)
    assert drawn == [latest.name, before.name]  # the one before is drawn last, on top...
    on_top = svg.split(f'data-series="{before.name}"')[1].split("</g>")[0]
    assert f'stroke-dasharray="{before.dash}"' in on_top  # ...dashed, so the latest shows through
    points = re.findall(r'class="app-chart__point"[^>]*', on_top)
    assert len(points) == 5 and all('fill="none"' in p for p in points)  # and hollow markers
