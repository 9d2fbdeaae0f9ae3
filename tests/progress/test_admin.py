"""The admin lists progress data for look-ups and refuses edits (they go through the workflow)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = ["reportingperiod", "progressreport", "supervisionnotice", "leadsummary", "assignmentcompletion"]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_and_adding_is_refused(admin_client, plan_2020, model):
    assert admin_client.get(reverse(f"admin:progress_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:progress_{model}_add")).status_code == 403
