"""Task pages cost a fixed number of queries whatever the plan's size."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Department
from tasks.models import Assignment, Responsibility, WorkItem
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _grow(plan_2020, count):
    """Add tasks to a second plan until the database holds `count` numbered tasks."""
    plan = PlanFactory()
    units = list(Department.objects.exclude(kind="group")[:6])
    have = WorkItem.objects.filter(kind=1).count()
    items = WorkItem.objects.bulk_create(
        WorkItem(plan=plan, number=n, title=f"扩展任务{n}", content="内容", lead_unit=units[n % 6])
        for n in range(1, count - have + 1)
    )
    Responsibility.objects.bulk_create(
        Responsibility(task=item, department=units[(item.number + k) % 6], position=k)
        for item in items for k in (1, 2)
    )
    Assignment.objects.bulk_create(
        [Assignment(task=item, department=item.lead_unit, role="lead") for item in items]
        + [Assignment(task=item, department=units[(item.number + 1) % 6], role="responsible") for item in items]
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_task_list_queries_do_not_grow(users, client, plan_2020, role, django_assert_max_num_queries):
    client.force_login(users[role])
    client.get(reverse("tasks:list"))  # the session's first request also records the signed-in browser
    small = _queries(client, reverse("tasks:list"))
    _grow(plan_2020, 1500)
    large = _queries(client, reverse("tasks:list") + "?page=2")
    assert small == large
    with django_assert_max_num_queries(14):
        client.get(reverse("tasks:list"))


def test_task_detail_queries_do_not_grow(users, client, plan_2020, django_assert_max_num_queries):
    client.force_login(users["coordinator"])
    url = reverse("tasks:detail", args=[WorkItem.objects.get(plan=plan_2020, kind=1, number=7).pk])
    client.get(url)  # warm Django's content-type cache, as any running server has
    small = _queries(client, url)
    _grow(plan_2020, 1500)
    assert _queries(client, url) == small
    with django_assert_max_num_queries(14):
        client.get(url)


def test_filters_narrow_the_list(users, client, plan_2020):
    client.force_login(users["viewer"])
    hrss = Department.objects.get(name="区人力社保局")
    street = Department.objects.get(name="解放碑街道办事处")
    labels = lambda **q: {i.label for i in client.get(reverse("tasks:list"), q).context["items"]}  # noqa: E731
    assert labels(lead_unit=hrss.pk) == {"1.", "2."}
    assert labels(responsible_unit=street.pk) == {"6.", "7."}
    assert labels(q="托幼一体化") == {"14."}
    assert labels(kind=2) == {f"保障措施（{n}）" for n in "一二三四五"}
    section = plan_2020.sections.get(number=4)
    assert labels(section=section.pk) == {"14."}


def test_bad_filter_value_gets_a_message_not_an_error(users, client, plan_2020):
    client.force_login(users["viewer"])
    response = client.get(reverse("tasks:list"), {"lead_unit": "abc"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
