"""A small world for the reminder tests: one monthly plan (reports due on the
25th), two units with officers and leaders, a coordinator, one task led by
unit A with unit B responsible."""
import datetime as dt
import socket
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    PlanFactory,
    UserFactory,
    WorkItemFactory,
)

D = dt.date


@dataclass
class World:
    plan: object
    unit_a: object
    unit_b: object
    task: object
    lead: object  # assignment of unit A (lead)
    resp: object  # assignment of unit B (responsible)
    people: SimpleNamespace


def make_world(prefix: str = "") -> World:
    plan = PlanFactory(issued_on=D(2026, 1, 5), period_months=1, report_due_day=25)
    unit_a = DepartmentFactory(name=f"{prefix}区人力社保局")
    unit_b = DepartmentFactory(name=f"{prefix}区教委")
    task = WorkItemFactory(plan=plan, number=1, title="开展婴幼儿照护服务指导", lead_unit=unit_a)
    lead = AssignmentFactory(task=task, department=unit_a, role="lead")
    resp = AssignmentFactory(task=task, department=unit_b, role="responsible")

    def person(username, role, unit, name):
        return UserFactory(username=f"{prefix}{username}", role=role, department=unit, full_name=name,
                           email=f"{prefix}{username}@example.gov.cn")

    people = SimpleNamespace(
        a_officer=person("a-officer", "officer", unit_a, "李填报"),
        a_officer2=person("a-officer2", "officer", unit_a, "周填报"),
        a_leader=person("a-leader", "leader", unit_a, "张审核"),
        b_officer=person("b-officer", "officer", unit_b, "吴填报"),
        b_leader=person("b-leader", "leader", unit_b, "郑审核"),
        coordinator=person("coordinator", "coordinator", None, "王督办"),
        viewer=person("viewer", "viewer", None, "赵督查"),
    )
    return World(plan, unit_a, unit_b, task, lead, resp, people)


@pytest.fixture
def world(db):
    return make_world()


def who(reminders) -> set:
    """{(username, item_type, rule, date)} of collected reminders."""
    from accounts.models import User

    names = dict(User.objects.values_list("pk", "username"))
    return {(names[r.recipient_id], r.item_type, r.rule, r.date) for r in reminders}


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
