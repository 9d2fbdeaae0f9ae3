"""A page of 100 assignments with lights as of a date, and a page of 100 approved reports, each cost a fixed number of
queries whatever the data size (the city-scale generator, reports/scale.py, at two sizes)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from progress.models import ProgressReport
from reports.scale import Scale, generate
from tasks.models import Assignment
from tests.api.conftest import api_client
from tests.conftest import on_day

pytestmark = pytest.mark.django_db
END = dt.date(2026, 11, 28)


def _token():
    from api.services import api_client_register

    coordinator = User.objects.get(username="bench-coordinator")
    return api_client_register(
        actor=coordinator, name="规模测试", owner_unit=coordinator.department, user=coordinator,
        scopes=["assignments", "reports"], expires_on=END + dt.timedelta(days=30),
    ).token


def _cost(client, path, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content.decode()[:300]
    assert "Set-Cookie" not in response  # a token is not a sign-in: no session
    # SAVEPOINT / RELEASE: the test's own transaction around the log row's atomic block (BEGIN/COMMIT in production).
    statements = [q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET LOCAL"))]
    return len(statements), len(response.json()["results"])


@pytest.mark.parametrize("sizes", [(Scale(plans=2, units_per_plan=6, months=4, institutions=10, end=END),
                                    Scale(plans=5, units_per_plan=12, months=9, institutions=10, end=END, seed=7))])
def test_a_page_costs_the_same_queries_at_two_sizes(sizes, django_db_blocker):
    costs = []
    with on_day(END):
        for scale in sizes:
            generate(scale)
            client = api_client(_token())
            assignments = _cost(client, "/api/v1/assignments/", {"page_size": 100, "on": "2026-11-15"})
            reports = _cost(client, "/api/v1/reports/", {"page_size": 100})
            costs.append((assignments, reports, Assignment.objects.count(),
                          ProgressReport.objects.filter(state="approved").count()))
    (small_a, small_r, small_n, small_reports), (big_a, big_r, big_n, big_reports) = costs
    assert big_n > 2 * small_n and big_reports > 2 * small_reports  # really two sizes
    assert small_a[1] == big_a[1] == 100 and small_r[1] == big_r[1] == 100  # full pages both times
    # assignments: client, page, lights (assignments with facts, the periods' reports, milestones), call log
    assert small_a[0] == big_a[0] <= 6
    # reports: client, page, the rows' assignments (with task and unit), their files, call log
    assert small_r[0] == big_r[0] <= 5
