"""Quality assessment (《托育机构质量评估标准》WS/T 821—2023): the standard's structure loaded from a
text file (all or nothing, every bad line named 第N行), the institution's self-assessment (自评), and the
coordinator's confirmation or return. Keyword-only, atomic, row lock before the state check, history."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record
from core import clock

from .. import rules
from ..models import Institution
from ..models_quality import (
    Assessment,
    AssessmentScore,
    QualityDimension,
    QualityGrade,
    QualityItem,
    QualityStandard,
)

VETO_GRADE = "不合格（触发一票否决项）"
NO_GRADE = "未达等级"

# --- loading the standard -------------------------------------------------------------------------


@dataclass
class _Parsed:
    code: str = ""
    title: str = ""
    version: str = ""
    illustrative: bool = False
    sources: list[str] = field(default_factory=list)
    dimensions: list[dict] = field(default_factory=list)
    grades: list[tuple[str, Decimal]] = field(default_factory=list)


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def quality_standard_parse(text: str) -> tuple[_Parsed, list[str]]:
    """Read the file; return what it holds and every problem (第N行：…)."""
    parsed, errors, numbers = _Parsed(), [], {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("来源") else raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        kind, rest = parts[0], parts[1:]

        def bad(message: str) -> None:
            errors.append(f"第{line_no}行：{message}")

        if kind == "标准":
            if parsed.code:
                bad("“标准”只能出现一次。")
            elif len(rest) != 3 or not all(rest):
                bad("“标准”行应为：标准 | 编号 | 名称 | 版本。")
            else:
                parsed.code, parsed.title, parsed.version = rest
        elif not parsed.code:
            bad("第一项内容应为“标准”行。")
        elif kind == "来源":
            parsed.sources.append("|".join(rest).strip())
        elif kind == "示例":
            parsed.illustrative = (rest[:1] == ["是"])
        elif kind == "维度":
            if len(rest) != 2 or not all(rest):
                bad("“维度”行应为：维度 | 编号 | 名称。")
            elif rest[0] in numbers:
                bad(f"编号“{rest[0]}”与第{numbers[rest[0]]}行重复。")
            else:
                numbers[rest[0]] = line_no
                parsed.dimensions.append({"number": rest[0], "name": rest[1], "items": []})
        elif kind in ("项目", "否决"):
            if not parsed.dimensions:
                bad(f"“{kind}”之前应先有“维度”行。")
                continue
            if kind == "项目":
                if len(rest) != 3 or not all(rest):
                    bad("“项目”行应为：项目 | 编号 | 分值 | 内容。")
                    continue
                number, points_text, content = rest
                points = _number(points_text)
                if points is None or points <= 0:
                    bad(f"分值“{points_text}”应为大于0的数。")
                    continue
            else:
                if len(rest) != 2 or not all(rest):
                    bad("“否决”行应为：否决 | 编号 | 内容。")
                    continue
                number, content = rest
                points = Decimal("0")
            if number in numbers:
                bad(f"编号“{number}”与第{numbers[number]}行重复。")
                continue
            numbers[number] = line_no
            parsed.dimensions[-1]["items"].append(
                {"number": number, "text": content, "points": points, "is_veto": kind == "否决"})
        elif kind == "等级":
            score = _number(rest[1]) if len(rest) == 2 else None
            if len(rest) != 2 or not rest[0] or score is None or score < 0:
                bad("“等级”行应为：等级 | 名称 | 最低分（不小于0的数）。")
            else:
                parsed.grades.append((rest[0], score))
        else:
            bad(f"无法识别的行类型“{kind}”（应为 标准、来源、示例、维度、项目、否决、等级）。")
    if not errors:
        total = sum((i["points"] for d in parsed.dimensions for i in d["items"]), Decimal("0"))
        if not parsed.code:
            errors.append("文件中没有“标准”行。")
        elif not parsed.dimensions:
            errors.append("文件中没有任何“维度”。")
        for d in parsed.dimensions:
            if not d["items"]:
                errors.append(f"维度“{d['number']} {d['name']}”下没有评估项目。")
        if not parsed.grades:
            errors.append("文件中没有任何“等级”。")
        for name, score in parsed.grades:
            if score > total:
                errors.append(f"等级“{name}”的最低分{score}超过总分{total}。")
    return parsed, errors


@transaction.atomic
def quality_standard_load(*, actor, text: str) -> QualityStandard:
    """All or nothing: the file is checked whole; only then is the standard written and made current."""
    if not rules.can_load_quality_standard(actor):
        raise PermissionDenied("只有区卫生健康委可以导入质量评估标准。")
    parsed, errors = quality_standard_parse(text)
    if not errors and QualityStandard.objects.filter(code=parsed.code, version=parsed.version).exists():
        errors.append(f"标准“{parsed.code}”版本“{parsed.version}”已经导入；修订请使用新的版本标识。")
    if errors:
        raise ValidationError(errors)
    QualityStandard.objects.select_for_update().filter(is_current=True).update(is_current=False)
    standard = QualityStandard.objects.create(
        code=parsed.code, title=parsed.title, version=parsed.version, source="\n".join(parsed.sources),
        illustrative=parsed.illustrative, is_current=True, loaded_at=clock.now(),
    )
    for d_pos, d in enumerate(parsed.dimensions, 1):
        dimension = QualityDimension.objects.create(standard=standard, number=d["number"], name=d["name"],
                                                    position=d_pos)
        QualityItem.objects.bulk_create(
            QualityItem(dimension=dimension, position=i, **item) for i, item in enumerate(d["items"], 1))
    QualityGrade.objects.bulk_create(
        QualityGrade(standard=standard, name=name, min_score=score, position=i)
        for i, (name, score) in enumerate(parsed.grades, 1))
    change_record(actor=actor, instance=standard, action=ObjectChange.Action.CREATE,
                  comment=f"导入质量评估标准{standard.code}（{standard.version}）")
    return standard


# --- assessing ------------------------------------------------------------------------------------


def grade_for(*, grades, score: Decimal, veto_failed: bool) -> str:
    """The highest grade whose minimum the score reaches; a failed veto item grades nothing."""
    if veto_failed:
        return VETO_GRADE
    for grade in sorted(grades, key=lambda g: g.min_score, reverse=True):
        if score >= grade.min_score:
            return grade.name
    return NO_GRADE


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("institution", "standard").get(pk=assessment.pk)


@transaction.atomic
def assessment_start(*, institution: Institution, actor) -> Assessment:
    if not rules.can_self_assess(actor, institution.pk):
        raise PermissionDenied("您无权为该机构开展质量自评。")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if institution.status != Institution.Status.FILED:
        raise ValidationError("已备案的机构才能开展质量评估。")
    standard = QualityStandard.objects.filter(is_current=True).first()
    if standard is None:
        raise ValidationError("尚未导入质量评估标准，请联系区卫生健康委。")
    if Assessment.objects.filter(institution=institution, status__in=("draft", "submitted", "returned")).exists():
        raise ValidationError("该机构已有一份正在进行的质量评估。")
    assessment = Assessment.objects.create(institution=institution, standard=standard, created_by=actor)
    items = QualityItem.objects.filter(dimension__standard=standard)
    AssessmentScore.objects.bulk_create(AssessmentScore(assessment=assessment, item=item) for item in items)
    change_record(actor=actor, instance=assessment, action=ObjectChange.Action.CREATE, comment="开始质量自评")
    return assessment


def _apply(assessment: Assessment, values: dict[int, object], *, own: bool) -> list[str]:
    """Store points (or a veto item's 符合/不符合) per item; returns problems (item number named)."""
    problems, scores = [], list(assessment.scores.select_related("item"))
    for score in scores:
        if score.item_id not in values:
            continue
        value = values[score.item_id]
        if score.item.is_veto:
            score.passed = value if value in (True, False) else None
        else:
            if value is not None and (value < 0 or value > score.item.points):
                problems.append(f"项目{score.item.number}的得分应在0到{score.item.points.normalize():f}之间。")
                continue
            if own:
                score.self_points = value
            else:
                score.points = value
    AssessmentScore.objects.bulk_update(scores, ["self_points", "points", "passed"])
    return problems


def _totals(assessment: Assessment, *, own: bool) -> tuple[Decimal, bool, list[str]]:
    total, veto_failed, missing = Decimal("0"), False, []
    for score in assessment.scores.select_related("item"):
        if score.item.is_veto:
            if score.passed is None:
                missing.append(score.item.number)
            veto_failed = veto_failed or score.passed is False
            continue
        points = score.self_points if own else (score.points if score.points is not None else score.self_points)
        if points is None:
            missing.append(score.item.number)
        else:
            total += points
    return total, veto_failed, missing


@transaction.atomic
def assessment_save(*, assessment: Assessment, actor, values: dict[int, object], submit: bool = False) -> Assessment:
    """The institution saves its self-assessment; with `submit`, every item must be answered."""
    assessment = _locked(assessment)
    if not rules.can_self_assess(actor, assessment.institution_id):
        raise PermissionDenied("您无权填写该机构的质量自评。")
    if not assessment.is_editable:
        raise ValidationError(f"该评估{assessment.get_status_display()}，不能修改。")
    problems = _apply(assessment, values, own=True)
    if problems:
        raise ValidationError(problems)
    if submit:
        total, veto_failed, missing = _totals(assessment, own=True)
        if missing:
            raise ValidationError(f"以下项目尚未评分：{'、'.join(missing)}。")
        assessment.self_score, assessment.veto_failed = total, veto_failed
        assessment.self_grade = grade_for(grades=assessment.standard.grades.all(), score=total, veto_failed=veto_failed)
        assessment.status, assessment.submitted_at = Assessment.Status.SUBMITTED, clock.now()
        assessment.save(update_fields=["self_score", "self_grade", "veto_failed", "status", "submitted_at"])
        change_record(actor=actor, instance=assessment, action=ObjectChange.Action.UPDATE,
                      comment=f"提交质量自评：{total}分，{assessment.self_grade}")
    return assessment


@transaction.atomic
def assessment_confirm(*, assessment: Assessment, actor, values: dict[int, object] | None = None) -> Assessment:
    """The coordinator confirms a submitted self-assessment, adjusting any item's points; the confirmed
    grade is the registry's and the public directory's."""
    if not rules.can_confirm_assessment(actor):
        raise PermissionDenied("只有区卫生健康委可以确认质量评估结果。")
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(f"该评估{assessment.get_status_display()}，不能确认。")
    problems = _apply(assessment, values or {}, own=False)
    if problems:
        raise ValidationError(problems)
    total, veto_failed, missing = _totals(assessment, own=False)
    if missing:
        raise ValidationError(f"以下项目尚未评分：{'、'.join(missing)}。")
    assessment.score, assessment.veto_failed = total, veto_failed
    assessment.grade = grade_for(grades=assessment.standard.grades.all(), score=total, veto_failed=veto_failed)
    assessment.status, assessment.confirmed_by, assessment.confirmed_on = (
        Assessment.Status.CONFIRMED, actor, clock.today())
    assessment.save(update_fields=["score", "grade", "veto_failed", "status", "confirmed_by", "confirmed_on"])
    change_record(actor=actor, instance=assessment, action=ObjectChange.Action.UPDATE,
                  comment=f"确认质量评估：{total}分，{assessment.grade}")
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, actor, reason: str) -> Assessment:
    if not rules.can_confirm_assessment(actor):
        raise PermissionDenied("只有区卫生健康委可以退回质量自评。")
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(f"该评估{assessment.get_status_display()}，不能退回。")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写退回理由。"]})
    assessment.status, assessment.return_reason = Assessment.Status.RETURNED, reason.strip()
    assessment.save(update_fields=["status", "return_reason"])
    change_record(actor=actor, instance=assessment, action=ObjectChange.Action.UPDATE, comment=f"退回质量自评：{reason}")
    return assessment
