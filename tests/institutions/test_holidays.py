"""The holiday calendar the district keeps (issue 11.3): loading a year's
arrangement from text, deadlines across a year not loaded marked 待复核,
open filings recomputed with history and an inbox message, and the
coordinators' November reminder."""
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import ObjectChange
from institutions import services
from institutions.holidays import arrangement_text, parse_arrangement
from institutions.models import Filing, HolidayDay, HolidayYear
from institutions.selectors import holiday_arrangement_notice, review_queue
from institutions.services import holiday_arrangement_load
from institutions.workdays import UNVERIFIED_TEXT
from notifications.models import Notification
from tests.factories import UserFactory
from tests.institutions.conftest import complete_filing

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
pytestmark = pytest.mark.django_db

# MADE UP for the test: NOT the State Council's real 2027 arrangement (not
# published when this was written). Shaped like one: New Year's Day through
# Monday with a make-up Saturday, Spring Festival with two make-up weekend days.
MADE_UP_2027 = """\
# 2027年节假日安排（测试用，虚构，并非国务院办公厅通知）

2027-01-01..2027-01-04 放假 元旦
2027-01-09 上班 元旦调休
2027-02-05..2027-02-11 放假 春节
2027-02-14 上班 春节调休   # 星期日
2027-02-20 上班 春节调休
"""


def _at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _submitted(operator, day=D(2026, 12, 30)) -> Filing:
    filing = complete_filing(operator.institution)
    return services.filing_submit(filing=filing, actor=operator, at=_at(day.year, day.month, day.day, 10, 0))


def _load(text=MADE_UP_2027, actor=None):
    return holiday_arrangement_load(lines=text.splitlines(), actor=actor, label="测试")


# --- the format -------------------------------------------------------------------------


def test_the_format_reads_dates_ranges_kinds_names_and_comments():
    arrangement = parse_arrangement(MADE_UP_2027.splitlines())
    assert arrangement.years == [2027]
    assert arrangement.counts(2027) == (4 + 7, 3)
    first = arrangement.days[0]
    assert (first.date, first.kind, first.name, first.line) == (D(2027, 1, 1), "off", "元旦", 3)
    assert [d.name for d in arrangement.days if d.date == D(2027, 2, 14)] == ["春节调休"]  # comment cut off
    # and back: ranges of the same kind and name
    text = arrangement_text((d.date, d.kind, d.name) for d in arrangement.days)
    assert text.splitlines()[0] == "2027-01-01..2027-01-04 放假 元旦"
    again = parse_arrangement(text.splitlines()).days
    assert [(d.date, d.kind, d.name) for d in again] == [(d.date, d.kind, d.name) for d in arrangement.days]


def test_bad_lines_are_refused_with_their_line_numbers_and_nothing_is_saved(users):
    before = HolidayDay.objects.count()
    text = "\n".join([
        "# 测试用，虚构",
        "2027-01-01..2027-01-03 放假 元旦",
        "2027-02-30 放假 春节",
        "2027-02-07 加班 春节调休",
        "2027-02-12..2027-02-10 放假 春节",
        "2027-01-02 放假 元旦",
        "2027-02-08 上班 春节调休",
        "2027-03-01",
    ])
    with pytest.raises(ValidationError) as caught:
        _load(text, actor=users["coordinator"])
    assert caught.value.messages == [
        "第3行：日期“2027-02-30”无效。",
        "第4行：类型“加班”无效，应为“放假”或“上班”。",
        "第5行：结束日期 2027-02-10 早于开始日期 2027-02-12。",
        "第6行：日期“2027-01-02”与第2行重复。",
        "第7行：2027-02-08是星期一，本来就是工作日，不能标为调休上班。",
        "第8行：缺少类型（“放假”或“上班”）。",
    ]
    assert HolidayDay.objects.count() == before
    assert not HolidayDay.objects.filter(date__year=2027).exists()
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_the_command_refuses_a_bad_file_in_chinese_and_loads_a_good_one(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-01-01 放假 元旦\n\n2027-02-30 放假 春节\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_holidays", str(bad))
    assert "第3行：日期“2027-02-30”无效。" in str(caught.value) and "未保存任何数据" in str(caught.value)
    assert not HolidayYear.objects.filter(year=2027).exists()

    good = tmp_path / "holidays-2027.txt"
    good.write_text(MADE_UP_2027, encoding="utf-8")
    call_command("load_holidays", str(good))
    year = HolidayYear.objects.get(year=2027)
    assert year.source == HolidayYear.Source.FILE and year.loaded_by is None
    assert HolidayDay.objects.filter(date__year=2027).count() == 14


def test_loading_a_year_replaces_that_year_only(users):
    _load()
    HolidayDay.objects.create(date=D(2027, 5, 3), kind="off", name="后台录入")
    _load("2027-01-01 放假 元旦\n2026-12-26 上班 元旦调休\n", actor=users["coordinator"])
    assert list(HolidayDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 1, 1)]
    # a neighbouring year's make-up day is written alone: 2026 is neither replaced nor re-marked
    assert HolidayDay.objects.get(date=D(2026, 12, 26)).kind == "work"
    assert HolidayDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert HolidayYear.objects.get(year=2026).source == HolidayYear.Source.LIBRARY
    year = HolidayYear.objects.get(year=2027)
    assert year.loaded_by == users["coordinator"]
    assert ObjectChange.objects.filter(object_id="2027", comment__startswith="导入2027年节假日安排").count() == 2


