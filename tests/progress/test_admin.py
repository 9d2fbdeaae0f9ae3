"""The admin lists progress data for look-ups and refuses edits (they go through the workflow)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = ["reportingperiod", "progressreport", "supervisionnotice", "leadsummary", "assignmentcompletion"]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_and_adding_is_refused(admin_client, plan_2020, model):
    assert admin_client.get(reverse(f"admin:progress_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:progress_{model}_add")).status_code == 403


def test_a_report_opens_read_only_with_its_files_and_steps(admin_client, plan_2020):
    from progress.models import ProgressReport
    from progress.services import report_create
    from tasks.models import Assignment
    from tests.factories import UserFactory

    assignment = Assignment.objects.get(task__plan=plan_2020, task__kind=1, task__number=1, role="lead")
    officer = UserFactory(role="officer", department=assignment.department)
    report = report_create(actor=officer, assignment=assignment, period=plan_2020.issued_on.replace(day=1),
                           progress="本期进展", percent=10, problems="", next_steps="", files=[], submit=True)
    page = admin_client.get(reverse("admin:progress_progressreport_change", args=[report.pk]))
    assert page.status_code == 200
    assert "报告流转记录" in page.content.decode()
    assert ProgressReport.objects.count() == 1
