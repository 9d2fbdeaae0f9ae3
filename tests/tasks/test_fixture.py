"""The shipped plan must be the document's own, word for word."""
import pytest

from agencies.models import Department
from tasks.models import Assignment, Measure, Milestone, Task

from .annex import ANNEX


def _units(cell: str) -> tuple[list[str], bool]:
    if cell == "——":
        return [], False
    return cell.removesuffix("等").split("、"), cell.endswith("等")


@pytest.mark.django_db
def test_fixture_holds_the_annex_word_for_word(plan_2020):
    tasks = list(Task.objects.filter(plan=plan_2020).with_units())
    assert [t.number for t in tasks] == list(range(1, 16))
    for task, (number, title, content, lead, responsible) in zip(tasks, ANNEX, strict=True):
        units, open_ended = _units(responsible)
        assert task.number == number
        assert task.title == title, f"任务{number} 工作内容"
        assert task.content == content, f"任务{number} 具体任务"
        assert task.lead_unit.name == lead
        assert [r.department.name for r in task.responsibilities.all()] == units
        assert {d.name for d in task.responsible_units.all()} == set(units)
        assert task.units_open_ended is open_ended
        assert task.responsible_units_text == responsible


@pytest.mark.django_db
def test_annex_wins_where_body_differs(plan_2020):
    # The annex adds "老城区和" to task 6 and ends task 15's title with "。".
    assert "老城区和已建成居住区" in Task.objects.get(plan=plan_2020, number=6).content
    assert Task.objects.get(plan=plan_2020, number=15).title.endswith("。")


@pytest.mark.django_db
def test_open_ended_lists_invent_no_unit(plan_2020):
    flagged = set(Task.objects.filter(plan=plan_2020, units_open_ended=True).values_list("number", flat=True))
    assert flagged == {10, 11, 13}
    assert not Department.objects.filter(name__in=["等", "区市场监管局等"]).exists()


@pytest.mark.django_db
def test_street_offices_each_report_through_the_group(plan_2020):
    group = Department.objects.get(name="各街道办事处")
    assert group.is_group and group.members.count() == 11
    for number in (6, 7):
        task = Task.objects.get(plan=plan_2020, number=number)
        streets = Assignment.objects.filter(task=task, via_group=group)
        assert {a.department_id for a in streets} == set(group.members.values_list("pk", flat=True))
        assert not Assignment.objects.filter(task=task, department=group).exists()


@pytest.mark.django_db
def test_measures_have_units_and_no_lead(plan_2020):
    measures = list(Measure.objects.filter(plan=plan_2020).with_units())
    assert [m.title for m in measures] == ["加强政策支持", "加强用地保障", "加强队伍建设", "加强信息支撑", "加强社会支持"]
    assert all(m.lead_unit is None for m in measures)
    assert measures[1].responsible_units_text == "区规划自然资源局"
    assert measures[0].responsible_units_text == "区发展改革委、区卫生健康委、区教委、区财政局、区人力社保局、区税务局等"
    assert Task.objects.filter(plan=plan_2020).count() == 15


@pytest.mark.django_db
def test_plan_and_goals(plan_2020):
    assert plan_2020.issued_on.isoformat() == "2020-07-17"
    assert plan_2020.issuer == "重庆市渝中区人民政府办公室"
    assert [s.title for s in plan_2020.sections.all()][0] == "加强对家庭婴幼儿照护的支持和指导"
    goals = Milestone.objects.filter(plan=plan_2020, task__isnull=True)
    assert sorted(g.due_date.year for g in goals) == [2020, 2025]
    assert goals.get(due_date__year=2020).description.startswith("2020年，婴幼儿照护服务的政策体系初步建立")
    metric = Milestone.objects.get(task__number=3, task__plan=plan_2020, target_value__isnull=False)
    assert metric.title == "50%的社区卫生服务中心儿保科设立指导站" and metric.value_unit == "%"
