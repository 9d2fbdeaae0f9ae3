"""The admin keeps an ended plan as history: its content opens read-only."""
import datetime as dt

import pytest
from django.urls import reverse

from tasks.models import Milestone, Task
from tasks.services import plan_end
from tests.conftest import on_day

pytestmark = pytest.mark.django_db


def test_an_ended_plans_content_is_read_only_in_the_admin(plan_2020, users, coordinator_admin):
    task = Task.objects.get(plan=plan_2020, number=12)
    milestone = Milestone.objects.filter(plan=plan_2020).first()
    urls = [reverse("admin:tasks_task_change", args=[task.pk]), reverse("admin:tasks_plan_change", args=[plan_2020.pk])]
    if milestone:
        urls.append(reverse("admin:tasks_milestone_change", args=[milestone.pk]))
    for url in urls:  # in force: the coordinators edit it
        assert b'name="_save"' in coordinator_admin.get(url).content, url
    with on_day(dt.date(2026, 1, 5)):
        plan_end(plan=plan_2020, actor=users["coordinator"], ended_on=dt.date(2025, 12, 31), closing_summary="完成。")
    for url in urls:  # ended: the page still opens, with no save button, and a POST is refused
        page = coordinator_admin.get(url)
        assert page.status_code == 200 and b'name="_save"' not in page.content, url
        assert coordinator_admin.post(url, {"title": "改动"}).status_code == 403, url
    assert coordinator_admin.post(reverse("admin:tasks_task_delete", args=[task.pk]), {"post": "yes"}).status_code == 403
    assert Task.objects.get(pk=task.pk).title == task.title
