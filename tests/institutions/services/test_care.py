"""家庭托育点 limits on registration, filing and inspection; 普惠 designation; monthly enrolment
(form and the all-or-nothing import)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Department
from institutions import services
from institutions.family_rules import family_point_problems
from institutions.models import EnrolmentReport, Institution, RosterImport
from institutions.services import care
from institutions.services import enrolment_import as imports
from tests.conftest import on_day
from tests.factories import FilingClassFactory, InstitutionFactory, credit_code
from tests.institutions.conftest import complete_filing

pytestmark = pytest.mark.django_db
D = dt.date


# --- 家庭托育点 -----------------------------------------------------------------------------


def test_the_family_rule_the_inspection_side_calls():
    assert family_point_problems(children=5, carers=2) == []
    too_many = family_point_problems(children=6, carers=2)
    assert len(too_many) == 1 and "不超过5人" in too_many[0]
    thin = family_point_problems(children=4, carers=1)
    assert len(thin) == 1 and "1:3" in thin[0] and "至少需要2名" in thin[0]
    assert family_point_problems(children=0, carers=0) == []


def test_a_family_point_registers_with_at_most_five_places(users):
    street = Department.objects.get(name="解放碑街道办事处")
    data = dict(actor=users["registrar"], name="小蜗牛家庭托育点", nature="for_profit", legal_form="enterprise",
                street=street, address="渝中区民生路3号", service_types=["full_day"], category="family")
    with pytest.raises(ValidationError) as refused:
        services.registration_record(credit_code=credit_code(701), capacity=6, **data)
    assert "capacity" in refused.value.message_dict
    assert not Institution.objects.filter(name="小蜗牛家庭托育点").exists()
    registration = services.registration_record(credit_code=credit_code(702), capacity=5, **data)
    assert registration.institution.category == Institution.Category.FAMILY
    # An ordinary institution keeps any capacity.
    services.registration_record(credit_code=credit_code(703), capacity=60, **{**data, "category": "centre",
                                                                              "name": "大中心"})


def test_a_family_point_filing_breaking_the_ratio_cannot_be_submitted(users):
    point = InstitutionFactory(category="family", capacity=5)
    filing = complete_filing(point, capacity=5)
    filing.classes.all().delete()
    FilingClassFactory(filing=filing, kind="mixed", children=5, caregivers=1)
    problems = services.filing_submission_problems(filing)
    assert any("1:3" in p for p in problems)
    with pytest.raises(ValidationError):
        services.filing_submit(filing=filing, actor=users["coordinator"])
    filing.classes.update(caregivers=2)
    assert not any("家庭托育点" in p for p in services.filing_submission_problems(filing))


# --- 普惠 ----------------------------------------------------------------------------------


def test_inclusive_designation_is_the_coordinators_and_bounded_by_capacity(users):
    institution = InstitutionFactory(status="filed", filed_on=D(2025, 1, 1), capacity=40)
    with pytest.raises(PermissionDenied):
        care.institution_designate_inclusive(institution=institution, actor=users["registrar"],
                                             inclusive_from=D(2026, 1, 1), places=10, price=None)
    with pytest.raises(ValidationError) as refused:
        care.institution_designate_inclusive(institution=institution, actor=users["coordinator"],
                                             inclusive_from=D(2026, 1, 1), places=41, price=None)
    assert "超过机构托位数40个" in refused.value.message_dict["places"][0]
    care.institution_designate_inclusive(institution=institution, actor=users["coordinator"],
                                         inclusive_from=D(2026, 1, 1), places=40, price=Decimal("1680.00"))
    institution.refresh_from_db()
    assert (institution.is_inclusive, institution.inclusive_places, institution.inclusive_price) == (
        True, 40, Decimal("1680.00"))


# --- monthly enrolment ---------------------------------------------------------------------


def test_enrolment_by_the_operator_once_a_month_corrections_replace(operator, other_operator):
    Institution.objects.filter(pk=operator.institution_id).update(status="filed", filed_on=D(2026, 3, 1))
    institution = Institution.objects.get(pk=operator.institution_id)
    with on_day(D(2026, 11, 20)):
        report = care.enrolment_report(institution=institution, actor=operator, period=D(2026, 11, 1), infant=3,
                                       toddler=10)
        assert report.children == 13
        care.enrolment_report(institution=institution, actor=operator, period=D(2026, 11, 1), infant=3, toddler=12)
        assert EnrolmentReport.objects.get(institution=institution).children == 15
        with pytest.raises(ValidationError, match="尚未开始"):
            care.enrolment_report(institution=institution, actor=operator, period=D(2026, 12, 1))
        with pytest.raises(ValidationError, match="不能填报此前月份"):
            care.enrolment_report(institution=institution, actor=operator, period=D(2026, 2, 1))
        with pytest.raises(PermissionDenied):
            care.enrolment_report(institution=institution, actor=other_operator, period=D(2026, 10, 1))


def _upload(text: str, name="在托人数.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_enrolment_import_is_all_or_nothing_with_row_numbers(users):
    coordinator = users["coordinator"]
    a = InstitutionFactory(status="filed", filed_on=D(2026, 1, 10))
    b = InstitutionFactory(status="filed", filed_on=D(2026, 1, 10))
    registered = InstitutionFactory()
    text = (
        "统一社会信用代码,月份,乳儿班,托小班,托大班,混合班\n"
        f"{a.credit_code},2026-10,2,10,12,0\n"
        f"{b.credit_code},2026年10月,0,5,x,0\n"
        f"{registered.credit_code},2026-10,1,1,1,1\n"
        f"{a.credit_code},2026/10,1,1,1,1\n"
        "91500103MA00000000,2026-10,1,1,1,1\n"
    )
    with on_day(D(2026, 11, 5)):
        roster = imports.enrolment_upload(actor=coordinator, upload=_upload(text))
        report = imports.enrolment_import(roster=roster, actor=coordinator)
    lines = {p.line: str(p) for p in report.problems}
    assert set(lines) == {3, 4, 5, 6}
    assert "第3行" in lines[3] and "托大班“x”" in lines[3]
    assert "尚未备案" in lines[4]
    assert "与第2行重复" in lines[5]
    assert "不在机构名册中" in lines[6]
    assert not EnrolmentReport.objects.exists()  # nothing saved
    assert RosterImport.objects.get(pk=roster.pk).status == RosterImport.Status.REJECTED

    good = "统一社会信用代码,月份,乳儿班,托小班,托大班,混合班\n" + "\n".join(text.splitlines()[1:3]).replace(",x,", ",7,")
    with on_day(D(2026, 11, 5)):
        roster = imports.enrolment_upload(actor=coordinator, upload=_upload(good))
        assert imports.enrolment_preview(roster=roster, actor=coordinator).ok
        assert not EnrolmentReport.objects.exists()  # the dry run writes nothing
        report = imports.enrolment_import(roster=roster, actor=coordinator)
    assert report.imported == 2
    assert sorted(EnrolmentReport.objects.values_list("children", flat=True)) == [12, 24]


def test_enrolment_import_is_the_coordinators(users):
    with pytest.raises(PermissionDenied):
        imports.enrolment_upload(actor=users["registrar"], upload=_upload("统一社会信用代码,月份\n"))
