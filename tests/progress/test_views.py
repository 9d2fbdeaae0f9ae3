"""Every progress page × role: anonymous → login, wrong role → 403, other
unit → 404, right user → 200 (or the action's redirect). Then the flows as a
user meets them, form errors in Chinese beside the field, refused uploads,
and the query count of the busy pages with 10 and with 10,000 reports."""
import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import (
    AssignmentCompletion,
    LeadSummary,
    MilestoneFile,
    NoticeFile,
    ProgressReport,
    ReportFile,
    ReportingPeriod,
    SupervisionNotice,
)
from progress.timerules import milestone_met
from tasks.models import Assignment, Milestone, Task
from tests.factories import PDF_BYTES, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def hr(users, plan_2020, media):
    """Task 1 (区人力社保局 leads; 区卫生健康委 and 区总工会 responsible) with a
    submitted report of 区人力社保局 carrying a PDF, and one of 区总工会."""
    task1 = Task.objects.get(plan=plan_2020, number=1)
    services.periods_ensure(plan=plan_2020)
    mine = Assignment.objects.get(task=task1, department__name="区人力社保局")
    union = Assignment.objects.get(task=task1, department__name="区总工会")
    union_officer = UserFactory(role="officer", department=union.department)
    this_month = TODAY().replace(day=1)
    report = services.report_submit(
        actor=users["officer"],
        report=services.report_create(actor=users["officer"], assignment=mine, period=this_month,
                                      progress="落实产假政策宣传三场。", percent=40, files=[pdf()]),
    )
    union_report = services.report_submit(
        actor=union_officer,
        report=services.report_create(actor=union_officer, assignment=union, period=this_month,
                                      progress="工会开展母婴关爱活动。", percent=20),
    )
    union_draft = services.report_create(
        actor=union_officer, assignment=union,
        period=(this_month - dt.timedelta(days=1)).replace(day=1), progress="上月草稿", percent=5,
    )
    notice = services.notice_issue(actor=users["coordinator"], assignment=mine, reason="请加快推进。",
                                   reply_due=TODAY() + dt.timedelta(days=5))
    notice = services.notice_reply(actor=users["officer"], notice=notice, text="已部署。", files=[pdf("答复.pdf")])
    open_notice = services.notice_issue(actor=users["coordinator"], assignment=mine, reason="请补充材料。",
                                        reply_due=TODAY() + dt.timedelta(days=5))
    claim = services.completion_claim(actor=union_officer, assignment=union, note="工会部分已完成。")
    milestone = Milestone.objects.create(plan=plan_2020, task=task1, title="出台实施细则", due_date=dt.date(2026, 12, 31))
    services.milestone_confirm(actor=users["coordinator"], milestone=milestone, met_on=TODAY(), evidence="已印发。",
                               files=[pdf("细则.pdf")])
    return SimpleNamespace(
        task=task1, mine=mine, union=union, union_officer=union_officer, report=report,
        union_report=union_report, union_draft=union_draft, file=report.files.get(), notice=notice,
        open_notice=open_notice, notice_file=notice.files.get(), claim=claim, milestone=milestone,
        milestone_file=milestone.evidence_files.get(), month=this_month,
    )


ROLES = ["anonymous", "coordinator", "officer", "leader", "viewer", "registrar", "operator", "other_officer"]


def expect(**outcomes):
    return {role: outcomes.get(role, outcomes.get("default")) for role in ROLES[1:]}


