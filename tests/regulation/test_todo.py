"""An overdue rectification waits on the coordinator's 待办 until the inspector closes it."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from regulation import services
from reports.todo import coordinator_todo

from .test_inspections import record

D = dt.date


def _listed(reg, on):
    return {f.pk for f in coordinator_todo(user=reg.coordinator, on=on).rectifications}


def test_overdue_rectification_waits_on_the_todo_until_closed(reg, client):
    finding = record(reg, findings=(("灭火器过期", D(2026, 12, 10)),)).findings.get()
    assert finding.pk not in _listed(reg, D(2026, 12, 10))  # due that day: not yet overdue
    assert finding.pk in _listed(reg, D(2026, 12, 11))
    client.force_login(reg.coordinator)
    html = client.get(reverse("reports:todo") + "?on=2026-12-11").content.decode()
    assert 'id="todo-rectifications"' in html
    finding = services.finding_answer(actor=reg.operator, finding=finding, text="已更换灭火器。")
    services.finding_close(actor=reg.inspector, finding=finding)
    assert finding.pk not in _listed(reg, D(2026, 12, 11))
