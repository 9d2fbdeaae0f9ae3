"""Issue 13: a superuser counts as a coordinator, the same way everywhere (accounts.roles.roles_of).
Where the copies of a rule disagreed, the one rule now wins; these pin those places."""
import pytest
from django.urls import reverse

from progress import rules
from progress.models import ProgressReport
from tests.factories import UserFactory
from tests.progress import test_views

pytestmark = pytest.mark.django_db

# The progress pages' world (task 1 with reports, a draft of another unit, notices …).
media, hr = test_views.media, test_views.hr


@pytest.fixture
def root(plan_2020):
    # A superuser whose role field says viewer: it still acts as a coordinator.
    return UserFactory(username="root", role="viewer", department=None, is_superuser=True, is_staff=True)


def test_superuser_sees_the_lead_unit_view_on_the_assignment_page_too(client, root, hr):
    """The assignment page's copy of "sees the lead-unit view" left superusers out; the task page's did not."""
    client.force_login(root)
    assignment_page = client.get(reverse("progress:assignment", args=[hr.mine.pk]))
    task_page = client.get(reverse("tasks:detail", args=[hr.task.pk]))
    assert assignment_page.context["sees_lead_view"] and task_page.context["sees_lead_view"]
    assert client.get(reverse("progress:lead", args=[hr.task.pk])).status_code == 200


def test_superuser_reads_what_a_coordinator_reads_and_no_unit_s_draft(users, root, hr):
    as_root = set(ProgressReport.objects.for_user(root).values_list("pk", flat=True))
    as_coordinator = set(ProgressReport.objects.for_user(users["coordinator"]).values_list("pk", flat=True))
    assert as_root == as_coordinator and hr.union_draft.pk not in as_root


def test_superuser_acts_as_a_coordinator_not_as_a_unit(client, root, hr):
    assert rules.can_return_report(root, hr.report) and rules.can_issue_notice(root)
    assert not rules.can_write_report(root, hr.mine) and not rules.can_approve_report(root, hr.report)
    client.force_login(root)
    assert client.get(reverse("progress:review")).status_code == 200
    assert client.get(reverse("progress:my-tasks")).status_code == 403  # a unit's page, as for a coordinator
