"""The read side's demo: one finished export for demo-viewer, built once."""
import pytest

from reports.models import ExportJob

from .conftest import D, report

pytestmark = pytest.mark.django_db


def test_demo_builds_one_finished_export_for_the_viewer(plan_2020):
    from accounts.demo import demo_accounts_ensure
    from reports import demo
    from tasks.models import Assignment
    from tests.factories import TEST_PASSWORD

    demo_accounts_ensure(password=TEST_PASSWORD)
    report(Assignment.objects.filter(task__plan=plan_2020).first(), 2026, 10,
           submitted_on=D(2026, 10, 20), approved_on=D(2026, 10, 21))
    demo.build()
    demo.build()  # idempotent
    job = ExportJob.objects.get(owner__username="demo-viewer")
    assert job.status == ExportJob.Status.DONE and job.done_rows == 1
