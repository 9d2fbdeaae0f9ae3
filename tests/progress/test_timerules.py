"""The time rules' one home (progress.timerules): month arithmetic, this period,
milestone met by D (the Python rule and the queryset filter agree), due soon
from the setting, 督办单 open / overdue at D (filter and status agree)."""
import datetime as dt

import pytest

from progress import timerules
from progress.models import SupervisionNotice
from tasks.models import Milestone
from tests.factories import MilestoneFactory, SupervisionNoticeFactory

from .conftest import at

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
    (D(2026, 1, 15), -12, D(2025, 1, 15)),
    (D(2026, 11, 1), 3, D(2027, 2, 1)),
    (D(2026, 12, 31), 1, D(2027, 1, 31)),
])
def test_add_months_keeps_the_day_clamped_to_the_month(day, months, expected):
    assert timerules.add_months(day, months) == expected


def test_this_period_is_the_one_containing_d_or_the_first(world):
    assert timerules.this_period(world.plan, D(2026, 3, 28)).label == "2026年3月"
    assert timerules.this_period(world.plan, D(2025, 12, 1)).label == "2026年1月"  # before the plan begins
    window = timerules.due_window(world.plan, D(2026, 3, 28))  # March was due 03-25
    assert (window.last_passed.label, window.current.label) == ("2026年3月", "2026年4月")


@pytest.mark.django_db
def test_milestone_met_and_its_filter_agree_at_every_date(world):
    cases = [
        MilestoneFactory(task=world.task, due_date=D(2026, 3, 10)),  # never met
        MilestoneFactory(task=world.task, due_date=D(2026, 3, 10), met_on=D(2026, 3, 5)),  # not confirmed
        MilestoneFactory(task=world.task, due_date=D(2026, 3, 10), met_on=D(2026, 3, 5),
                         confirmed_at=at(D(2026, 3, 8))),
        MilestoneFactory(task=world.task, due_date=D(2026, 3, 10), met_on=D(2026, 3, 9),
                         confirmed_at=at(D(2026, 3, 7))),  # confirmed before the date it names
    ]
    for day in (D(2026, 3, 6), D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9), D(2026, 3, 12)):
        unmet = set(Milestone.objects.unmet_by(on=day).values_list("pk", flat=True))
        assert {m.pk for m in cases if not timerules.milestone_met(m, day)} == unmet, day
    assert [timerules.milestone_met(m, D(2026, 3, 8)) for m in cases] == [False, False, True, False]


def test_milestone_status_reads_the_threshold_setting(settings):
    m = Milestone(due_date=D(2026, 3, 15))
    on = D(2026, 3, 5)
    assert timerules.milestone_status(m, on) == ("推进中", "green")
    settings.PORTAL_LIGHTS = {"MILESTONE_DUE_SOON_DAYS": 14}
    assert timerules.milestone_status(m, on) == ("即将到期", "yellow")
    assert timerules.milestone_status(m, D(2026, 3, 16)) == ("逾期未达成", "red")


@pytest.mark.django_db
def test_notice_open_and_overdue_filters_agree_with_its_status(world):
    answered = SupervisionNoticeFactory(assignment=world.other_a, issued_at=at(D(2026, 3, 1)),
                                        reply_due=D(2026, 3, 10), replied_at=at(D(2026, 3, 15)), state="answered")
    closed = SupervisionNoticeFactory(assignment=world.lead_a, issued_at=at(D(2026, 3, 1)), reply_due=D(2026, 3, 20),
                                      closed_at=at(D(2026, 3, 5)), state="closed")
    for day in (D(2026, 2, 28), D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 12), D(2026, 3, 15)):
        open_ = set(SupervisionNotice.objects.open_at(on=day).values_list("pk", flat=True))
        overdue = set(SupervisionNotice.objects.overdue_at(on=day).values_list("pk", flat=True))
        for n in (answered, closed):
            issued = n.issued_at < timerules.day_end(day)
            status = timerules.notice_status(n, day)
            assert (n.pk in open_) == (issued and status in ("待答复", "逾期未答复")), (day, n)
            assert (n.pk in overdue) == (issued and status == "逾期未答复"), (day, n)
