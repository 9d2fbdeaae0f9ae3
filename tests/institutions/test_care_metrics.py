"""Tasks 10–13's metric milestones move with the registry's facts (普惠, enrolment, quality
assessment, 家庭托育点), read at any as-of date through the milestone mechanism
(`Milestone.metric_source` → institutions.indicators), on the task page's rows, the task
dashboard and the Excel report's sheet 3."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from institutions import indicators
from institutions.services import care, quality
from institutions.standards_path import TEMPLATE
from progress.milestones import milestone_metric, milestone_rows
from reports import excel
from reports.task import _metric_values
from tasks.models import Milestone
from tests.conftest import on_day
from tests.factories import InstitutionFactory, MilestoneFactory, WorkItemFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def coordinator(users):
    return users["coordinator"]


@pytest.fixture
def filed(plan_2020):
    """Two institutions filed in 2025 (60 and 40 places)."""
    return [
        InstitutionFactory(registered_on=D(2025, 1, 1), status="filed", filed_on=D(2025, 2, 1), capacity=60),
        InstitutionFactory(registered_on=D(2025, 1, 1), status="filed", filed_on=D(2025, 3, 1), capacity=40),
    ]


def milestone(source: str, target=50) -> Milestone:
    return MilestoneFactory(task=WorkItemFactory(), target_value=target, metric_source=source)


def value(source: str, on: dt.date):
    return milestone_metric(milestone(source), on=on).value


def test_inclusive_places_and_share_move_with_the_designation(filed, coordinator):
    with on_day(D(2026, 5, 10)):
        care.institution_designate_inclusive(institution=filed[0], actor=coordinator, inclusive_from=D(2026, 4, 1),
                                             places=30, price=Decimal("1500"))
    assert value("institutions.inclusive_places", D(2026, 3, 31)) == 0  # before the designation's date
    assert value("institutions.inclusive_places", D(2026, 4, 1)) == 30
    assert value("institutions.inclusive_share", D(2026, 4, 1)) == Decimal("30.00")  # 30 of 100 places
    with on_day(D(2026, 6, 1)):
        care.institution_designate_inclusive(institution=filed[1], actor=coordinator, inclusive_from=D(2026, 6, 1),
                                             places=40, price=None)
    assert value("institutions.inclusive_places", D(2026, 5, 31)) == 30
    assert value("institutions.inclusive_share", D(2026, 6, 1)) == Decimal("70.00")
    with on_day(D(2026, 7, 1)):
        care.institution_withdraw_inclusive(institution=filed[1], actor=coordinator)
    assert value("institutions.inclusive_places", D(2026, 7, 1)) == 30


def test_utilisation_moves_with_monthly_enrolment_at_any_date(filed, coordinator):
    assert value("institutions.utilisation_rate", D(2026, 10, 31)) is None  # nobody reported
    with on_day(D(2026, 10, 20)):
        care.enrolment_report(institution=filed[0], actor=coordinator, period=D(2026, 10, 1), infant=6, toddler=24)
    assert value("institutions.utilisation_rate", D(2026, 10, 19)) is None  # entered on the 20th
    assert value("institutions.utilisation_rate", D(2026, 10, 20)) == Decimal("50.00")  # 30 of 60
    with on_day(D(2026, 11, 20)):
        care.enrolment_report(institution=filed[1], actor=coordinator, period=D(2026, 11, 1), preschool=40)
        care.enrolment_report(institution=filed[0], actor=coordinator, period=D(2026, 11, 1), toddler=45)
    assert value("institutions.utilisation_rate", D(2026, 10, 31)) == Decimal("50.00")  # as it stood then
    assert value("institutions.utilisation_rate", D(2026, 11, 30)) == Decimal("85.00")  # 85 of 100
    # Three months on, November says nothing about today any more.
    assert value("institutions.utilisation_rate", D(2027, 2, 1)) is None


def test_assessed_count_moves_with_the_confirmation(filed, coordinator):
    with on_day(D(2026, 9, 1)):
        quality.quality_standard_load(actor=coordinator, text=TEMPLATE.read_text(encoding="utf-8"))
        assessment = quality.assessment_start(institution=filed[0], actor=coordinator)
        values = {s.item_id: (True if s.item.is_veto else s.item.points)
                  for s in assessment.scores.select_related("item")}
        quality.assessment_save(assessment=assessment, actor=coordinator, values=values, submit=True)
    assert value("institutions.assessed_count", D(2026, 9, 30)) == 0  # submitted, not confirmed
    with on_day(D(2026, 10, 8)):
        quality.assessment_confirm(assessment=assessment, actor=coordinator)
    assert value("institutions.assessed_count", D(2026, 10, 7)) == 0
    assert value("institutions.assessed_count", D(2026, 10, 8)) == 1


def test_family_point_count_moves_with_filing(filed):
    point = InstitutionFactory(category="family", capacity=5, registered_on=D(2026, 2, 1))
    assert value("institutions.family_point_count", D(2026, 6, 1)) == 0  # registered, not filed
    type(point).objects.filter(pk=point.pk).update(status="filed", filed_on=D(2026, 3, 2))
    assert value("institutions.family_point_count", D(2026, 3, 1)) == 0
    assert value("institutions.family_point_count", D(2026, 3, 2)) == 1


def test_task_rows_dashboard_and_excel_read_the_as_of_date(filed, coordinator, users):
    """The task page's milestone rows, the task dashboard and sheet 3 read the metric at their date, not today."""
    with on_day(D(2026, 5, 10)):
        care.institution_designate_inclusive(institution=filed[0], actor=coordinator, inclusive_from=D(2026, 4, 1),
                                             places=30, price=None)
    m = milestone("institutions.inclusive_places", target=100)
    before, after = D(2026, 3, 31), D(2026, 4, 30)
    assert milestone_rows([m], on=before, with_files=False)[0].metric.value == 0
    assert milestone_rows([m], on=after, with_files=False)[0].metric.value == 30
    assert _metric_values([m], before)[m.pk].value == 0
    assert _metric_values([m], after)[m.pk].value == 30

    def sheet3(on):
        filters = excel.resolve_filters(user=users["viewer"], on=on)
        book = load_workbook(io.BytesIO(excel.progress_workbook_bytes(user=users["viewer"], filters=filters)))
        return {r[1]: r[4] for r in book["托育机构汇总"].iter_rows(min_row=3, max_row=14, values_only=True) if r[1]}

    assert sheet3(before)["普惠托位数（个）"] == 0
    assert sheet3(after)["普惠托位数（个）"] == 30


def test_every_new_source_names_an_indicator():
    for source in ("institutions.inclusive_places", "institutions.inclusive_share", "institutions.utilisation_rate",
                   "institutions.assessed_count", "institutions.family_point_count"):
        assert source in Milestone.MetricSource.values
        assert callable(getattr(indicators, source.split(".")[1]))
