"""Journeys: who opens the coordinator's 待办, where each role lands after signing in, and
the to-do lists themselves — each item appears, then disappears once it is handled.

The security world (tests/security/world.py) is the data: a submitted filing, a completion
claim, open notices due 2026-12-31, reports our leader can return."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions import services as inst
from progress import services as prog
from reports.todo import coordinator_todo
from tasks.models import Assignment
from tests.factories import InstitutionFactory, RegistrationFactory

from .test_access_walk import _verify, walk_get
from .world import _submitted_filing, build_world, pdf

pytestmark = pytest.mark.django_db

# In the access walk's format (tests/security/test_access_walk.py counts the rows of test_access_walk_*.py).
#                                                        anon coord offi lead view regi oper o_of o_op su
GET = {
    ("reports:todo", "-"):                               "L    200   403  403  403  403  403  403  403   2F",
}
POST: dict = {}  # the page only reads
TARGETS = {"reports:todo": {"-": lambda w: ([], "")}}

D = dt.date
AFTER_THE_REPLY_DATE = D(2027, 1, 4)  # the world's open notices are due 2026-12-31


@pytest.fixture
def world(users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world(users)


def _client(user, *, verified: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        _verify(client, user)
    return client


# ------------------------------------------------------------------ who opens 待办


def test_get_walk_journeys(world, settings):
    """The table above, walked as the main access walk walks (two factors on, a verified coordinator)."""
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = True
    world.superuser = type(world.officer).objects.create_superuser(
        username="root", email="root@example.cn", password="Portal-test-2026!"
    )
    walk_get(world, GET, _url, "GET journeys")


def _url(world, name: str, variant: str) -> str:
    args, query = TARGETS[name][variant](world)
    return reverse(name, args=args) + (f"?{query}" if query else "")



def test_todo_page_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("reports:todo"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_todo_page_is_the_coordinators_only(world):
    for attr in ("officer", "leader", "viewer", "registrar", "operator", "other_officer", "other_operator"):
        assert _client(getattr(world, attr)).get(reverse("reports:todo")).status_code == 403, attr


def test_todo_page_coordinator_must_pass_the_second_factor(world, settings):
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    response = _client(world.coordinator).get(reverse("reports:todo"))
    assert response.status_code == 302 and "two-factor" in response["Location"]
    verified = _client(world.coordinator, verified=True).get(reverse("reports:todo"))
    assert verified.status_code == 200


def test_todo_page_shows_the_coordinator_every_units_items(world):
    """No unit of its own limits the coordinator: both sides' claims are listed, and the
    overview is one click away."""
    html = _client(world.coordinator).get(reverse("reports:todo")).content.decode()
    assert f'href="{reverse("reports:district")}"' in html
    for completion in (world.completion, world.other_completion):
        assert f'href="{reverse("progress:assignment", args=[completion.assignment_id])}"' in html
    assert f'href="{reverse("institutions:filing-detail", args=[world.submitted_filing.pk])}"' in html


# ------------------------------------------------------------------ landing pages


LANDINGS = {
    "coordinator": "reports:todo",
    "registrar": "institutions:registrations",
    "officer": "progress:my-tasks",
    "leader": "progress:review",
    "viewer": "reports:district",
    "operator": "institutions:mine",
}


def test_each_role_lands_on_its_to_do_list(world):
    for attr, landing in LANDINGS.items():
        home = _client(getattr(world, attr)).get(reverse("home"))
        assert home.status_code == 302 and home["Location"] == reverse(landing), attr
        assert _client(getattr(world, attr)).get(reverse("home"), follow=True).status_code == 200, attr


def test_signing_in_with_a_password_lands_the_registrar_on_registrations(world):
    registrar = world.registrar
    registrar.set_password("Portal-test-2026!")
    registrar.save()
    client = Client()
    response = client.post(reverse("login"), {"username": registrar.username, "password": "Portal-test-2026!"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("institutions:registrations")
    assert response.status_code == 200


def test_navigation_offers_the_coordinator_its_todo_first(world):
    html = _client(world.coordinator).get(reverse("reports:district")).content.decode()
    todo, overview = html.find(f'href="{reverse("reports:todo")}"'), html.find(f'href="{reverse("reports:district")}"')
    assert 0 <= todo < overview
    viewers = _client(world.viewer).get(reverse("reports:district")).content.decode()
    assert f'href="{reverse("reports:todo")}"' not in viewers


# ------------------------------------------------------------------ each section: appears, then handled


def test_filing_waits_until_it_is_decided(world):
    todo = coordinator_todo(user=world.coordinator)
    assert world.submitted_filing.pk in {e.filing.pk for e in todo.filings}
    inst.filing_approve(filing=world.submitted_filing, actor=world.coordinator)
    assert world.submitted_filing.pk not in {e.filing.pk for e in coordinator_todo(user=world.coordinator).filings}


def test_filings_come_fewest_working_days_left_first(world):
    days = [e.receipt_days_left for e in coordinator_todo(user=world.coordinator).filings]
    assert len(days) >= 2 and days == sorted(days)


def test_completion_claim_waits_until_accepted(world):
    assert world.completion.pk in {c.pk for c in coordinator_todo(user=world.coordinator).completions}
    prog.completion_accept(actor=world.coordinator, completion=world.completion)
    assert world.completion.pk not in {c.pk for c in coordinator_todo(user=world.coordinator).completions}


def test_notice_waits_once_past_its_reply_date_until_answered(world):
    assert world.notice.pk not in {n.pk for n in coordinator_todo(user=world.coordinator).overdue_notices}
    late = coordinator_todo(user=world.coordinator, on=AFTER_THE_REPLY_DATE)
    assert world.notice.pk in {n.pk for n in late.overdue_notices}
    prog.notice_reply(actor=world.officer, notice=world.notice, text="已按要求落实。")
    late = coordinator_todo(user=world.coordinator, on=AFTER_THE_REPLY_DATE)
    assert world.notice.pk not in {n.pk for n in late.overdue_notices}


def _return(world, report):
    return prog.report_return(actor=world.leader, report=report, reason="请补充数据。")


def test_report_returned_twice_waits_until_approved(world):
    report = _return(world, world.report)
    assert report.pk not in {r.pk for r in coordinator_todo(user=world.coordinator).returned_twice}  # once only
    report = _return(world, prog.report_submit(actor=world.officer, report=report))
    listed = {r.pk: r for r in coordinator_todo(user=world.coordinator).returned_twice}
    assert listed[report.pk].times_returned == 2
    report = prog.report_submit(actor=world.officer, report=report)
    assert report.pk in {r.pk for r in coordinator_todo(user=world.coordinator).returned_twice}  # back for review
    prog.report_approve(actor=world.leader, report=report)
    assert report.pk not in {r.pk for r in coordinator_todo(user=world.coordinator).returned_twice}


def test_the_page_draws_each_section(world):
    report = _return(world, prog.report_submit(actor=world.officer, report=_return(world, world.report)))
    html = _client(world.coordinator).get(reverse("reports:todo")).content.decode()
    assert f'href="{reverse("progress:report", args=[report.pk])}"' in html
    assert 'id="todo-filings"' in html and 'id="todo-completions"' in html and 'id="todo-notices"' in html


# ------------------------------------------------------------------ fixed query counts


def _queries(user, on=AFTER_THE_REPLY_DATE) -> int:
    with CaptureQueriesContext(connection) as ctx:
        todo = coordinator_todo(user=user, on=on)
    assert len(todo.filings) and todo.completions and todo.overdue_notices
    return len(ctx.captured_queries)


def test_todo_costs_the_same_queries_at_two_data_sizes(world):
    _return(world, prog.report_submit(actor=world.officer, report=_return(world, world.report)))
    small = _queries(world.coordinator)
    # More of everything: filings, claims, overdue notices, reports returned twice.
    for n in range(4):
        _submitted_filing(InstitutionFactory(name=f"又一家托育园{n}"), actor=world.coordinator)
        prog.notice_issue(actor=world.coordinator, assignment=world.other_assignment, reason="请报送进展。",
                          reply_due=D(2026, 12, 31))
    report = prog.report_create(actor=world.other_officer, assignment=world.other_assignment, period=D(2026, 7, 1),
                                progress="7月进展。", percent=30, problems="无", next_steps="继续", files=[pdf()],
                                submit=True)
    for _ in range(2):
        report = prog.report_return(actor=world.other_leader, report=report, reason="请补充。")
        report = prog.report_submit(actor=world.other_officer, report=report)
    big = _queries(world.coordinator)
    assert small == big == 6


def test_registrations_page_costs_the_same_queries_at_two_data_sizes(world):
    client = _client(world.registrar)
    RegistrationFactory(institution=world.submitted_filing.institution)
    client.get(reverse("institutions:registrations"))  # the session's first request records it (not the page's cost)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("institutions:registrations"))
    for n in range(5):
        RegistrationFactory(institution=InstitutionFactory(name=f"新登记托育园{n}"))
    with CaptureQueriesContext(connection) as big:
        html = client.get(reverse("institutions:registrations")).content.decode()
    assert "新登记托育园4" in html
    assert len(small.captured_queries) == len(big.captured_queries)


# ------------------------------------------------------------------ the registrar's 待跟进


def test_registrar_sees_its_registrations_awaiting_filing_until_filed(world):
    waiting = world.submitted_filing.institution  # registered at 区市场监管局, its filing under review
    RegistrationFactory(institution=waiting)
    client = _client(world.registrar)
    page = client.get(reverse("institutions:registrations")).content.decode()
    section = page[page.index('id="awaiting-filing"'):page.index("全部登记")]
    assert waiting.name in section and world.institution.name not in section  # ours is filed already
    inst.filing_approve(filing=world.submitted_filing, actor=world.coordinator)
    page = client.get(reverse("institutions:registrations")).content.decode()
    section = page[page.index('id="awaiting-filing"'):page.index("全部登记")]
    assert waiting.name not in section


def test_coordinator_reads_registrations_without_the_registrars_section(world):
    page = _client(world.coordinator).get(reverse("institutions:registrations")).content.decode()
    assert 'id="awaiting-filing"' not in page


# ------------------------------------------------------------------ the task page's 报告记录 links


def test_task_page_links_each_units_record_only_for_who_may_open_it(world):
    """The lead unit opens every unit's 报告记录 on its task; a responsible unit only its own."""
    union = Assignment.objects.get(task=world.task, department__name="区总工会")
    ours, theirs = (f'href="{reverse("progress:assignment", args=[a.pk])}"' for a in (world.assignment, union))
    lead_page = _client(world.officer).get(reverse("tasks:detail", args=[world.task.pk])).content.decode()
    assert ours in lead_page and theirs in lead_page
    partner_page = _client(world.union_officer).get(reverse("tasks:detail", args=[world.task.pk])).content.decode()
    assert theirs in partner_page and ours not in partner_page
    refused = _client(world.union_officer).get(reverse("progress:assignment", args=[world.assignment.pk]))
    assert refused.status_code == 404
