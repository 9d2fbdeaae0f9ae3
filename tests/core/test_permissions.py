"""Every page of the foundation × every role × own / other unit.

Expected outcomes: 200 allowed, 403 wrong role, 404 outside the user's scope,
302 to the login page for anonymous visitors.
"""
import pytest
from django.urls import reverse

from tasks.models import Task

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coordinator", "officer", "leader", "viewer", "registrar", "operator", "other_officer"]


def _task(number):
    return Task.objects.get(number=number, plan__document_number="渝中府办〔2020〕28号").pk


# page → {role: expected status}. Task 1 is led by 区人力社保局 (officer, leader);
# task 8 lists 区市场监管局 (registrar); 区教委 (other_officer) is on neither.
PAGES = {
    "home": (lambda: reverse("home"), dict.fromkeys(ROLES[1:], 302)),
    "task list": (
        lambda: reverse("tasks:list"),
        {"coordinator": 200, "officer": 200, "leader": 200, "viewer": 200, "registrar": 200,
         "operator": 403, "other_officer": 200},
    ),
    "task 1 detail": (
        lambda: reverse("tasks:detail", args=[_task(1)]),
        {"coordinator": 200, "officer": 200, "leader": 200, "viewer": 200, "registrar": 404,
         "operator": 403, "other_officer": 404},
    ),
    "task 8 detail": (
        lambda: reverse("tasks:detail", args=[_task(8)]),
        {"coordinator": 200, "officer": 404, "leader": 404, "viewer": 200, "registrar": 200,
         "operator": 403, "other_officer": 404},
    ),
    "task 14 detail": (
        lambda: reverse("tasks:detail", args=[_task(14)]),
        {"coordinator": 200, "officer": 404, "leader": 404, "viewer": 200, "registrar": 404,
         "operator": 403, "other_officer": 200},
    ),
    "missing task": (
        lambda: reverse("tasks:detail", args=[999999]),
        {"coordinator": 404, "officer": 404, "leader": 404, "viewer": 404, "registrar": 404,
         "operator": 403, "other_officer": 404},
    ),
    "password change": (lambda: reverse("accounts:password-change"), dict.fromkeys(ROLES[1:], 200)),
    "admin": (
        lambda: reverse("admin:index"),
        {"coordinator": 200, "officer": 302, "leader": 302, "viewer": 302, "registrar": 302,
         "operator": 302, "other_officer": 302},
    ),
}

CASES = [(page, role) for page in PAGES for role in ROLES]


@pytest.fixture
def staffed_users(users):
    from accounts.services import coordinator_group_ensure

    coordinator = users["coordinator"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    coordinator.groups.add(coordinator_group_ensure())
    return users


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_page_access(staffed_users, client, page, role):
    url_for, expected = PAGES[page]
    url = url_for()
    if role != "anonymous":
        client.force_login(staffed_users[role])
    response = client.get(url)
    if role == "anonymous":
        login = reverse("admin:login") if page == "admin" else reverse("login")
        assert response.status_code == 302 and response["Location"].startswith(login)
        return
    assert response.status_code == expected[role], f"{page} as {role}"


def test_task_list_shows_only_the_units_own_tasks(users, client):
    client.force_login(users["other_officer"])  # 区教委: leads 14, shares 10 and 保障措施（一）
    response = client.get(reverse("tasks:list"))
    labels = {item.label for item in response.context["items"]}
    assert labels == {"10.", "14.", "保障措施（一）"}


def test_street_office_staff_see_tasks_of_their_group(users, client):
    from tests.factories import UserFactory

    street_officer = UserFactory(role="officer", department__name="七星岗街道办事处")
    client.force_login(street_officer)
    labels = {item.label for item in client.get(reverse("tasks:list")).context["items"]}
    assert labels == {"6.", "7."}


def test_history_is_shown_to_coordinators_only(users, client):
    url = reverse("tasks:detail", args=[_task(1)])
    client.force_login(users["coordinator"])
    assert "变更记录" in client.get(url).content.decode()
    client.force_login(users["officer"])
    assert "变更记录" not in client.get(url).content.decode()


def test_one_menu_entry_is_the_current_page(client, users):
    """/tasks/plans/ marks 实施方案 alone, not also 任务清单 (/tasks/), whose path it starts with."""
    import re

    client.force_login(users["coordinator"])
    page = client.get("/tasks/plans/").content.decode()
    current = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', page)
    assert current == ["/tasks/plans/"]
    page = client.get("/tasks/").content.decode()
    assert re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', page) == ["/tasks/"]
