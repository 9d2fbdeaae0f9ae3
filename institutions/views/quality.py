"""Quality assessment pages: an institution's assessments, the self-assessment sheet (the institution
fills it, the coordinator confirms or returns it), the coordinator's queue of submitted ones."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from accounts.roles import COORDINATES, READS_FILINGS
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import rules, selectors
from ..forms_care import AssessmentReturnForm
from ..models_quality import Assessment
from ..services import quality


class InstitutionQualityView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_FILINGS
    template_name = "institutions/quality_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        institution = selectors.institution_detail(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            institution=institution, assessments=selectors.assessments_of(user=user, institution=institution),
            may_start=rules.can_self_assess(user, institution.pk), **kwargs)

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        with service_call(request) as call:
            assessment = quality.assessment_start(institution=institution, actor=request.user)
            messages.success(request, "已开始质量自评。")
        if call.ok:
            return redirect("institutions:assessment", pk=assessment.pk)
        return redirect("institutions:quality", pk=pk)


def _values(post, sheet) -> tuple[dict[int, object], list[str]]:
    """Points and veto answers from the sheet's inputs; bad numbers named by item."""
    values, problems = {}, []
    for _dimension, scores in sheet:
        for score in scores:
            item = score.item
            if item.is_veto:
                answer = post.get(f"veto-{item.pk}", "")
                values[item.pk] = {"yes": True, "no": False}.get(answer)
                continue
            text = post.get(f"points-{item.pk}", "").strip()
            if text == "":
                values[item.pk] = None
                continue
            try:
                values[item.pk] = Decimal(text)
            except InvalidOperation:
                problems.append(f"项目{item.number}的得分“{text}”不是数字。")
    return values, problems


class AssessmentView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_FILINGS
    template_name = "institutions/assessment.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessment = kwargs.pop("assessment", None) or selectors.assessment_detail(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            assessment=assessment, sheet=selectors.assessment_sheet(assessment),
            may_edit=assessment.is_editable and rules.can_self_assess(user, assessment.institution_id),
            may_confirm=assessment.status == Assessment.Status.SUBMITTED and rules.can_confirm_assessment(user),
            return_form=kwargs.pop("return_form", None) or AssessmentReturnForm(), **kwargs)

    def post(self, request, pk):
        assessment = selectors.assessment_detail(user=request.user, pk=pk)
        action = request.POST.get("action", "save")
        if action == "return":
            form = AssessmentReturnForm(request.POST)
            if form.is_valid():
                with service_call(request, form=form) as call:
                    quality.assessment_return(assessment=assessment, actor=request.user,
                                              reason=form.cleaned_data["reason"])
                    messages.success(request, "已退回质量自评。")
                if call.ok:
                    return redirect("institutions:assessment", pk=pk)
            return self.render_to_response(self.get_context_data(assessment=assessment, return_form=form))
        values, problems = _values(request.POST, selectors.assessment_sheet(assessment))
        with service_call(request) as call:
            if problems:
                raise ValidationError(problems)
            if action == "confirm":
                quality.assessment_confirm(assessment=assessment, actor=request.user, values=values)
                messages.success(request, "已确认质量评估结果。")
            else:
                quality.assessment_save(assessment=assessment, actor=request.user, values=values,
                                        submit=action == "submit")
                messages.success(request, "已提交质量自评，等待区卫生健康委确认。" if action == "submit" else "已保存。")
        return redirect("institutions:assessment", pk=pk)


class AssessmentQueueView(RoleRequiredMixin, ListView):
    allowed_roles = COORDINATES
    template_name = "institutions/assessment_queue.html"
    context_object_name = "assessments"
    paginate_by = 50

    def get_queryset(self):
        return (Assessment.objects.for_user(self.request.user).filter(status=Assessment.Status.SUBMITTED)
                .select_related("institution", "standard").order_by("submitted_at", "pk"))