GET_PAGES = {
    "我的任务": (lambda h: reverse("progress:my-tasks"),
              expect(default=403, officer=200, leader=200, other_officer=200)),
    "待审核": (lambda h: reverse("progress:review"), expect(default=403, leader=200, coordinator=200)),
    "assignment": (lambda h: reverse("progress:assignment", args=[h.mine.pk]),
                   expect(default=200, registrar=404, operator=403, other_officer=404)),
    "report form": (lambda h: reverse("progress:report-create", args=[h.mine.pk, 2026, 10]),
                    expect(default=403, officer=200, other_officer=404)),
    "report": (lambda h: reverse("progress:report", args=[h.report.pk]),
               expect(default=200, registrar=404, operator=403, other_officer=404)),
    "report edit": (lambda h: reverse("progress:report-edit", args=[h.union_draft.pk]),
                    expect(default=403, officer=404, other_officer=404)),
    "report file": (lambda h: reverse("progress:report-file", args=[h.file.pk]),
                    expect(default=200, registrar=404, operator=403, other_officer=404)),
    "lead view": (lambda h: reverse("progress:lead", args=[h.task.pk]),
                  expect(default=200, registrar=404, operator=403, other_officer=404)),
    "notices": (lambda h: reverse("progress:notices"), expect(default=200, registrar=403, operator=403)),
    "notice form": (lambda h: reverse("progress:notice-create"), expect(default=403, coordinator=200)),
    "notice": (lambda h: reverse("progress:notice", args=[h.notice.pk]),
               expect(default=200, registrar=403, operator=403, other_officer=404)),
    "notice file": (lambda h: reverse("progress:notice-file", args=[h.notice_file.pk]),
                    expect(default=200, registrar=403, operator=403, other_officer=404)),
    "milestone confirm": (lambda h: reverse("progress:milestone-confirm", args=[h.milestone.pk]),
                          expect(default=403, coordinator=200)),
    "milestone file": (lambda h: reverse("progress:milestone-file", args=[h.milestone_file.pk]),
                       expect(default=200, registrar=404, operator=403, other_officer=404)),
}
GET_CASES = [(page, role) for page in GET_PAGES for role in ROLES]


def _login(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])


@pytest.mark.parametrize(("page", "role"), GET_CASES, ids=[f"{p}-{r}" for p, r in GET_CASES])
def test_page_access(hr, users, client, page, role):
    url_for, expected = GET_PAGES[page]
    url = url_for(hr)
    _login(client, users, role)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected[role], f"{page} / {role}"


def test_the_union_officer_edits_its_own_draft_but_nobody_else_reads_it(hr, users, client):
    client.force_login(hr.union_officer)
    assert client.get(reverse("progress:report-edit", args=[hr.union_draft.pk])).status_code == 200
    # A draft is the unit's own: not the lead unit, not the coordinator.
    for role in ("officer", "leader", "coordinator", "viewer"):
        client.force_login(users[role])
        assert client.get(reverse("progress:report", args=[hr.union_draft.pk])).status_code == 404


# POST actions: anonymous → login, wrong role → 403, other unit → 404, right user → redirect.
POST_ACTIONS = {
    "submit": (lambda h: reverse("progress:report-submit", args=[h.union_draft.pk]), {},
               {"coordinator": 403, "leader": 403, "other_officer": 404, "union_officer": 302}),
    "approve": (lambda h: reverse("progress:report-approve", args=[h.report.pk]), {},
                {"officer": 403, "coordinator": 403, "other_officer": 403, "leader": 302}),
    "return": (lambda h: reverse("progress:report-return", args=[h.report.pk]), {"reason": "请补充。"},
               {"officer": 403, "viewer": 403, "other_officer": 403, "coordinator": 302}),
    "correct": (lambda h: reverse("progress:report-correct", args=[h.union_report.pk]), {"reason": "更正"},
                {"leader": 403, "other_officer": 404, "union_officer": 302}),
    "complete": (lambda h: reverse("progress:completion-claim", args=[h.mine.pk]), {"note": "已完成。"},
                 {"coordinator": 403, "other_officer": 404, "officer": 302}),
    "decide": (lambda h: reverse("progress:completion-decide", args=[h.claim.pk]),
               {"decision": "accept", "comment": ""},
               {"officer": 403, "viewer": 403, "leader": 302}),
    "reply": (lambda h: reverse("progress:notice-reply", args=[h.open_notice.pk]), {"text": "已落实。"},
              {"coordinator": 403, "other_officer": 404, "leader": 302}),
    "close": (lambda h: reverse("progress:notice-close", args=[h.notice.pk]), {"comment": "办结"},
              {"officer": 403, "leader": 403, "coordinator": 302}),
}
POST_CASES = [(action, who) for action, spec in POST_ACTIONS.items() for who in ["anonymous", *spec[2]]]


