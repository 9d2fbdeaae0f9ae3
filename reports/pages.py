"""The dashboards' bodies as rendered HTML, for the views and for the job that
renders them ahead of their readers (reports.warm): each body is cached under
the data version (reports/cache.py)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.template.loader import render_to_string

from accounts.roles import sees_all

from . import charts
from .cache import fragment
from .department import department_dashboard
from .district import district_overview
from .task import task_dashboard


def query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _short_period(label: str) -> str:
    """'2026年10月' → '26/10'; '2026年第3季度' → '26Q3'."""
    if "季度" in label:
        return f"{label[2:4]}Q{label[-3]}"
    year, _, month = label.partition("年")
    return f"{year[2:]}/{month.rstrip('月')}"


def _trend_chart(trend: list[dict]):
    return charts.rate_columns(
        [{"label": t["label"], "short": _short_period(t["label"]), "rate": t["rate"]} for t in trend]
    )


def district_body(user, on, plan_id) -> str:
    """The overview's body, from the cache unless the data changed since it was
    rendered (reports/cache.py); reports.warm renders it ahead of the readers."""
    return _body(user, "district", (on, plan_id), lambda: district_context(user, on, plan_id))


def _body(user, kind: str, key: tuple, context) -> str:
    """A dashboard's body (reports/_<kind>_body.html), from the cache unless the data changed."""
    return fragment(user, kind, key, lambda: render_to_string(f"reports/_{kind}_body.html", context()))


def district_context(user, on, plan_id) -> dict:
    o = district_overview(user=user, on=on, plan_id=plan_id)
    context = {
        "on": on, "o": o,
        "donut": charts.donut(o.task_counts),
        "groups_chart": charts.stacked_bars([{"label": g["label"], "counts": g["counts"]} for g in o.groups]),
        "trend_chart": _trend_chart(o.trend),
        "excel_query": query(on=on.isoformat(), plan=o.plan["pk"] if o.plan else None, download=1),
    }
    ind = o.institutions
    if ind is not None:
        context["registry_chart"] = charts.value_bars(
            [{"label": "已登记", "value": ind.registered, "text": f"{ind.registered:,} 家"},
             {"label": "已备案", "value": ind.filed, "text": f"{ind.filed:,} 家", "css": "filed"}],
            maximum=max(ind.registered, ind.filed, 1), label_width=90, width=520,
        )
        top = max(float(ind.target) * 1.4, float(ind.per_thousand) * 1.1, 1)
        context["places_chart"] = charts.value_bars(
            [{"label": "每千人托位数", "value": ind.per_thousand, "text": f"{ind.per_thousand}",
              "css": "met" if ind.target_met else "short"}],
            maximum=top, label_width=110, width=520, target=float(ind.target), target_text=f"目标 {ind.target}",
        )
    return context


def department_body(user, department, on) -> str:
    return _body(user, "department", (on, department.pk), lambda: department_context(user, department, on))


def department_context(user, department, on) -> dict:
    d = department_dashboard(user=user, department=department, on=on)
    return {
        "on": on, "d": d, "department": department, "trend_chart": _trend_chart(d.trend),
        "donut": charts.donut(d.counts),
        "excel_query": query(on=on.isoformat(), department=department.pk if sees_all(user) else None, download=1),
    }


def task_body(user, task, on) -> str:
    return _body(user, "task", (on, task.pk), lambda: task_context(user, task, on))


def task_context(user, task, on) -> dict:
    t = task_dashboard(user=user, task=task, on=on)
    percent_items = [
        {"label": row["fact"].department_name, "value": row["report"].percent if row["report"] else 0,
         "text": f"{row['report'].percent}%" if row["report"] else "暂无审核通过的报告"}
        for row in t.rows
    ]
    return {
        "on": on, "t": t, "task": task,
        "percent_chart": charts.value_bars(percent_items, maximum=100, label_width=170),
        "matrix": charts.matrix(
            [{"label": row["fact"].department_name, "cells": row["cells"]} for row in t.matrix],
            [(f"{s.start.month}月" if s.months == 1 else f"Q{(s.start.month - 1) // 3 + 1}", s.label)
             for s in t.matrix_periods],
        ),
        "excel_query": query(on=on.isoformat(), plan=task.plan_id, download=1),
    }
