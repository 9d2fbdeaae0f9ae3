"""Chart geometry: what the SVG templates draw."""
from reports import charts


def test_donut_segments_cover_the_circle_in_light_order():
    d = charts.donut({"red": 2, "yellow": 1, "green": 1, "done": 0})
    assert [s.code for s in d.segments] == ["red", "yellow", "green", "done"]
    assert round(sum(s.dash for s in d.segments), 1) == round(d.circumference, 1)
    assert [s.percent for s in d.segments] == [50, 25, 25, 0]
    assert d.summary == "共4项：红灯2项，黄灯1项，绿灯1项，已完成0项。"
    assert charts.donut({}).summary == "暂无数据。"


def test_stacked_bars_scale_to_the_largest_group():
    chart = charts.stacked_bars([
        {"label": "甲", "counts": {"red": 1, "green": 3}}, {"label": "乙", "counts": {"green": 2}},
    ], width=600, label_width=100)
    first, second = chart.rows
    assert sum(s.width for s in first.segments) == chart.bar_width
    assert sum(s.width for s in second.segments) == chart.bar_width / 2
    assert [s.code for s in first.segments] == ["red", "green"]


def test_rate_columns_and_value_bars():
    cols = charts.rate_columns([{"label": "2026年1月", "rate": 100}, {"label": "2026年2月", "rate": None}])
    assert cols.columns[0].height == cols.plot_bottom - cols.plot_top and cols.columns[0].level == "good"
    assert cols.columns[1].value_text == "—" and cols.columns[1].level == "none"
    bars = charts.value_bars([{"label": "x", "value": 5, "text": "5"}], maximum=10, target=4.5)
    assert bars.bars[0].width == bars.bar_width / 2 and bars.target_x is not None


def test_matrix_labels_and_words():
    m = charts.matrix([{"label": "甲单位", "cells": ["on_time", "missing"]}],
                      [("12月", "2025年12月"), ("1月", "2026年1月")])
    assert [c.word for c in m.cells] == ["按时报送并通过", "逾期未报"]
    assert [y for y, _ in m.years] == ["2026年"]  # no room for a one-column 2025 label
    assert charts.clip("一二三四五六七八九十", 60) == "一二三四…"