@pytest.mark.parametrize(("action", "who"), POST_CASES, ids=[f"{a}-{w}" for a, w in POST_CASES])
def test_action_access(hr, users, client, action, who):
    url_for, data, expected = POST_ACTIONS[action]
    if action == "correct":  # corrections start from an approved report
        union_leader = UserFactory(role="leader", department=hr.union.department)
        services.report_approve(actor=union_leader, report=hr.union_report)
    if who == "union_officer":
        client.force_login(hr.union_officer)
    else:
        _login(client, users, who)
    response = client.post(url_for(hr), data)
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected[who], f"{action} / {who}"
        if expected[who] == 302 and action != "decide":
            assert client.get(url_for(hr)).status_code == 405  # actions are POST only
        # (decide's GET is its confirmation page, which changes nothing: test_access_walk_events.py)


# ---- flows ----------------------------------------------------------------------------


def test_officer_lands_on_my_tasks_and_leader_on_review(users, client, plan_2020):
    client.force_login(users["officer"])
    assert client.get(reverse("home"))["Location"] == reverse("progress:my-tasks")
    client.force_login(users["leader"])
    assert client.get(reverse("home"))["Location"] == reverse("progress:review")
    page = client.get(reverse("progress:review")).content.decode()
    assert "待审核" in page and "我的任务" in page  # both in the leader's navigation


