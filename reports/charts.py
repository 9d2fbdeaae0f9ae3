"""Chart geometry for server-drawn SVG. These functions only compute numbers
(positions, widths, labels); the templates in templates/reports/charts/ draw
them as inline SVG. No JavaScript, no chart library, nothing from the
internet. Every chart on a page is accompanied by a table or a sentence
saying the same thing, and colours always come with a word."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from progress.lights import DONE, GREEN, LABELS, RED, YELLOW

LIGHT_ORDER = (RED, YELLOW, GREEN, DONE)
SHORT = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", DONE: "已完成"}


def text_width(text: str, size: float = 12) -> float:
    """Rough rendered width: CJK characters are square, others about 0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in str(text))


def clip(text: str, width: float, size: float = 12) -> str:
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


# ---------------------------------------------------------------- donut


@dataclass
class DonutSegment:
    code: str
    label: str
    count: int
    dash: float
    gap: float
    offset: float
    percent: int


@dataclass
class Donut:
    total: int
    segments: list[DonutSegment]
    radius: float = 60
    stroke: float = 22
    size: int = 170

    @property
    def centre(self) -> float:
        return self.size / 2

    @property
    def circumference(self) -> float:
        return 2 * math.pi * self.radius

    @property
    def summary(self) -> str:
        parts = "，".join(f"{s.label}{s.count}项" for s in self.segments)
        return f"共{self.total}项：{parts}。" if self.total else "暂无数据。"


def donut(counts: dict[str, int], *, radius: float = 60, stroke: float = 22) -> Donut:
    total = sum(counts.get(code, 0) for code in LIGHT_ORDER)
    circumference = 2 * math.pi * radius
    segments, run = [], 0.0
    for code in LIGHT_ORDER:
        n = counts.get(code, 0)
        length = circumference * n / total if total else 0
        segments.append(DonutSegment(
            code=code, label=SHORT[code], count=n, dash=round(length, 2), gap=round(circumference - length, 2),
            # SVG circles start at 3 o'clock; begin at 12 and go clockwise.
            offset=round(circumference / 4 - run, 2), percent=round(n * 100 / total) if total else 0,
        ))
        run += length
    return Donut(total=total, segments=segments, radius=radius, stroke=stroke, size=int(2 * (radius + stroke)))


# ---------------------------------------------------------------- stacked horizontal bars


@dataclass
class Segment:
    code: str
    label: str
    count: int
    x: float
    width: float

    @property
    def show_count(self) -> bool:
        return self.width >= 18


@dataclass
class StackedRow:
    label: str
    full_label: str
    y: float
    total: int
    segments: list[Segment]
    url: str = ""


@dataclass
class StackedBars:
    rows: list[StackedRow]
    width: int
    height: int
    label_width: int
    bar_width: int
    bar_height: int
    legend: list[tuple[str, str]] = field(default_factory=list)


def stacked_bars(groups: list[dict], *, width: int = 720, label_width: int = 250, bar_height: int = 20,
                 gap: int = 10) -> StackedBars:
    """groups: [{"label", "counts": {code: n}, "url"?}] → one bar per group,
    scaled to the largest total so bar length compares sizes too."""
    bar_width = width - label_width - 50
    top = max((sum(g["counts"].values()) for g in groups), default=0) or 1
    rows, y = [], 6.0
    for g in groups:
        x = float(label_width)
        segments = []
        for code in LIGHT_ORDER:
            n = g["counts"].get(code, 0)
            w = bar_width * n / top
            if n:
                segments.append(Segment(code=code, label=SHORT[code], count=n, x=round(x, 1), width=round(w, 1)))
            x += w
        rows.append(StackedRow(
            label=clip(g["label"], label_width - 12), full_label=g["label"], y=y,
            total=sum(g["counts"].values()), segments=segments, url=g.get("url", ""),
        ))
        y += bar_height + gap
    return StackedBars(
        rows=rows, width=width, height=int(y) + 4, label_width=label_width, bar_width=bar_width,
        bar_height=bar_height, legend=[(code, SHORT[code]) for code in LIGHT_ORDER],
    )


# ---------------------------------------------------------------- columns (rates by period)


@dataclass
class Column:
    label: str
    full_label: str
    value: float | None
    x: float
    y: float
    height: float
    value_text: str
    level: str


@dataclass
class Columns:
    columns: list[Column]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    column_width: float
    gridlines: list[tuple[float, str]]
    target_y: float | None = None
    target_text: str = ""


