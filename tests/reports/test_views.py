"""Every page of the read side: who may open it (anonymous → sign-in, wrong role
→ 403, another unit → 404), the fixed query count at two data sizes, and
figures that are never stale."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import cache
from tests.conftest import on_day

from .conftest import D, report

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# ---------------------------------------------------------------- permissions


def pages(world):
    return {
        "district": reverse("reports:district"),
        "my-department": reverse("reports:my-department"),
        "department-own": reverse("reports:department", args=[world.lead.pk]),
        "department-other": reverse("reports:department", args=[world.other.pk]),
        "task": reverse("reports:task", args=[world.second.pk]),
        "excel": reverse("reports:excel") + "?download=1",
        "exports": reverse("reports:exports"),
    }


# status by page for: officer of 甲单位 (lead of task 1 only), viewer, coordinator, registrar, operator
EXPECTED = {
    "district": {"officer": 403, "leader": 403, "viewer": 200, "coordinator": 200, "registrar": 403, "operator": 403},
    "my-department": {"officer": 200, "leader": 200, "viewer": 404, "coordinator": 200, "registrar": 403,
                      "operator": 403},
    "department-own": {"officer": 200, "leader": 200, "viewer": 200, "coordinator": 200, "registrar": 403,
                       "operator": 403},
    "department-other": {"officer": 404, "leader": 404, "viewer": 200, "coordinator": 200, "registrar": 403,
                         "operator": 403},
    "task": {"officer": 404, "leader": 404, "viewer": 200, "coordinator": 200, "registrar": 404, "operator": 403},
    "excel": {"officer": 200, "leader": 200, "viewer": 200, "coordinator": 200, "registrar": 403, "operator": 403},
    "exports": {"officer": 200, "leader": 200, "viewer": 200, "coordinator": 200, "registrar": 403,
                "operator": 403},
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_anonymous_is_sent_to_sign_in(client, world, page):
    response = client.get(pages(world)[page])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["officer", "leader", "viewer", "coordinator", "registrar", "operator"])
@pytest.mark.parametrize("page", list(EXPECTED))
def test_permission_matrix(client, world, page, role):
    user = getattr(world, role)
    if role == "coordinator":
        user.department = world.lead  # a coordinator with a unit may open "my unit"
        user.save()
    assert get(client, user, pages(world)[page]).status_code == EXPECTED[page][role]


def test_home_sends_the_viewer_to_the_district_overview_and_the_coordinator_to_its_todo(client, world):
    client.force_login(world.viewer)
    assert client.get("/")["Location"] == reverse("reports:district")
    client.force_login(world.coordinator)
    assert client.get("/")["Location"] == reverse("reports:todo")


def test_navigation_shows_the_dashboards_by_role(client, world):
    html = get(client, world.viewer, reverse("reports:district")).content.decode()
    assert 'href="/dashboards/district/"' in html and 'href="/dashboards/exports/"' in html
    html = get(client, world.officer, reverse("reports:my-department")).content.decode()
    assert 'href="/dashboards/units/mine/"' in html and 'href="/dashboards/district/"' not in html


# ---------------------------------------------------------------- content and as-of date


def test_district_overview_shows_lights_with_words_and_svg_charts(client, world):
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    html = get(client, world.viewer, reverse("reports:district") + "?on=2026-03-01").content.decode()
    assert "2026年3月1日" in html
    assert '<svg class="chart"' in html and "<script" not in html.split("<main")[1]
    assert 'class="light red"' in html and "红灯（滞后）" in html  # colour and word
    assert "数据表" in html  # the charts' table equivalents
    assert "甲单位" in html and "乙单位" in html
    assert "http://" not in html and "https://" not in html  # nothing from the internet


def test_as_of_date_changes_the_figures(client, world):
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 27), approved_on=D(2026, 3, 5))
    url = reverse("reports:department", args=[world.lead.pk])
    before = get(client, world.viewer, url + "?on=2026-03-04").content.decode()
    after = get(client, world.viewer, url + "?on=2026-03-05").content.decode()
    assert "2026年2月 完成" not in before and "2026年2月</strong> 完成 50%" in after


def test_a_future_or_malformed_date_falls_back_to_today(client, world):
    html = get(client, world.viewer, reverse("reports:district") + "?on=2999-01-01").content.decode()
    assert "统计日期不能晚于今天" in html
    assert get(client, world.viewer, reverse("reports:district") + "?on=garbage").status_code == 200


def test_excel_download_is_an_attachment(client, world):
    response = get(client, world.viewer, reverse("reports:excel") + "?download=1&on=2026-03-01&period=2026-02")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    bad = get(client, world.viewer, reverse("reports:excel") + "?download=1&period=1999-01")
    assert bad.status_code == 200 and "不在本方案的报送期内" in bad.content.decode()


# ---------------------------------------------------------------- never stale


def test_an_approval_shows_on_the_next_page_load(client, world):
    # February 2026 is inside the overview's last 12 months when today is in late 2026.
    with on_day(D(2026, 11, 20)):
        from progress.services import report_approve

        assert cache.cache_seconds() > 0  # the cache is on: this proves it is invalidated
        r = report(world.lead_a, 2026, 2, state="submitted", submitted_on=D(2026, 2, 20))
        url = reverse("reports:department", args=[world.lead.pk])
        client.force_login(world.viewer)
        assert "完成 50%" not in client.get(url).content.decode()
        assert "完成 50%" not in client.get(url).content.decode()  # served from the cache
        overview_before = client.get(reverse("reports:district")).content.decode()
        report_approve(actor=world.leader, report=r)
        html = client.get(url).content.decode()
        assert "2026年2月</strong> 完成 50%" in html
        overview = client.get(reverse("reports:district")).content.decode()
        on_time = re.compile(r"近12个月：(\d+) / (\d+) 期")
        before, after = on_time.search(overview_before).groups(), on_time.search(overview).groups()
        assert int(after[0]) == int(before[0]) + 1 and after[1] == before[1]  # the overview counts it too


def test_a_notice_answered_shows_on_the_next_load(client, world):
    from progress.services import notice_issue

    url = reverse("reports:department", args=[world.other.pk])
    client.force_login(world.viewer)
    assert "没有未答复的督办单" in client.get(url).content.decode()
    notice_issue(actor=world.coordinator, assignment=world.other_a, reason="请加快进度",
                 reply_due=dt.date.today() + dt.timedelta(days=10))
    assert "请加快进度" in client.get(url).content.decode()


# ---------------------------------------------------------------- fixed query count


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _measure(client, plan_index: int) -> dict:
    """Query counts of every dashboard, cold (cache cleared) and warm, for a
    unit, a task and a plan of the generated data."""
    from accounts.models import User
    from agencies.models import Department
    from tasks.models import Plan, WorkItem

    viewer = User.objects.get(username="bench-viewer")
    unit = Department.objects.get(name="区教委")
    officer = User.objects.get(username__startswith="bench-officer-", department=unit)
    plan = Plan.objects.filter(title__startswith="【规模】").order_by("pk")[plan_index]
    task = WorkItem.objects.filter(plan=plan).order_by("number").first()
    on = "on=2026-11-20"
    urls = {
        "district": (viewer, reverse("reports:district") + f"?{on}"),
        "district-plan": (viewer, reverse("reports:district") + f"?{on}&plan={plan.pk}"),
        "department": (viewer, reverse("reports:department", args=[unit.pk]) + f"?{on}"),
        "my-department": (officer, reverse("reports:my-department") + f"?{on}"),
        "task": (viewer, reverse("reports:task", args=[task.pk]) + f"?{on}"),
        "excel": (viewer, reverse("reports:excel") + f"?download=1&{on}&plan={plan.pk}"),
    }
    result = {}
    for name, (user, url) in urls.items():
        client.force_login(user)
        client.get(reverse("reports:exports"))  # settle the bookkeeping of a new session
        cache.clear()
        result[name] = _count(client, url)
        result[name + " (cached)"] = _count(client, url)
    return result


@on_day(dt.date(2026, 12, 2))  # the generated months end in late 2026
def test_query_count_is_the_same_at_two_data_sizes(client, db):
    from progress.models import ProgressReport
    from reports.scale import Scale, generate

    generate(Scale(plans=1, units_per_plan=8, months=3, institutions=12, seed=7))
    small_reports = ProgressReport.objects.count()
    small = _measure(client, 0)
    # Three times the plans, three times the months, more units per task, more institutions.
    generate(Scale(plans=3, units_per_plan=16, months=9, institutions=80, seed=8))
    assert ProgressReport.objects.count() > 8 * small_reports
    large = _measure(client, 3)
    assert small == large, (small, large)
    assert large["district (cached)"] < large["district"]
