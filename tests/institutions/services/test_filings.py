"""institutions.services.filings: the filing workflow, receipts, deadlines."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.selectors import changes_for
from institutions import services
from institutions.models import Filing, FilingCorrection, Institution, ReceiptCounter
from institutions.selectors import directory_entries
from institutions.workdays import add_working_days
from tests.factories import FilingDocumentFactory, InstitutionFactory
from tests.institutions.conftest import complete_filing

pytestmark = pytest.mark.django_db


def test_operator_starts_a_new_filing_prefilled(operator):
    filing = services.filing_start(institution=operator.institution, kind="new", actor=operator)
    assert filing.status == Filing.Status.DRAFT and filing.capacity == operator.institution.capacity
    assert filing.address == operator.institution.address
    with pytest.raises(ValidationError, match="已有正在办理"):
        services.filing_start(institution=operator.institution, kind="new", actor=operator)
    with pytest.raises(ValidationError, match="只有已备案的机构"):
        services.filing_start(institution=operator.institution, kind="change", actor=operator)


def test_operator_of_another_institution_is_refused(operator, other_operator):
    with pytest.raises(PermissionDenied):
        services.filing_start(institution=operator.institution, kind="new", actor=other_operator)


def test_submission_without_required_materials_is_blocked(operator):
    filing = services.filing_start(institution=operator.institution, kind="new", actor=operator)
    with pytest.raises(ValidationError) as info:
        services.filing_submit(filing=filing, actor=operator)
    messages = info.value.messages
    assert "请阅读并签署《托育机构备案承诺书》。" in messages
    assert "缺少必需材料：消防安全检查合格证明。" in messages
    assert "缺少必需材料：食品经营许可证。" not in messages
    filing.refresh_from_db()
    assert filing.status == Filing.Status.DRAFT and filing.submission_count == 0


def test_food_licence_required_only_when_meals_are_served(operator, make_complete_filing):
    filing = make_complete_filing(operator.institution, serves_meals=True)
    with pytest.raises(ValidationError) as info:
        services.filing_submit(filing=filing, actor=operator)
    assert info.value.messages == ["缺少必需材料：食品经营许可证。"]
    FilingDocumentFactory(filing=filing, kind="food")
    assert services.filing_submit(filing=filing, actor=operator).status == Filing.Status.SUBMITTED


def test_full_cycle_submit_return_correct_file(operator, users, make_complete_filing):
    coordinator = users["coordinator"]
    filing = make_complete_filing(operator.institution)
    filing = services.filing_submit(filing=filing, actor=operator)
    today = filing.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert filing.receipt_due_on == add_working_days(today, 5)
    assert filing.notice_due_on == add_working_days(today, 15)

    with pytest.raises(PermissionDenied):
        services.filing_return(filing=filing, actor=operator, reasons={"fire": "x"})
    with pytest.raises(ValidationError, match="至少填写一项"):
        services.filing_return(filing=filing, actor=coordinator, reasons={"fire": "  "})
    filing = services.filing_return(
        filing=filing, actor=coordinator,
        reasons={"fire": "消防检查合格证明已过期，请上传有效证明。", "classes": "托小班保育人员配比不足。"},
    )
    assert filing.status == Filing.Status.RETURNED
    assert {(c.round, c.item) for c in FilingCorrection.objects.filter(filing=filing)} == {(1, "fire"), (1, "classes")}

    services.filing_update(filing=filing, actor=operator, data={"staff_count": 12},
                           classes=[{"kind": "toddler", "children": 15, "caregivers": 3}])
    filing = services.filing_submit(filing=filing, actor=operator)
    assert filing.submission_count == 2

    filing = services.filing_approve(filing=filing, actor=coordinator)
    year = filing.filed_on.year
    assert filing.receipt_number == f"渝中托备〔{year}〕001号"
    inst = Institution.objects.get(pk=operator.institution_id)
    assert inst.status == Institution.Status.FILED and inst.filed_on == filing.filed_on
    assert inst in directory_entries()

    comments = [c.comment for c in changes_for(filing)]
    assert comments[0].startswith("予以备案") and any(c.startswith("退回补正（第1次）") for c in comments)
    assert sum(c.startswith("提交备案") for c in comments) == 2


def test_concurrent_second_decision_loses(operator, users, make_complete_filing):
    filing = make_complete_filing(operator.institution, status="submitted")
    stale = Filing.objects.get(pk=filing.pk)
    services.filing_approve(filing=filing, actor=users["coordinator"])
    with pytest.raises(ValidationError, match="已备案"):
        services.filing_approve(filing=stale, actor=users["coordinator"])
    with pytest.raises(ValidationError, match="不能退回补正"):
        services.filing_return(filing=stale, actor=users["coordinator"], reasons={"basic": "x"})
    assert ReceiptCounter.objects.get().last_number == 1


def test_receipt_numbers_are_sequential_per_year(users, plan_2020):
    coordinator = users["coordinator"]
    numbers = []
    for i in range(3):
        inst = InstitutionFactory()
        numbers.append(services.filing_approve(filing=complete_filing(inst, status="submitted"), actor=coordinator).receipt_number)
    year = Filing.objects.first().filed_on.year
    assert numbers == [f"渝中托备〔{year}〕{n:03d}号" for n in (1, 2, 3)]
    later = year + 1  # a year with no receipt yet, whatever today is
    with transaction.atomic():
        assert services.receipt_number_allocate(year=later) == (1, f"渝中托备〔{later}〕001号")
        assert services.receipt_number_allocate(year=later) == (2, f"渝中托备〔{later}〕002号")


def test_change_filing_updates_the_registry(operator, users, make_complete_filing):
    coordinator = users["coordinator"]
    services.filing_approve(filing=make_complete_filing(operator.institution, status="submitted"), actor=coordinator)
    change = services.filing_start(institution=operator.institution, kind="change", actor=operator)
    assert change.classes.count() == 1  # copied from the filed filing
    services.filing_update(filing=change, actor=operator, data={"capacity": 90, "change_summary": "扩建，托位增至90个"},
                           commitment_accepted=True)
    with pytest.raises(ValidationError, match="变更事项的证明材料"):
        services.filing_submit(filing=change, actor=operator)
    FilingDocumentFactory(filing=change, kind="premises")
    services.filing_submit(filing=change, actor=operator)
    services.filing_approve(filing=change, actor=coordinator)
    assert Institution.objects.get(pk=operator.institution_id).capacity == 90


def test_cancellation_removes_from_directory(operator, users, make_complete_filing):
    coordinator = users["coordinator"]
    services.filing_approve(filing=make_complete_filing(operator.institution, status="submitted"), actor=coordinator)
    cancel = services.filing_start(institution=operator.institution, kind="cancel", actor=operator)
    with pytest.raises(ValidationError) as info:
        services.filing_submit(filing=cancel, actor=operator)
    assert "请填写注销原因。" in info.value.messages
    services.filing_update(
        filing=cancel, actor=operator, commitment_accepted=True,
        data={"cancel_reason": "场地到期", "service_end_on": dt.date(2026, 12, 31), "placement_note": "已全部妥善安置"},
    )
    services.filing_submit(filing=cancel, actor=operator)
    services.filing_approve(filing=cancel, actor=coordinator)
    inst = Institution.objects.get(pk=operator.institution_id)
    assert inst.status == Institution.Status.CANCELLED and inst.cancelled_on
    assert inst not in directory_entries()


def test_noncompliance_notice(operator, users, make_complete_filing):
    filing = make_complete_filing(operator.institution, status="submitted")
    with pytest.raises(ValidationError):
        services.filing_reject(filing=filing, actor=users["coordinator"], reason=" ")
    filing = services.filing_reject(filing=filing, actor=users["coordinator"], reason="场地不符合设置标准")
    assert filing.status == Filing.Status.NONCOMPLIANT
    # The institution may file again.
    assert services.filing_start(institution=operator.institution, kind="new", actor=operator).status == "draft"


def test_returned_filing_cannot_be_edited_by_other_operator(operator, other_operator, make_complete_filing):
    filing = make_complete_filing(operator.institution, status="returned")
    with pytest.raises(PermissionDenied):
        services.filing_update(filing=filing, actor=other_operator, data={"staff_count": 3})


def test_submitted_filing_is_frozen(operator, make_complete_filing):
    filing = make_complete_filing(operator.institution, status="submitted")
    with pytest.raises(ValidationError, match="不能修改"):
        services.filing_update(filing=filing, actor=operator, data={"staff_count": 3})


def test_deadline_uses_working_days_across_national_day(operator, make_complete_filing):
    filing = make_complete_filing(operator.institution)
    submitted = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    filing = services.filing_submit(filing=filing, actor=operator, at=submitted)
    assert filing.receipt_due_on == dt.date(2026, 10, 13)
    assert filing.notice_due_on == add_working_days(dt.date(2026, 9, 30), 15)
