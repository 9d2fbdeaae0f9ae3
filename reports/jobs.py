"""Celery jobs of the read side (autodiscovered: related_name="jobs").
Jobs take ids and call services; they are idempotent."""
from celery import shared_task

from .services import export_job_run, export_jobs_sweep
from .warm import dashboards_warm


@shared_task(name="reports.export_report_history", acks_late=True)
def export_report_history(job_id: int) -> None:
    export_job_run(job_id=job_id)


@shared_task(name="reports.warm_dashboards", ignore_result=True)
def warm_dashboards() -> int:
    """Every minute (beat): the district overview, rendered again after a change."""
    return dashboards_warm()


@shared_task(name="reports.sweep_export_jobs", ignore_result=True)
def sweep_export_jobs() -> dict:
    """Every minute (beat): exports never sent, never picked up, or whose worker died."""
    return export_jobs_sweep()
