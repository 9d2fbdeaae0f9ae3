"""The API's one write: a unit's system submits a progress report through the form's checks and service,
idempotent under its Idempotency-Key (sequentially, and concurrently on PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from progress.models import ProgressReport, ReportTransition
from tasks.models import Assignment
from tests.api.conftest import api_client, register
from tests.security.world import build_world, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(users, settings, tmp_path):
    """The 2020 plan and its users; no reports yet."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = build_world(users, progress=False, institutions=False)
    w.assignment = Assignment.objects.get(task__plan=w.plan, task__kind=1, task__number=1,
                                          department=w.officer.department)
    w.token = register(w, w.officer).token
    return w


def body(w, **changes):
    return {"assignment": w.assignment.pk, "period": "2026-11", "progress": "本月召开专题会议。", "percent": 30,
            "problems": "场地紧张", "next_steps": "继续推进", **changes}


def post(token, data, key="key-1", fmt="multipart"):
    return api_client(token).post("/api/v1/reports/", data, format=fmt, HTTP_IDEMPOTENCY_KEY=key)


def test_a_submission_is_a_submitted_report_written_by_the_forms_service(small):
    response = post(small.token, {**body(small), "evidence": [pdf("会议纪要.pdf")]})
    assert response.status_code == 201, response.content.decode()
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert (report.state, report.created_by, report.submitted_by) == ("submitted", small.officer, small.officer)
    assert report.progress == "本月召开专题会议。" and report.percent == 30
    assert [f.original_name for f in report.files.all()] == ["会议纪要.pdf"]
    assert list(report.transitions.values_list("from_state", "to_state")) == [("", "draft"), ("draft", "submitted")]
    assert response.json()["files"][0]["download_url"].endswith(f"/api/v1/report-files/{report.files.get().pk}/")


def test_the_same_key_twice_creates_one_report_and_replays_the_first_response(small):
    first = post(small.token, body(small))
    again = post(small.token, body(small))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ProgressReport.objects.filter(assignment=small.assignment).count() == 1
    # The same key with another body is refused, naming why; a new key is a new submission (refused: one per period).
    other = post(small.token, body(small, progress="另一份内容"))
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert "Idempotency-Key 已用于另一份内容不同的报送" in other.json()["detail"]
    duplicate = post(small.token, body(small), key="key-2")
    assert duplicate.status_code == 400
    assert "2026年11月已有进展报告" in duplicate.json()["detail"]
    assert ProgressReport.objects.filter(assignment=small.assignment).count() == 1


def test_refusals_are_the_forms_messages_as_problem_details(small):
    missing = post(small.token, body(small, progress="", percent=101))
    assert missing.status_code == 400 and missing["Content-Type"] == "application/problem+json"
    problem = missing.json()
    assert problem["errors"] == {"progress": ["请填写本期进展。"], "percent": ["完成进度不能大于 100。"]}
    assert problem["status"] == 400 and problem["title"] == "请求有误" and "请填写本期进展。" in problem["detail"]
    fake = post(small.token, {**body(small), "evidence": [pdf("伪装.pdf", b"MZ not a pdf")]})
    assert fake.status_code == 400 and "伪装.pdf" in fake.json()["errors"]["evidence"][0]
    future = post(small.token, body(small, period="2027-01"))
    assert future.json()["errors"] == {"period": ["报送周期不存在或尚未开始。"]}
    no_key = api_client(small.token).post("/api/v1/reports/", body(small), format="multipart")
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["errors"]
    # Another unit's assignment is outside the bound officer's scope: 404, as on the pages; a partner's assignment
    # on the task our unit leads is visible but not ours to write: 403 with the form's message.
    other = Assignment.objects.get(task__plan=small.plan, task__kind=1, task__number=14, department__name="区教委")
    assert post(small.token, body(small, assignment=other.pk), key="k-other").status_code == 404
    partner = Assignment.objects.filter(task=small.assignment.task).exclude(pk=small.assignment.pk).first()
    refused = post(small.token, body(small, assignment=partner.pk), key="k-partner")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有本单位的填报员可以填报本任务的进展。"
    assert not ProgressReport.objects.exists()


def test_a_client_without_the_write_scope_or_bound_to_a_leader_cannot_submit(small):
    reader = register(small, small.officer, scopes=["reports"]).token
    assert post(reader, body(small)).status_code == 403
    leader = register(small, small.leader, scopes=["reports"]).token
    assert post(leader, body(small)).status_code == 403
    assert not ProgressReport.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_concurrently_creates_one_report_on_postgresql(users, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("并发提交同一 Idempotency-Key 仅在 PostgreSQL 上运行（CI 的 PostgreSQL 轮次）")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = build_world(users, progress=False, institutions=False)
    w.assignment = Assignment.objects.get(task__plan=w.plan, task__kind=1, task__number=1,
                                          department=w.officer.department)
    token = register(w, w.officer).token
    barrier, results = threading.Barrier(4), []

    def send():
        try:
            barrier.wait()
            results.append(post(token, body(w), key="same-key", fmt="json"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert ProgressReport.objects.filter(assignment=w.assignment).count() == 1
    assert ReportTransition.objects.filter(assignment=w.assignment, to_state="submitted").count() == 1
    # Each loser waited on the unique constraint and got the winner's response (or, still running, a 409).
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    assert len({r.json()["id"] for r in results if r.status_code == 201}) == 1
