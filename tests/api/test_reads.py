"""Reads: lights as of any date, the pages' filters, cursor pages, ETag / If-None-Match, the throttle per client,
problem details in Chinese, and every call in the log the coordinators read."""
from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiCall
from progress.lights import lights_for_assignments
from tests.api.conftest import api_client, register
from tests.security.world import D, MARK

pytestmark = pytest.mark.django_db


def test_reads_answer_through_the_bound_users_scope(world, tokens):
    w = world
    officer = api_client(tokens["offi"])
    # Lights as of any date are progress.lights' own verdicts.
    for day in (D(2026, 9, 30), D(2026, 11, 20)):
        body = officer.get(f"/api/v1/assignments/{w.assignment.pk}/", {"on": day.isoformat()}).json()
        light = lights_for_assignments([w.assignment.pk], on=day)[w.assignment.pk]
        assert (body["light"]["code"], body["light"]["reasons"], body["on"]) == (light.code, list(light.reasons),
                                                                                   day.isoformat())
    # The task list's filters: our officer sees task 1 (led) but not task 14; the keyword filter works.
    items = officer.get("/api/v1/items/", {"q": "产假"}).json()["results"]
    assert [i["number"] for i in items] == [1] and items[0]["lead_unit"]["name"] == "区人力社保局"
    # Approved reports only (the current versions), with files that download through the same checks.
    reports = officer.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in reports] == [w.approved.pk]
    file_url = reports[0]["files"][0]["download_url"]
    assert officer.get(file_url).status_code == 200
    assert api_client(tokens["o_of"]).get(file_url).status_code == 404
    # Notices: the unit's own, the page's state filter, the reply text shown to its unit only.
    notices = officer.get("/api/v1/notices/", {"state": "answered"}).json()["results"]
    assert [n["id"] for n in notices] == [w.answered_notice.pk] and notices[0]["reply_text"] == MARK["own reply"]
    # The directory: public fields only, whoever asks.
    entry = api_client(tokens["o_of"]).get("/api/v1/directory/").json()["results"][0]
    assert "credit_code" not in entry and "contact_phone" not in entry
    # Bad input names the parameter, in Chinese, as problem details.
    bad = officer.get("/api/v1/assignments/", {"on": "2026-13-01"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"] == {"on": ["日期格式应为 YYYY-MM-DD，如 2026-11-30。"]}
    assert officer.get("/api/v1/items/", {"plan": "9" * 30}).json()["errors"] == {"plan": ["请填写有效的 id（正整数）。"]}
    english = officer.get("/api/v1/items/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "对象不存在，或不在本客户端可见的范围内。"


def test_cursor_pages_and_etags(world, tokens):
    client = api_client(tokens["coord"])
    first = client.get("/api/v1/assignments/", {"page_size": 5})
    page = first.json()
    assert len(page["results"]) == 5 and page["next"]
    second = client.get(page["next"]).json()
    assert not {a["id"] for a in page["results"]} & {a["id"] for a in second["results"]}
    etag = first["ETag"]
    assert client.get("/api/v1/assignments/", {"page_size": 5}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A change on the page (a light turns) is a new ETag.
    changed = client.get("/api/v1/assignments/", {"page_size": 5, "on": "2026-10-01"})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_throttle_counts_per_client_and_every_call_is_logged(world, tokens, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE = "3/min"
    busy, other = api_client(tokens["view"]), api_client(tokens["coord"])
    assert [busy.get("/api/v1/plans/").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = busy.get("/api/v1/plans/")
    assert limited.json()["detail"].startswith("请求过于频繁") and int(limited["Retry-After"]) > 0
    assert other.get("/api/v1/plans/").status_code == 200  # another client has its own budget
    api_client("yz_00000000_unknown").get("/api/v1/plans/")
    logged = list(ApiCall.objects.order_by("id").values_list("client__name", "endpoint", "status"))
    assert logged[-3:] == [("系统-view", "plans", 429), ("系统-coord", "plans", 200), (None, "plans", 401)]
    # Coordinators read the log on their page; the token itself is never stored.
    page = Client()
    page.force_login(world.coordinator)
    assert "系统-view" in page.get("/api/calls/").content.decode()
    from api.models import ApiClient

    assert not ApiClient.objects.filter(token_hash__in=list(tokens.values())).exists()


def test_a_coordinator_registers_a_client_and_sees_its_token_once(world):
    page = Client()
    page.force_login(world.coordinator)
    response = page.post("/api/clients/new/", {
        "name": "区教委业务系统", "owner_unit": world.other_unit.pk, "user": world.other_officer.pk,
        "scopes": ["assignments", "reports:write"], "expires_on": "2027-06-30",
    })
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = response.context["token"]
    assert token.startswith("yz_") and token in response.content.decode()
    assert token not in page.get("/api/clients/").content.decode()  # never shown again
    assert api_client(token).get("/api/v1/assignments/").status_code == 200
    refused = page.post("/api/clients/new/", {
        "name": "", "owner_unit": world.unit.pk, "user": world.leader.pk, "scopes": ["reports:write"],
        "expires_on": "2026-01-01",
    })
    assert "请填写系统名称。" in refused.content.decode()


def test_the_hand_built_list_rows_are_the_serializers_json(world, tokens):
    """The two hot lists build their rows by hand from values() (speed); each listed row must be exactly what the
    documented serializers say for that object."""
    from rest_framework.test import APIRequestFactory

    from api import serializers
    from api.views.reads import approved_reports
    from tasks.models import Assignment

    w = world
    officer = api_client(tokens["offi"])
    request = APIRequestFactory().get("/api/v1/reports/")  # testserver, as the test client's absolute URLs
    listed_reports = officer.get("/api/v1/reports/").json()["results"]
    assert listed_reports and all(
        row == serializers.ReportSerializer(approved_reports(w.viewer).get(pk=row["id"]),
                                            context={"request": request}).data
        for row in listed_reports)
    assert listed_reports[0]["files"]  # the files' shape is compared too
    on = D(2026, 11, 20)
    listed = officer.get("/api/v1/assignments/", {"on": on.isoformat()}).json()["results"]
    found = lights_for_assignments([row["id"] for row in listed], on=on)
    assert len(listed) > 1 and all(
        row == serializers.AssignmentSerializer(
            Assignment.objects.select_related("task__plan", "department").get(pk=row["id"]),
            context={"on": on, "lights": found}).data
        for row in listed)
    assert {row["light"]["code"] for row in listed} - {"green"}  # not only the trivial light
    listed = api_client(tokens["offi"]).get("/api/v1/reports/").json()["results"][0]
    assert listed["files"][0]["download_url"].startswith("http://testserver/api/v1/report-files/")
