"""Chart geometry: points land where the scores say."""

from datetime import date

import pytest

from teams.charts import LineChart, ScoreHistory, line_chart, radar_chart

AREAS = ["Collaboration", "Focus", "Culture", "Delivery", "Approach"]


def history(*columns, dates=None):
    dates = dates or [date(2026, 1 + i, 1) for i in range(len(columns))]
    return ScoreHistory(
        areas=AREAS, dates=dates, scores=[list(row) for row in zip(*columns, strict=True)]
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
    chart = LineChart()
    assert chart.y_for(5) == chart.top
    assert chart.y_for(1) == chart.plot_bottom
