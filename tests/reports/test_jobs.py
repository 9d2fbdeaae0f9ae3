"""The big export as a Celery job, end to end (eager): queued by the service,
written in write-only mode, stored, announced in the inbox, downloaded through
a permission-checked view."""
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from progress.models import ProgressReport
from reports.bigexport import HISTORY_COLUMNS
from reports.models import ExportJob
from reports.services import export_job_create, export_job_run

from .conftest import D, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    report(world.lead_a, 2026, 1, submitted_on=D(2026, 1, 20), approved_on=D(2026, 1, 21),
           progress="一月进展\n第二行")
    report(world.lead_a, 2026, 1, version=2, submitted_on=D(2026, 2, 3), approved_on=D(2026, 2, 4),
           correction_reason="更正数据")
    report(world.other_a, 2026, 1, state="returned", submitted_on=D(2026, 1, 22), return_reason="请补充材料")
    report(world.second_a, 2026, 2, state="draft")  # a draft: its unit's own
    return world


def run_job(django_capture_on_commit_callbacks, user, **params):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(actor=user, **params)
    job.refresh_from_db()
    return job


def test_job_exports_every_visible_version_and_notifies(history, client, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    job = run_job(django_capture_on_commit_callbacks, history.viewer)
    assert job.status == ExportJob.Status.DONE and job.percent == 100
    assert job.total_rows == job.done_rows == 3  # the draft is not the viewer's to read
    wb = load_workbook(default_storage.open(job.file.name, "rb"), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == [name for name, _ in HISTORY_COLUMNS]
    body = rows[1:]
    assert len(body) == 3
    states = sorted((r[3], r[6], r[7]) for r in body)
    assert states == [("乙单位", 1, "已退回"), ("甲单位", 1, "已审核通过"), ("甲单位", 2, "已审核通过")]
    first = next(r for r in body if r[3] == "甲单位" and r[6] == 1)
    assert first[9] == "一月进展\n第二行" and first[5] == "2026年1月"
    assert first[12].date() == D(2026, 1, 20) and first[12].hour == 10  # local time, not UTC
    assert next(r for r in body if r[6] == 2)[17] == "更正数据"
    note = Notification.objects.get(recipient=history.viewer)
    assert note.title == "进展报告导出已完成" and note.url == reverse("reports:export-detail", args=[job.pk])


def test_unit_staff_export_their_scope_only(history, django_capture_on_commit_callbacks):
    job = run_job(django_capture_on_commit_callbacks, history.other_officer)
    # 乙单位 reads its own reports (its draft included) and nothing of 甲单位.
    assert job.total_rows == ProgressReport.objects.filter(assignment__department=history.other).count() == 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        export_job_create(actor=history.other_officer, department_id=history.lead.pk)


def test_filters_by_plan_and_unit(history, django_capture_on_commit_callbacks):
    job = run_job(django_capture_on_commit_callbacks, history.viewer, plan_id=history.plan.pk,
                  department_id=history.lead.pk)
    assert job.params == {"plan_id": history.plan.pk, "department_id": history.lead.pk}
    assert job.total_rows == 2


def test_job_is_idempotent(history, django_capture_on_commit_callbacks):
    job = run_job(django_capture_on_commit_callbacks, history.viewer)
    name = job.file.name
    assert export_job_run(job_id=job.pk) is None  # a finished job is left alone
    job.refresh_from_db()
    assert job.file.name == name


def test_failure_is_recorded_and_told(history, monkeypatch, django_capture_on_commit_callbacks):
    from notifications.models import Notification
    from reports import bigexport

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bigexport, "write_history", broken)
    job = run_job(django_capture_on_commit_callbacks, history.viewer)
    assert job.status == ExportJob.Status.FAILED and "OSError" in job.error
    assert Notification.objects.get(recipient=history.viewer).title == "进展报告导出失败"


def test_pages_status_and_download(history, client, django_capture_on_commit_callbacks):
    client.force_login(history.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:exports"), {"plan": history.plan.pk})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export-detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and "/static/js/export-progress.js" in page
    assert f'data-status-url="{reverse("reports:export-status", args=[job.pk])}"' in page
    status = client.get(reverse("reports:export-status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    data = b"".join(download.streaming_content)
    assert len(list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows())) == 4
    # Somebody else's job: 404 everywhere, even for someone who sees everything.
    client.force_login(history.coordinator)
    for name in ("reports:export-detail", "reports:export-status", "reports:export-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 302


def test_download_before_done_is_404(history, client):
    job = ExportJob.objects.create(owner=history.viewer)
    client.force_login(history.viewer)
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export-status", args=[job.pk])).json()["status"] == "queued"
