"""Hostile input on what only reads: the dashboards' as-of date and plan, the
official Excel report's filters, the registry's and the public directory's
filters and the roster export's parameters, the big-export form, the inbox's
actions (and their `next`), and every URL with a number in it guessed with
boundary numbers. Never a 500; a filter that makes no sense is a message or
a 404, never someone else's data; what is echoed back is escaped."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from notifications.models import Notification
from reports.forms import ExcelForm

from .helpers import CJK, assert_escaped, form_errors, refused_unchanged, rolled_back, signed_in, table_counts
from .strategies import date_text, hostile_text, month_text, mostly, number_text, past_date, short_hostile_text

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cases(n: int):
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


def _pick(world, key: str):
    own, other = {"unit": (world.unit, world.other_unit), "task": (world.task, world.other_task)}[key]
    return own, other


# ---------------------------------------------------------------- dashboards


@cases(60)
@given(
    page=st.sampled_from(["district", "my-department", "department", "department-other", "task", "task-other"]),
    who=st.sampled_from(["coordinator", "viewer", "officer", "leader"]),
    on=mostly(st.one_of(st.just(""), past_date(3000)), date_text, one_in=2),
    plan=mostly(st.just(""), st.one_of(st.just("plan"), number_text)),
    extra=st.dictionaries(short_hostile_text, short_hostile_text, max_size=2),
)
@example(page="district", who="coordinator", on="0001-01-01", plan="", extra={})
@example(page="task", who="officer", on="9999-12-31", plan="99999999999999999999", extra={})
def test_dashboard_filters(world, tried, page, who, on, plan, extra):
    tried()
    user = getattr(world, who)
    client = signed_in(user)
    args = {"district": [], "my-department": [], "department": [world.unit.pk],
            "department-other": [world.other_unit.pk], "task": [world.task.pk],
            "task-other": [world.other_task.pk]}[page]
    name = {"department-other": "department", "task-other": "task"}.get(page, page)
    params = {**extra, "on": on, "plan": str(world.plan.pk) if plan == "plan" else plan}
    response = client.get(reverse(f"reports:{name}", args=args), params)
    sees_all = who in ("coordinator", "viewer")
    expected = {
        "district": 200 if sees_all else 403,
        "my-department": 404 if who == "viewer" else 200,
        "department": 200,
        "department-other": 200 if sees_all else 404,
        "task": 200,
        "task-other": 200 if sees_all else 404,
    }[page]
    assert response.status_code == expected, (page, who, response.status_code)
    if response.status_code == 200:
        body = response.content.decode()
        assert_escaped(body, on, *extra.keys(), *extra.values())
        form = response.context["form"]
        if on.strip() and not form.is_valid():
            event("as-of refused with a message")
            assert all(CJK.search(str(m)) for ms in form.errors.values() for m in ms)


@cases(60)
@given(
    who=st.sampled_from(["coordinator", "viewer", "officer"]),
    on=mostly(st.one_of(st.just(""), past_date(3000)), date_text, one_in=2),
    period=mostly(st.sampled_from(["", "2026-10", "2020-07", "2026-11"]), month_text, one_in=2),
    plan=mostly(st.sampled_from(["", "plan"]), number_text),
    department=mostly(st.sampled_from(["", "own", "other"]), number_text),
    download=st.sampled_from(["1", "", "0", "yes", "<script>alert(1)</script>"]),
)
@example(who="coordinator", on="", period="0000-01", plan="", department="", download="1")
@example(who="coordinator", on="", period="9999-12", plan="", department="", download="1")
@example(who="officer", on="0001-01-01", period="1000-01", plan="", department="own", download="1")
def test_excel_filters(world, tried, who, on, period, plan, department, download):
    tried()
    client = signed_in(getattr(world, who))
    params = {
        "on": on, "period": period, "download": download,
        "plan": str(world.plan.pk) if plan == "plan" else plan,
        "department": {"own": str(world.unit.pk), "other": str(world.other_unit.pk)}.get(department, department),
    }
    response = client.get(reverse("reports:excel"), params)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 404:
        # Only an officer naming a unit other than their own (as the form reads the
        # number: "2", " 2", "２" all name unit 2) is refused outright.
        form = ExcelForm(params, user=getattr(world, who))
        named = form.cleaned_data.get("department") if form.is_valid() else None
        assert who == "officer" and named is not None and named.pk != world.unit.pk, params
        event("another unit: 404")
        return
    if response["Content-Type"] == XLSX:
        event("workbook")
        assert download and response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        return
    event("form shown again")
    body = response.content.decode()
    assert_escaped(body, on, period, download)
    errors = form_errors(response)
    assert all(CJK.search(m) for ms in errors.values() for m in ms), errors
    if download and (on.strip() or period.strip()):
        assert errors or not download, "a download refused without a message"


@cases(30)
@given(plan=mostly(st.sampled_from(["", "plan"]), number_text), department=mostly(
    st.sampled_from(["", "own", "other"]), number_text), who=st.sampled_from(["coordinator", "officer"]))
def test_export_job_form(world, tried, plan, department, who):
    tried()
    client = signed_in(getattr(world, who))
    body = {"plan": str(world.plan.pk) if plan == "plan" else plan,
            "department": {"own": str(world.unit.pk), "other": str(world.other_unit.pk)}.get(department, department)}

    def case():
        before = table_counts()
        response = client.post(reverse("reports:exports"), body)
        if response.status_code == 302:
            event("queued")
            return
        assert response.status_code == 200
        errors = form_errors(response)
        assert errors and all(CJK.search(m) for ms in errors.values() for m in ms), errors
        refused_unchanged(before)

    rolled_back(client, case)


# ---------------------------------------------------------------- registry filters, public directory, roster export


@cases(50)
@given(
    q=hostile_text, street=mostly(st.just(""), number_text), status=mostly(st.sampled_from(["", "filed", "registered"]),
                                                                         short_hostile_text),
    service=mostly(st.sampled_from(["", "full_day", "hourly"]), short_hostile_text),
    page=mostly(st.sampled_from(["", "1", "2"]), number_text),
    export=st.sampled_from(["", "csv", "xlsx", "pdf", "<x>", "../../etc/passwd"]),
    template=st.sampled_from(["", "1", "0", "true"]),
)
def test_registry_filters(world, tried, q, street, status, service, page, export, template):
    tried()
    params = {"q": q, "street": street, "status": status, "service_type": service, "page": page}
    for client, url in ((signed_in(world.registrar), reverse("institutions:list")),
                        (Client(), reverse("institutions:directory"))):
        response = client.get(url, params)
        assert response.status_code in (200, 404), response.status_code  # 404: a page past the end
        if response.status_code == 200:
            body = response.content.decode()
            assert_escaped(body, q)
            assert "别家托育园" not in body or url.endswith("/directory/")  # the registrar's list is its own
    response = signed_in(world.registrar).get(reverse("institutions:roster-export"),
                                              {**params, "format": export, "template": template})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    if export == "csv":
        text = response.content.decode("utf-8-sig")
        assert "别家托育园" not in text and world.other_institution.credit_code not in text


# ---------------------------------------------------------------- the inbox's actions


REDIRECTS = st.sampled_from([
    "", "/", "/tasks/", "//evil.example/", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example/", "http://testserver.evil.example/", "javascript:alert(1)", "data:text/html,<script>",
    " //evil.example", "%2F%2Fevil.example", "/\t/evil.example", "https:evil.example", "／／evil.example",
    "/notifications/?unread=1",
])


@cases(45)
@given(next_=st.one_of(REDIRECTS, short_hostile_text), which=st.sampled_from(["own", "other", "all"]),
       unread=st.one_of(st.sampled_from(["", "1", "0"]), short_hostile_text),
       page=mostly(st.sampled_from(["", "1"]), number_text))
def test_inbox_actions(world, tried, next_, which, unread, page):
    tried()
    client = signed_in(world.officer)
    url = {"own": reverse("notifications:mark-read", args=[world.note.pk]),
           "other": reverse("notifications:mark-read", args=[world.other_note.pk]),
           "all": reverse("notifications:mark-all-read")}[which]

    def case():
        before = Notification.objects.filter(recipient=world.other_officer, read_at__isnull=True).count()
        response = client.post(url, {"next": next_})
        assert Notification.objects.filter(recipient=world.other_officer, read_at__isnull=True).count() == before
        if which == "other":
            assert response.status_code == 404  # someone else's message
            return
        assert response.status_code == 302
        # Wherever `next` pointed, the browser stays on this site.
        target = urlsplit(urljoin(f"http://testserver{url}", response["Location"]))
        assert (target.scheme, target.netloc) == ("http", "testserver"), response["Location"]
        listing = client.get(reverse("notifications:inbox"), {"unread": unread, "page": page})
        assert listing.status_code in (200, 404)
        if listing.status_code == 200:
            assert_escaped(listing.content.decode(), unread, page)

    rolled_back(client, case)


# ---------------------------------------------------------------- URL guessing with boundary numbers


def _numbered_urls() -> list[tuple[str, int]]:
    """Every portal URL name with numbers in its path, and how many."""
    found = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
                if ns == "admin":
                    continue
                walk(pattern, ns or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                if converters:
                    found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, len(converters)))

    walk(get_resolver(), None)
    return sorted(found)


NUMBERS = st.one_of(
    st.sampled_from([0, 1, 2, 12, 13, 2020, 9999, 10000, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, 10**40]),
    st.integers(min_value=0, max_value=10**30),
)


@cases(90)
@given(target=st.sampled_from(_numbered_urls()), numbers=st.lists(NUMBERS, min_size=4, max_size=4),
       who=st.sampled_from(["coordinator", "officer", "leader", "viewer", "registrar", "operator"]),
       method=st.sampled_from(["get", "post"]))
@example(target=("progress:report-create", 3), numbers=[3, 10**20, 1, 0], who="officer", method="get")
@example(target=("progress:report-create", 3), numbers=[3, 2026, 2**63, 0], who="officer", method="post")
@example(target=("progress:report-create", 3), numbers=[3, 0, 1, 0], who="officer", method="get")
def test_url_guessing_with_boundary_numbers(world, tried, target, numbers, who, method):
    tried()
    name, count = target
    url = reverse(name, args=numbers[:count])
    client = signed_in(getattr(world, who))

    def case():
        before = table_counts()
        response = getattr(client, method)(url)
        # The API takes tokens, not the session: a signed-in browser is unauthenticated there (401).
        allowed = (200, 302, 403, 404, 405) + ((401,) if url.startswith("/api/") else ())
        assert response.status_code in allowed, (url, response.status_code)
        event(f"{method} {response.status_code}")
        if method == "post" and response.status_code in (403, 404, 405):
            refused_unchanged(before)

    rolled_back(client, case)


def test_today_is_after_the_plan_began():
    """The cases above assume today's date lies inside the 2020 plan's reporting years."""
    assert dt.date.today() >= dt.date(2020, 7, 17)
