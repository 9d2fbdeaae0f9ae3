"""The district overview is rendered ahead of its readers after a change
(reports.warm, run every minute by beat), and is never stale either way."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import cache
from reports.jobs import warm_dashboards
from reports.warm import dashboards_warm
from tests.conftest import on_day

from .conftest import D, report


def _load(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:district"))
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def _on_time(html: str) -> tuple[int, int]:
    on_time, expected = re.search(r"近12个月：(\d+) / (\d+) 期", html).groups()
    return int(on_time), int(expected)


def test_after_a_change_the_job_renders_it_and_the_reader_finds_it_ready(client, world):
    from progress.services import report_approve

    client.force_login(world.viewer)
    _load(client)
    _, warm_queries = _load(client)  # served from the cache
    r = report(world.lead_a, 2026, 2, state="submitted", submitted_on=D(2026, 2, 20))
    report_approve(actor=world.leader, report=r)

    # One scope for the viewer, one for the coordinator: both stale, both rendered.
    assert warm_dashboards.delay().get() == 2
    html, queries = _load(client)
    assert queries == warm_queries  # the reader's load is a cache hit …
    cache.clear()
    fresh, _ = _load(client)
    assert _on_time(html) == _on_time(fresh)  # … of the current figures


def test_nothing_is_rendered_when_nothing_changed(world):
    assert dashboards_warm() == 2
    assert dashboards_warm() == 0


def test_a_reader_before_the_job_still_gets_the_new_figures(client, world):
    # February 2026 is inside the overview's last 12 months when today is in late 2026.
    with on_day(D(2026, 11, 20)):
        from progress.services import report_approve

        client.force_login(world.viewer)
        r = report(world.lead_a, 2026, 2, state="submitted", submitted_on=D(2026, 2, 20))
        before = _on_time(_load(client)[0])
        dashboards_warm()
        report_approve(actor=world.leader, report=r)
        after = _on_time(_load(client)[0])
        assert after == (before[0] + 1, before[1])


def test_off_when_the_cache_is_off(settings, world):
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
    assert dashboards_warm() == 0