def test_only_a_coordinator_keeps_the_calendar(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _load(actor=users["officer"])


# --- deadlines across 2027 ----------------------------------------------------------------


def test_a_filing_across_the_loaded_arrangement_is_due_as_it_says(operator):
    _load()
    filing = _submitted(operator)
    # Wed 12-30 → 12-31 (1); 1-1…1-4 off; 1-5 (2), 1-6 (3), 1-7 (4), 1-8 (5).
    assert filing.receipt_due_on == D(2027, 1, 8)
    # … 1-9 (Sat, 调休上班: 6), 1-11…1-15 (7–11), 1-18…1-21 (12–15).
    assert filing.notice_due_on == D(2027, 1, 21)


def test_without_the_arrangement_the_deadline_is_monday_to_friday_and_marked(client, users, operator):
    filing = _submitted(operator)
    assert filing.receipt_due_on == D(2027, 1, 6)  # New Year's Day counted: what the mark is for
    coordinator = users["coordinator"]
    with time_machine.travel(_at(2026, 12, 31, 9, 0), tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("institutions:filing-detail", args=[filing.pk])).content.decode()
        queue = client.get(reverse("institutions:review")).content.decode()
        client.force_login(operator)
        own_page = client.get(reverse("institutions:filing-detail", args=[filing.pk])).content.decode()
    assert UNVERIFIED_TEXT in page and 'id="deadline-unverified"' in page
    assert UNVERIFIED_TEXT in own_page
    assert UNVERIFIED_TEXT in queue
    assert "法定节假日与调休已计入" not in queue
    entry = review_queue(user=coordinator, today=D(2026, 12, 31))[0]
    assert entry.receipt_unverified and entry.notice_unverified

    _load()
    with time_machine.travel(_at(2026, 12, 31, 9, 0), tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("institutions:filing-detail", args=[filing.pk])).content.decode()
        queue = client.get(reverse("institutions:review")).content.decode()
    assert UNVERIFIED_TEXT not in page and UNVERIFIED_TEXT not in queue
    assert "法定节假日与调休已计入" in queue
    assert "2027年1月8日" in page


def test_a_deadline_within_a_loaded_year_is_not_marked(client, users, operator):
    filing = _submitted(operator, D(2026, 11, 2))
    with time_machine.travel(_at(2026, 11, 3, 9, 0), tick=False):
        client.force_login(users["coordinator"])
        page = client.get(reverse("institutions:filing-detail", args=[filing.pk])).content.decode()
        queue = client.get(reverse("institutions:review")).content.decode()
    assert UNVERIFIED_TEXT not in page and UNVERIFIED_TEXT not in queue
    assert "法定节假日与调休已计入" in queue


def test_the_reminder_digest_line_is_marked(users, operator):
    from notifications import rules

    filing = _submitted(operator)
    found = [r for r in rules.collect(D(2027, 1, 5)) if r.item_type == "filing" and r.item_id == filing.pk]
    assert found and all(UNVERIFIED_TEXT in r.detail for r in found)
    _load()
    found = [r for r in rules.collect(D(2027, 1, 6)) if r.item_type == "filing" and r.item_id == filing.pk]
    assert found and all(UNVERIFIED_TEXT not in r.detail for r in found)


# --- loading recomputes the open filings ---------------------------------------------------


def test_loading_recomputes_open_filings_with_history_and_tells_the_other_reviewers(
    users, operator, django_capture_on_commit_callbacks
):
    filing = _submitted(operator)
    Notification.objects.all().delete()  # the submission's own message to the coordinators: not this test's
    assert (filing.receipt_due_on, filing.notice_due_on) == (D(2027, 1, 6), D(2027, 1, 20))
    loader, other = users["coordinator"], UserFactory(role="coordinator", department__name="区卫生健康委")
    with django_capture_on_commit_callbacks(execute=True):
        result = _load(actor=loader)
    filing.refresh_from_db()
    assert (filing.receipt_due_on, filing.notice_due_on) == (D(2027, 1, 8), D(2027, 1, 21))
    assert [c.filing_id for c in result.changes] == [filing.pk]

    change = ObjectChange.objects.filter(object_id=str(filing.pk), comment__contains="重算期限").get()
    assert change.actor == loader and change.comment.startswith("导入2027年节假日安排")
    assert change.changes["回执期限"] == ["2027-01-06", "2027-01-08"]
    assert change.changes["告知期限"] == ["2027-01-20", "2027-01-21"]

    message = Notification.objects.get(recipient=other)
    assert "1件待审核备案期限已变更" in message.title
    assert "小星星托育中心" in message.body and "2027年1月6日 → 2027年1月8日" in message.body
    assert message.url == reverse("institutions:review")
    assert not Notification.objects.filter(recipient__in=[loader, operator]).exists()  # not one's own action


def test_loading_again_changes_nothing_and_sends_nothing(users, operator, django_capture_on_commit_callbacks):
    _submitted(operator)
    _load()
    Notification.objects.all().delete()  # the submission's and the first load's messages
    with django_capture_on_commit_callbacks(execute=True):
        assert _load().changes == []
    assert not Notification.objects.exists()


def test_a_decided_filing_keeps_its_deadlines(users, operator):
    filing = _submitted(operator)
    services.filing_approve(filing=filing, actor=users["coordinator"], at=_at(2027, 1, 4, 9, 0))
    _load()
    filing.refresh_from_db()
    assert filing.receipt_due_on == D(2027, 1, 6)


def test_the_command_run_by_nobody_tells_every_coordinator(tmp_path, users, operator,
                                                            django_capture_on_commit_callbacks):
    _submitted(operator)
    Notification.objects.all().delete()  # the submission's own message to the coordinators: not this test's
    path = tmp_path / "holidays-2027.txt"
    path.write_text(MADE_UP_2027, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_holidays", str(path))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [users["coordinator"].pk]


def test_a_coordinators_edit_in_the_admin_recomputes_too(client, operator, django_capture_on_commit_callbacks):
    filing = _submitted(operator)
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="coordinator",
                       department__name="区卫生健康委")
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:institutions_holidayday_add"),
                               {"date": "2027-01-01", "kind": "off", "name": "元旦"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.receipt_due_on == D(2027, 1, 7)
    assert ObjectChange.objects.filter(object_id=str(filing.pk), comment__startswith="管理后台修改节假日安排").exists()


# --- the November reminder ----------------------------------------------------------------


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


NOTICE = "2027年节假日安排尚未导入：请按国务院办公厅通知用 manage.py load_holidays 导入，或在后台编辑。"


def test_from_november_the_coordinator_is_told_to_load_next_year(client, users):
    with time_machine.travel(_at(2026, 11, 2, 9, 0), tick=False):
        assert NOTICE in _home(client, users["coordinator"])
        assert NOTICE not in _home(client, users["viewer"])   # lands on the same page
        assert NOTICE not in _home(client, users["officer"])
    with time_machine.travel(_at(2026, 10, 31, 9, 0), tick=False):
        assert NOTICE not in _home(client, users["coordinator"])
    _load()
    with time_machine.travel(_at(2026, 11, 2, 9, 0), tick=False):
        assert NOTICE not in _home(client, users["coordinator"])


def test_the_notice_is_one_query_and_covers_a_current_year_not_loaded(users, django_assert_num_queries):
    coordinator = users["coordinator"]
    with django_assert_num_queries(1):
        assert holiday_arrangement_notice(user=coordinator, on=D(2026, 12, 1)) == NOTICE
    with django_assert_num_queries(0):
        assert holiday_arrangement_notice(user=users["registrar"], on=D(2026, 12, 1)) == ""
    assert holiday_arrangement_notice(user=coordinator, on=D(2027, 3, 1)).startswith("2027年节假日安排尚未导入")
    assert holiday_arrangement_notice(user=coordinator, on=D(2027, 11, 1)).startswith("2027年、2028年")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_transactional_tests_find_the_seeded_calendar_after_a_flush(run):
    # The second run comes after the first one's flush (tests/conftest.py seeds again).
    from institutions.workdays import is_workday

    assert HolidayYear.objects.filter(year=2026, source="library").exists()
    assert not is_workday(D(2026, 10, 1)) and is_workday(D(2026, 10, 10))
