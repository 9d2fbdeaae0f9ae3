"""Quality assessment: the standard loaded as data (all or nothing, 第N行), self-assessment, the
coordinator's confirmation or return, veto items and grades."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from institutions.models import Assessment, QualityItem, QualityStandard
from institutions.services import quality
from institutions.standards_path import TEMPLATE
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

SMALL = """标准 | T-1 | 测试标准 | v1
示例 | 是
维度 | 1 | 甲
项目 | 1.1 | 60 | 甲一
否决 | 1.V | 否决一
维度 | 2 | 乙
项目 | 2.1 | 40 | 乙一
等级 | 优 | 90
等级 | 合格 | 60
"""


def test_the_shipped_template_loads_and_says_it_is_illustrative(tmp_path, capsys):
    call_command("load_quality_standard", str(TEMPLATE))
    standard = QualityStandard.objects.get(is_current=True)
    assert standard.illustrative and standard.code == "WS/T 821—2023"
    assert "示例，非标准原文" in capsys.readouterr().out
    assert standard.dimensions.count() == 7
    assert sum(i.points for i in QualityItem.objects.filter(dimension__standard=standard)) == 100


def test_a_bad_file_is_refused_whole_with_line_numbers(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("标准 | T-2 | 坏标准 | v1\n项目 | 0.1 | 5 | 早了\n维度 | 1 | 甲\n项目 | 1.1 | 零 | 分值坏\n"
                    "项目 | 1.2 | 5 | 好\n维度 | 1 | 重复\n等级 | 优 | 90\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_quality_standard", str(path))
    message = str(refused.value)
    assert "第2行" in message and "第4行" in message and "第6行" in message and "与第3行重复" in message
    assert not QualityStandard.objects.exists()


def test_a_second_load_of_the_same_version_is_refused(users):
    quality.quality_standard_load(actor=users["coordinator"], text=SMALL)
    with pytest.raises(ValidationError, match="已经导入"):
        quality.quality_standard_load(actor=users["coordinator"], text=SMALL)
    with pytest.raises(PermissionDenied):
        quality.quality_standard_load(actor=users["registrar"], text=SMALL.replace("v1", "v2"))


def _answers(assessment, *, points=None, veto=True):
    return {s.item_id: (veto if s.item.is_veto else (points if points is not None else s.item.points))
            for s in assessment.scores.select_related("item")}


@pytest.fixture
def filed_operator(operator):
    type(operator.institution).objects.filter(pk=operator.institution_id).update(status="filed")
    operator.institution.refresh_from_db()
    return operator


def test_self_assessment_confirmed_by_the_coordinator(users, filed_operator):
    quality.quality_standard_load(actor=None, text=SMALL)
    coordinator = users["coordinator"]
    assessment = quality.assessment_start(institution=filed_operator.institution, actor=filed_operator)
    with pytest.raises(ValidationError, match="尚未评分"):
        quality.assessment_save(assessment=assessment, actor=filed_operator, values={}, submit=True)
    with pytest.raises(ValidationError, match="0到60"):
        quality.assessment_save(assessment=assessment, actor=filed_operator, values=_answers(assessment, points=70))
    quality.assessment_save(assessment=assessment, actor=filed_operator, values=_answers(assessment), submit=True)
    assessment.refresh_from_db()
    assert (assessment.self_score, assessment.self_grade, assessment.status) == (100, "优", "submitted")
    with pytest.raises(PermissionDenied):
        quality.assessment_confirm(assessment=assessment, actor=filed_operator)
    item = QualityItem.objects.get(number="1.1")
    quality.assessment_confirm(assessment=assessment, actor=coordinator, values={item.pk: 30})
    assessment.refresh_from_db()
    assert (assessment.score, assessment.grade, assessment.status) == (70, "合格", "confirmed")
    assert assessment.confirmed_on is not None


def test_a_failed_veto_item_grades_nothing_and_a_return_reopens(users, filed_operator):
    quality.quality_standard_load(actor=None, text=SMALL)
    assessment = quality.assessment_start(institution=filed_operator.institution, actor=filed_operator)
    quality.assessment_save(assessment=assessment, actor=filed_operator, values=_answers(assessment, veto=False),
                            submit=True)
    assessment.refresh_from_db()
    assert assessment.veto_failed and assessment.self_grade == quality.VETO_GRADE
    quality.assessment_return(assessment=assessment, actor=users["coordinator"], reason="否决项请核实。")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED and assessment.is_editable


def test_only_a_filed_institution_is_assessed(users):
    quality.quality_standard_load(actor=None, text=SMALL)
    with pytest.raises(ValidationError, match="已备案"):
        quality.assessment_start(institution=InstitutionFactory(), actor=users["coordinator"])
