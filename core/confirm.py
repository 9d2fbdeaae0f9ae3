"""The confirmation step of an action that cannot be undone (予以备案, 提交备案,
删除材料, 确认完成…): its GET shows what will happen, with 确认 (a POST to the
same address, which runs the service) and 取消 (back to the object). No script:
the page is plain HTML, so the CSP stays as it is."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.shortcuts import render


def confirm_page(request, *, title: str, lines: Sequence[str], confirm_label: str, cancel_url: str,
                 hidden: Mapping[str, str] | None = None, warnings: Sequence[str] = (), danger: bool = False):
    """Render the confirmation page; `hidden` carries the choices made on the form before it."""
    return render(request, "core/confirm.html", {
        "title": title, "lines": lines, "confirm_label": confirm_label, "cancel_url": cancel_url,
        "hidden": dict(hidden or {}), "warnings": warnings, "danger": danger,
    })
