"""Every change to the plan, its units and its users leaves a history row."""
import pytest
from django.urls import reverse

from agencies.models import Department
from audit.models import ObjectChange
from audit.selectors import changes_for
from tasks.models import Assignment, Task
from tasks.services import group_members_set, task_update

pytestmark = pytest.mark.django_db


def test_task_update_records_before_and_after(plan_2020, users):
    task = Task.objects.get(plan=plan_2020, number=4)
    task_update(task=task, actor=users["coordinator"], title="加强婴幼儿的健康管理和服务（修订）")
    change = changes_for(task).first()
    assert change.actor == users["coordinator"]
    assert change.changes["工作内容"] == ["加强婴幼儿的健康管理和服务", "加强婴幼儿的健康管理和服务（修订）"]


def test_task_update_of_units_moves_assignments(plan_2020, users):
    task = Task.objects.get(plan=plan_2020, number=4)
    education = Department.objects.get(name="区教委")
    task_update(task=task, actor=users["coordinator"], responsible_units=[education])
    assert Assignment.objects.filter(task=task, department=education, role="responsible").exists()
    assert changes_for(task).first().changes["责任单位"] == [[], ["区教委"]]


def test_admin_edit_of_a_task_is_recorded(plan_2020, coordinator_admin):
    task = Task.objects.get(plan=plan_2020, number=12)
    url = reverse("admin:tasks_task_change", args=[task.pk])
    page = coordinator_admin.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({
        "plan": task.plan_id, "section": task.section_id, "lead_unit": task.lead_unit_id,
        "content": task.content + "（补充）", "title": task.title, "number": task.number,
        "responsibilities-TOTAL_FORMS": 0, "responsibilities-INITIAL_FORMS": 0,
        "assignments-TOTAL_FORMS": 1, "assignments-INITIAL_FORMS": 1,
        "assignments-0-id": task.assignments.get().pk, "assignments-0-task": task.pk,
    })
    response = coordinator_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    change = changes_for(task).first()
    assert change.comment == "管理后台"
    assert change.changes["具体任务"][1].endswith("（补充）")


def test_group_membership_change_reaches_assignments_and_is_recorded(plan_2020, users):
    group = Department.objects.get(name="各街道办事处")
    streets = list(group.members.all())
    new_street = Department.objects.create(name="测试街道办事处", kind="street")
    group_members_set(group=group, members=[*streets[1:], new_street], actor=users["coordinator"])
    for number in (6, 7):
        assigned = set(Assignment.objects.filter(task__plan=plan_2020, task__number=number, task__kind=1,
                                                 via_group=group).values_list("department__name", flat=True))
        assert new_street.name in assigned and streets[0].name not in assigned
    change = changes_for(group).first()
    assert change.actor == users["coordinator"] and "组成员" in change.changes


def test_user_changes_are_recorded_without_the_password(users, coordinator_admin):
    officer = users["officer"]
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    form = coordinator_admin.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions")}
    data.update({"full_name": "李新名", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00", "role": "leader",
                 "department": officer.department_id})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = coordinator_admin.post(url, data)
    assert response.status_code == 302
    change = changes_for(officer).first()
    assert change.changes["角色"] == ["填报员", "审核人"]
    assert "密码" not in change.changes and "password" not in change.changes


def test_history_cannot_be_edited_in_admin_even_by_a_superuser(users, admin_client, plan_2020):
    task = Task.objects.get(plan=plan_2020, number=4)
    task_update(task=task, actor=users["coordinator"], title="新标题")
    change = ObjectChange.objects.first()
    assert admin_client.get(reverse("admin:audit_objectchange_changelist")).status_code == 200
    response = admin_client.post(reverse("admin:audit_objectchange_delete", args=[change.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ObjectChange.objects.filter(pk=change.pk).exists()


def test_admin_change_page_shows_the_history(plan_2020, users, coordinator_admin):
    task = Task.objects.get(plan=plan_2020, number=4)
    task_update(task=task, actor=users["coordinator"], title="加强婴幼儿的健康管理和服务（二）")
    page = coordinator_admin.get(reverse("admin:tasks_task_change", args=[task.pk])).content.decode()
    assert "变更记录" in page and "加强婴幼儿的健康管理和服务（二）" in page