def rate_columns(points: list[dict], *, width: int = 720, height: int = 220, target: float | None = None
                 ) -> Columns:
    """points: [{"label", "short", "rate": Decimal|None}] → columns on a 0–100 % axis."""
    left, right, top, bottom = 40, 10, 18, 34
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (width - left - right) / n
    col_w = min(44.0, slot * 0.7)
    columns = []
    for i, p in enumerate(points):
        value = float(p["rate"]) if p.get("rate") is not None else None
        h = plot_h * (value or 0) / 100
        level = "none" if value is None else ("good" if value >= 90 else "fair" if value >= 60 else "poor")
        columns.append(Column(
            label=p.get("short", p["label"]), full_label=p["label"], value=value,
            x=round(left + slot * i + (slot - col_w) / 2, 1), y=round(top + plot_h - h, 1), height=round(h, 1),
            value_text="—" if value is None else f"{value:.0f}%", level=level,
        ))
    grid = [(round(top + plot_h * (1 - v / 100), 1), f"{v}%") for v in (0, 50, 100)]
    target_y = round(top + plot_h * (1 - target / 100), 1) if target is not None else None
    return Columns(
        columns=columns, width=width, height=height, plot_top=top, plot_bottom=top + plot_h,
        column_width=round(col_w, 1), gridlines=grid, target_y=target_y,
        target_text=f"目标 {target:.0f}%" if target is not None else "",
    )


# ---------------------------------------------------------------- horizontal value bars


@dataclass
class ValueBar:
    label: str
    full_label: str
    y: float
    width: float
    value_text: str
    css: str = ""


@dataclass
class ValueBars:
    bars: list[ValueBar]
    width: int
    height: int
    label_width: int
    bar_width: int
    bar_height: int
    target_x: float | None = None
    target_text: str = ""


def value_bars(items: list[dict], *, maximum: float, width: int = 720, label_width: int = 200,
               bar_height: int = 18, gap: int = 10, target: float | None = None, target_text: str = ""
               ) -> ValueBars:
    """items: [{"label", "value", "text", "css"?}] on a shared 0…maximum axis."""
    bar_width = width - label_width - 70
    maximum = maximum or 1
    bars, y = [], 6.0
    for item in items:
        value = float(item["value"] or 0)
        bars.append(ValueBar(
            label=clip(item["label"], label_width - 10), full_label=item["label"], y=y,
            width=round(bar_width * min(value, maximum) / maximum, 1), value_text=item["text"],
            css=item.get("css", ""),
        ))
        y += bar_height + gap
    target_x = round(label_width + bar_width * min(target, maximum) / maximum, 1) if target is not None else None
    return ValueBars(
        bars=bars, width=width, height=int(y) + (18 if target is not None else 4), label_width=label_width,
        bar_width=bar_width, bar_height=bar_height, target_x=target_x, target_text=target_text,
    )


# ---------------------------------------------------------------- matrix (units × periods)


MATRIX_WORDS = {
    "on_time": "按时报送并通过", "late": "逾期报送后通过", "missing": "逾期未报", "open": "未到截止日", "done": "已完成免报",
}


@dataclass
class MatrixCell:
    x: float
    y: float
    state: str
    word: str
    title: str


@dataclass
class Matrix:
    rows: list[tuple[str, str, float]]
    columns: list[tuple[str, float]]
    years: list[tuple[str, float]]
    cells: list[MatrixCell]
    width: int
    height: int
    cell: int
    label_width: int
    legend: list[tuple[str, str]]


def matrix(rows: list[dict], period_labels: list[tuple[str, str]], *, label_width: int = 190, cell: int = 24
           ) -> Matrix:
    """rows: [{"label", "cells": [state…]}]; period_labels: [(short, full)]."""
    top = 36
    out_rows, cells = [], []
    for r, row in enumerate(rows):
        y = top + r * (cell + 4)
        out_rows.append((clip(row["label"], label_width - 10), row["label"], y))
        for c, state in enumerate(row["cells"]):
            x = label_width + c * (cell + 4)
            full = period_labels[c][1]
            cells.append(MatrixCell(x=x, y=y, state=state, word=MATRIX_WORDS[state],
                                    title=f"{row['label']} {full}：{MATRIX_WORDS[state]}"))
    columns = [(short, label_width + c * (cell + 4) + cell / 2) for c, (short, _) in enumerate(period_labels)]
    starts, last_year = [], None
    for c, (_, full) in enumerate(period_labels):
        if full[:4] != last_year:
            starts.append((c, full[:4]))
            last_year = full[:4]
    # A year label needs room: skip one that the next year's label would overlap.
    years = [(f"{year}年", label_width + c * (cell + 4)) for i, (c, year) in enumerate(starts)
             if i + 1 == len(starts) or starts[i + 1][0] - c >= 2]
    return Matrix(
        rows=out_rows, columns=columns, years=years, cells=cells,
        width=label_width + max(len(period_labels), 1) * (cell + 4) + 10,
        height=top + max(len(rows), 1) * (cell + 4) + 4, cell=cell, label_width=label_width,
        legend=list(MATRIX_WORDS.items()),
    )


def light_word(code: str) -> str:
    return LABELS[code]