def test_write_submit_and_download_evidence(hr, users, client, media):
    client.force_login(users["officer"])
    url = reverse("progress:report-create", args=[hr.mine.pk, 2026, 10])
    response = client.post(url, {"progress": "十月进展", "percent": "35", "problems": "", "next_steps": "",
                                 "evidence": [pdf("十月 会议纪要.pdf")], "action": "submit"})
    report = ProgressReport.objects.get(assignment=hr.mine, period__start=dt.date(2026, 10, 1))
    assert response["Location"] == reverse("progress:report", args=[report.pk])
    assert report.state == "submitted" and report.percent == 35
    stored = report.files.get()
    assert stored.original_name == "十月 会议纪要.pdf"
    assert stored.file.name.startswith("evidence/") and stored.file.name.endswith(".pdf")
    assert "会议纪要" not in stored.file.name  # generated name, never the client's
    assert (media / stored.file.name).is_file()
    download = client.get(reverse("progress:report-file", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    # The same file by URL for another unit's officer: 404.
    client.force_login(users["other_officer"])
    assert client.get(reverse("progress:report-file", args=[stored.pk])).status_code == 404


def test_form_errors_in_chinese_beside_the_field_and_nothing_saved(hr, users, client, media):
    client.force_login(users["officer"])
    before = ProgressReport.objects.count()
    response = client.post(reverse("progress:report-create", args=[hr.mine.pk, 2026, 10]),
                           {"progress": "", "percent": "150", "action": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_progress-errors"><li>请填写本期进展。</li></ul>' in html
    assert '<ul class="errorlist" id="id_percent-errors"><li>完成进度不能大于 100。</li></ul>' in html
    assert ProgressReport.objects.count() == before


def _raw_multipart(fields: dict, file_field: str, filename: str, data: bytes):
    boundary = "----yzboundary"
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
               f"Content-Type: application/pdf\r\n\r\n".encode())
    body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("通知.pdf", EXE_BYTES, "文件“通知.pdf”的内容不是允许的类型"),
        ("大文件.pdf", PDF_BYTES + b"0" * (25 * 1024 * 1024), "文件“大文件.pdf”大小为 25 MB，超过 20 MB 的上限。"),
        ("../../etc/evil.pdf", PDF_BYTES, "文件名“..\\..\\etc\\evil.pdf”包含路径或非法字符"),
        # A right-to-left override makes "发票\u202egpj.pdf" read as "发票fdp.jpg": refused, never silently cleaned.
        ("发票\u202egpj.pdf", PDF_BYTES, "文件名“发票&lt;U+202E&gt;gpj.pdf”包含不可见字符或控制字符（U+202E）"),
    ],
    ids=["exe-renamed-pdf", "25MB", "dotdot-name", "bidi-override-name"],
)
def test_report_form_refuses_bad_uploads(hr, users, client, media, filename, data, message):
    client.force_login(users["officer"])
    files_before, rows_before = stored_files(media), (ProgressReport.objects.count(), ReportFile.objects.count())
    body, content_type = _raw_multipart(
        {"progress": "十月进展", "percent": "35", "action": "submit"}, "evidence", filename, data
    )
    response = client.generic("POST", reverse("progress:report-create", args=[hr.mine.pk, 2026, 10]), body,
                              content_type=content_type)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_evidence-errors"' in html and message in html.replace("&quot;", '"')
    assert (ProgressReport.objects.count(), ReportFile.objects.count()) == rows_before
    assert stored_files(media) == files_before


def test_notice_reply_refuses_bad_upload_too(hr, users, client, media):
    client.force_login(users["officer"])
    files_before = stored_files(media)
    response = client.post(reverse("progress:notice-reply", args=[hr.open_notice.pk]),
                           {"text": "已落实。", "files": [SimpleUploadedFile("答复.pdf", EXE_BYTES)]})
    assert response.status_code == 200 and "不是允许的类型" in response.content.decode()
    hr.open_notice.refresh_from_db()
    assert hr.open_notice.state == "open" and stored_files(media) == files_before


def test_return_with_reason_then_returned_report_comes_first(hr, users, client):
    client.force_login(users["leader"])
    response = client.post(reverse("progress:report-return", args=[hr.report.pk]), {"reason": ""})
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_reason-errors"><li>退回时必须填写退回原因。</li></ul>' in response.content.decode()
    assert ProgressReport.objects.get(pk=hr.report.pk).state == "submitted"
    client.post(reverse("progress:report-return", args=[hr.report.pk]), {"reason": "缺少宣传照片。"})
    client.force_login(users["officer"])
    page = client.get(reverse("progress:my-tasks"))
    html = page.content.decode()
    assert html.index("被退回的报告") < html.index("本期待报") < html.index("全部任务")
    assert "缺少宣传照片。" in html
    assert page.context["mine"].rows[0].returned  # and its row heads the table


def test_a_stale_second_reviewer_sees_a_clear_message(hr, users, client):
    client.force_login(users["leader"])
    client.post(reverse("progress:report-approve", args=[hr.report.pk]))
    client.force_login(users["coordinator"])
    response = client.post(reverse("progress:report-return", args=[hr.report.pk]), {"reason": "晚了"}, follow=True)
    html = response.content.decode()
    assert "操作未执行：该报告已由" in html and "审核通过" in html
    assert ProgressReport.objects.get(pk=hr.report.pk).state == "approved"


def test_correction_opens_the_next_version_for_editing(hr, users, client):
    services.report_approve(actor=users["leader"], report=hr.report)
    client.force_login(users["officer"])
    response = client.post(reverse("progress:report-correct", args=[hr.report.pk]), {"reason": "进度填错"})
    v2 = ProgressReport.objects.get(assignment=hr.mine, period=hr.report.period, version=2)
    assert response["Location"] == reverse("progress:report-edit", args=[v2.pk])
    page = client.get(reverse("progress:report", args=[v2.pk])).content.decode()
    assert "第1版" in page and "进度填错" in page


def test_lead_unit_reads_every_unit_and_writes_the_summary(hr, users, client):
    client.force_login(users["officer"])
    url = reverse("progress:lead", args=[hr.task.pk])
    html = client.get(url).content.decode()
    assert "工会开展母婴关爱活动。" in html and "上月草稿" not in html
    response = client.post(url, {"text": ""})
    assert "请填写汇总情况。" in response.content.decode() and not LeadSummary.objects.exists()
    client.post(url, {"text": "两家责任单位均已报送。"})
    assert LeadSummary.objects.get().text == "两家责任单位均已报送。"
    client.force_login(hr.union_officer)  # a responsible unit does not open the lead view
    assert client.get(url).status_code == 404
    assert "两家责任单位均已报送。" in client.get(reverse("tasks:detail", args=[hr.task.pk])).content.decode()


def test_coordinator_issues_a_notice_and_follows_up(hr, users, client):
    client.force_login(users["coordinator"])
    response = client.post(reverse("progress:notice-create"),
                           {"assignment": hr.union.pk, "reason": "", "reply_due": "2020-01-01"})
    html = response.content.decode()
    assert "请填写督办事由。" in html and "答复期限不能早于今天。" in html
    due = (TODAY() + dt.timedelta(days=7)).isoformat()
    response = client.post(reverse("progress:notice-create"), {"assignment": hr.union.pk, "reason": "请说明。",
                                                               "reply_due": due})
    notice = SupervisionNotice.objects.get(assignment=hr.union)
    assert response["Location"] == reverse("progress:notice", args=[notice.pk])
    client.post(reverse("progress:notice-create") + f"?follow_up={notice.pk}",
                {"assignment": hr.union.pk, "reason": "再次督办。", "reply_due": due, "follow_up": notice.pk})
    notice.refresh_from_db()
    assert notice.state == "closed" and notice.follow_ups.count() == 1


def test_notice_reply_with_file(hr, users, client, media):
    client.force_login(users["leader"])
    client.post(reverse("progress:notice-reply", args=[hr.open_notice.pk]),
                {"text": "已补充。", "files": [pdf("补充材料.pdf")]})
    hr.open_notice.refresh_from_db()
    assert hr.open_notice.state == "answered" and NoticeFile.objects.filter(notice=hr.open_notice).count() == 1


def test_completion_via_pages(hr, users, client):
    client.force_login(users["leader"])
    response = client.post(reverse("progress:completion-decide", args=[hr.claim.pk]),
                           {"decision": "reject", "comment": ""})
    assert "不予确认时请填写原因。" in response.content.decode()
    client.post(reverse("progress:completion-decide", args=[hr.claim.pk]), {"decision": "accept", "comment": "同意"})
    assert AssignmentCompletion.objects.get(pk=hr.claim.pk).state == "accepted"
    html = client.get(reverse("tasks:detail", args=[hr.task.pk])).content.decode()
    assert '<span class="light done"' in html and "已完成" in html


def test_milestone_confirmation_page(hr, users, client, media):
    m = Milestone.objects.create(plan=hr.task.plan, task=hr.task, title="建立工作台账", due_date=dt.date(2026, 12, 1))
    client.force_login(users["coordinator"])
    url = reverse("progress:milestone-confirm", args=[m.pk])
    html = client.post(url, {"met_on": "", "evidence": ""}).content.decode()
    assert "请填写达成日期。" in html and "请填写达成依据。" in html
    response = client.post(url, {"met_on": TODAY().isoformat(), "evidence": "台账已建立。", "files": [pdf()]})
    assert response["Location"] == reverse("tasks:detail", args=[hr.task.pk])
    assert milestone_met(Milestone.objects.get(pk=m.pk), TODAY()) and MilestoneFile.objects.filter(milestone=m).count() == 1


def test_task_detail_shows_lights_reports_milestones_and_notices(hr, users, client):
    services.report_approve(actor=users["leader"], report=hr.report)
    client.force_login(users["coordinator"])
    html = client.get(reverse("tasks:detail", args=[hr.task.pk])).content.decode()
    assert 'id="task-light"' in html and 'class="light ' in html
    assert "最新通过的报告" in html and hr.report.period.label in html
    assert "出台实施细则" in html and "已达成" in html
    assert hr.notice.number in html
    # Lights always carry a word, never colour alone.
    spans = re.findall(r'<span class="light (\w+)"[^>]*>([^<]*)</span>', html)
    assert spans and all(word.strip() for _, word in spans)


def test_task_8_milestone_reads_the_registry_indicator(users, client, plan_2020):
    client.force_login(users["coordinator"])
    task8 = Task.objects.get(plan=plan_2020, number=8)
    html = client.get(reverse("tasks:detail", args=[task8.pk])).content.decode()
    assert "完成现有机构规范注册信息和备案登记" in html
    assert "平台数据实时计算" in html or "数据来源模块尚未启用" in html


# ---- query counts: the busy pages cost the same with 10 and 10,000 reports ---------------


def _bulk_reports(plan, total: int, actor) -> None:
    """`total` reports across every assignment and period (approved and
    waiting for review in turn, then approved corrections), in bulk."""
    periods = list(ReportingPeriod.objects.filter(plan=plan, start__lte=TODAY()).order_by("start"))
    # 区人力社保局's own first, so the first ten already fill its pages.
    assignments = sorted(Assignment.objects.filter(task__plan=plan).select_related("department"),
                         key=lambda a: (a.department.name != "区人力社保局", a.pk))
    pairs = [(a, p) for p in periods for a in assignments]
    taken = set(ProgressReport.objects.values_list("assignment_id", "period_id"))
    pairs = [(a, p) for a, p in pairs if (a.pk, p.pk) not in taken]
    now = timezone.now()
    rows = []
    for i, (a, p) in enumerate(pairs):
        approved = i % 2 == 0  # every other one waits for review
        rows.append(ProgressReport(assignment=a, period=p, version=1, state="approved" if approved else "submitted",
                                   progress="批量", percent=50, created_by=actor, submitted_at=now,
                                   last_submitted_at=now, approved_at=now if approved else None,
                                   reviewed_at=now if approved else None))
        if len(rows) >= total:
            break
    for version in (2, 3):  # approved ones get approved corrections of their own
        for i, (a, p) in enumerate(pairs):
            if len(rows) >= total:
                break
            if i % 2 == 0:
                rows.append(ProgressReport(assignment=a, period=p, version=version, state="approved",
                                           progress="批量更正", percent=60, created_by=actor, submitted_at=now,
                                           last_submitted_at=now, approved_at=now, reviewed_at=now))
    ProgressReport.objects.bulk_create(rows, batch_size=2000)


def _count(client, url):
    client.get(url)  # warm caches (content types, sessions) as a running server has
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


# The proof is small == large; the caps (measured + 2 for site-wide context
# processors of other apps) catch a page that starts costing more.
BUSY_PAGES = [
    ("officer", lambda: reverse("progress:my-tasks"), 14),
    ("leader", lambda: reverse("progress:review"), 12),
    ("coordinator", lambda: reverse("progress:review"), 12),
    ("coordinator", lambda: reverse("tasks:detail", args=[Task.objects.get(number=1, plan__issued_on="2020-07-17").pk]), 16),
]


@pytest.mark.parametrize(("role", "url_for", "cap"), BUSY_PAGES, ids=["我的任务", "待审核-leader", "待审核-coordinator", "任务详情"])
def test_busy_pages_cost_the_same_with_10_and_10000_reports(users, client, plan_2020, role, url_for, cap,
                                                           django_assert_max_num_queries):
    services.periods_ensure(plan=plan_2020)
    _bulk_reports(plan_2020, 10, users["officer"])
    assert ProgressReport.objects.count() == 10
    client.force_login(users[role])
    small = _count(client, url_for())
    _bulk_reports(plan_2020, 9990, users["officer"])
    assert ProgressReport.objects.count() == 10_000
    large = _count(client, url_for())
    assert small == large, (small, large)
    print(f"queries: {small} with 10 reports, {large} with 10,000")
    with django_assert_max_num_queries(cap):
        client.get(url_for())
