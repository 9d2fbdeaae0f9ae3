"""A report submitted through the API goes the form's way: the leader's 待审核, approval on the page, then the task
dashboard and the official Excel report — exactly like a report written in the form."""
from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from audit.models import ObjectChange
from progress.models import ProgressReport
from tests.api.conftest import api_client, register
from tests.security.world import pdf

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _steps(report):
    return (list(report.transitions.values_list("from_state", "to_state", "actor")),
            list(ObjectChange.objects.filter(object_id=str(report.pk), content_type__model="progressreport")
                 .values_list("action", "actor")))


def test_an_api_report_is_reviewed_counted_and_exported_like_a_form_report(world):
    w = world
    # Through the API: our unit's officer's system, task 1, November.
    token = register(w, w.officer).token
    response = api_client(token).post(
        "/api/v1/reports/", {"assignment": w.assignment.pk, "period": "2026-11", "progress": "接口报送的十一月进展",
                             "percent": 55, "problems": "", "next_steps": "", "evidence": [pdf("接口佐证.pdf")]},
        format="multipart", HTTP_IDEMPOTENCY_KEY="journey-1",
    )
    assert response.status_code == 201
    via_api = ProgressReport.objects.get(pk=response.json()["id"])
    # Through the form: the other unit's officer, task 14, November.
    page = _signed_in(w.other_officer).post(
        f"/progress/assignments/{w.other_assignment.pk}/report/2026/11/",
        {"progress": "表单报送的十一月进展", "percent": "55", "problems": "", "next_steps": "", "action": "submit",
         "evidence": pdf("表单佐证.pdf")},
    )
    assert page.status_code == 302
    via_form = ProgressReport.objects.get(assignment=w.other_assignment, period__start__month=11)

    # The same steps, the same history, by the same kind of actor (the unit's officer).
    assert (via_api.state, via_form.state) == ("submitted", "submitted")
    api_steps, form_steps = _steps(via_api), _steps(via_form)
    assert [s[:2] for s in api_steps[0]] == [s[:2] for s in form_steps[0]]
    assert [s[0] for s in api_steps[1]] == [s[0] for s in form_steps[1]]
    assert {s[2] for s in api_steps[0]} == {w.officer.pk}

    # Each in its own leader's 待审核, approved there.
    for leader, report, text in ((w.leader, via_api, "接口报送"), (w.other_leader, via_form, "表单报送")):
        client = _signed_in(leader)
        queue = client.get("/progress/review/").content.decode()
        assert f"/progress/reports/{report.pk}/" in queue
        assert client.post(f"/progress/reports/{report.pk}/approve/", {"comment": ""}).status_code == 302
        report.refresh_from_db()
        assert report.state == "approved"

    # Counted alike: the task dashboards and the Excel report show both, and the API lists both as approved.
    viewer = _signed_in(w.viewer)
    assert "接口报送的十一月进展" in viewer.get(f"/dashboards/tasks/{w.task.pk}/").content.decode()
    assert "表单报送的十一月进展" in viewer.get(f"/dashboards/tasks/{w.other_task.pk}/").content.decode()
    xlsx = viewer.get("/dashboards/excel/", {"download": "1", "on": "2026-11-20"})
    assert xlsx.status_code == 200
    latest = {row[0].value: row[7].value or "" for row in load_workbook(io.BytesIO(xlsx.content))["任务进展"]
              .iter_rows(min_row=4, max_row=18)}
    assert "接口报送的十一月进展" in latest[1] and "表单报送的十一月进展" in latest[14]
    listed = api_client(register(w, w.viewer, name="读取").token).get("/api/v1/reports/", {"period": "2026-11"})
    assert {r["id"] for r in listed.json()["results"]} == {via_api.pk, via_form.pk}
