"""Demo data of the read side (settings.DEMO_DATA_BUILDERS, after the progress
demo): one finished big export for demo-viewer, so "数据导出" shows a download
and the inbox its notice. The dashboards need nothing of their own: they read
the progress and institutions demo data. Idempotent."""
from __future__ import annotations

from accounts.models import User

from .models import ExportJob
from .services import export_job_run


def build(*, stdout=None) -> None:
    viewer = User.objects.filter(username="demo-viewer").first()
    if viewer is None or ExportJob.objects.filter(owner=viewer).exists():
        return
    job = ExportJob.objects.create(owner=viewer, kind=ExportJob.Kind.REPORT_HISTORY)
    job = export_job_run(job_id=job.pk)
    if stdout is not None and job is not None:
        stdout.write(f"演示数据：demo-viewer 的进展报告导出（{job.done_rows} 行）已生成。")
