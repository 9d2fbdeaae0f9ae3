"""监督检查 pages: list, record, detail with the answer/verify forms, the printed 记录 and
整改通知书, evidence downloads, the coordinator's overdue rectifications, escalation."""
from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.roles import COORDINATES, INSPECTS, READS_EVERYTHING, READS_INSPECTIONS, RUNS_INSTITUTION
from core import clock
from core.service_calls import service_call
from core.uploads import attachment_response
from core.views import RoleRequiredMixin

from .. import rules, selectors, services
from ..forms import AnswerForm, EscalateForm, InspectionForm, ReopenForm
from ..models import Finding, FindingEvidence


class InspectionReaderMixin(RoleRequiredMixin):
    """READS_INSPECTIONS, narrowed by regulation.rules to the inspecting units among unit staff."""

    allowed_roles = READS_INSPECTIONS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not rules.can_read_inspections(request.user):
            raise PermissionDenied("只有检查单位、督办管理员和托育机构可以查看监督检查。")
        return super().dispatch(request, *args, **kwargs)


class InspectionListView(InspectionReaderMixin, ListView):
    template_name = "regulation/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 30

    def get_queryset(self):
        return selectors.inspections_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_record=rules.can_record_inspection(self.request.user), **kwargs)


class InspectionCreateView(RoleRequiredMixin, FormView):
    allowed_roles = INSPECTS
    template_name = "regulation/inspection_form.html"
    form_class = InspectionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not rules.can_record_inspection(request.user):
            raise PermissionDenied("只有检查单位或督办管理员可以记录监督检查。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"inspected_on": clock.today()}

    def form_valid(self, form):
        data = form.cleaned_data
        with service_call(self.request, form=form) as call:
            inspection = services.inspection_record(
                actor=self.request.user, institution=data["institution"], unit=data.get("unit"),
                inspected_on=data["inspected_on"], kind=data["kind"], inspectors=data["inspectors"],
                summary=data["summary"], findings=form.findings(),
            )
            messages.success(self.request, "已记录监督检查。")
        if call.ok:
            return redirect("regulation:inspection", inspection.pk)
        return self.form_invalid(form)


class InspectionDetailView(InspectionReaderMixin, TemplateView):
    template_name = "regulation/inspection_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        inspection = selectors.inspection_detail(user=user, pk=self.kwargs["pk"])
        today = clock.today()
        return super().get_context_data(
            inspection=inspection, findings=selectors.findings_of(inspection), today=today,
            can_answer=rules.can_answer(user, inspection), can_verify=rules.can_verify(user, inspection),
            can_escalate=rules.can_escalate(user), answer_form=AnswerForm(), reopen_form=ReopenForm(), **kwargs,
        )


class InspectionPrintView(InspectionDetailView):
    """监督检查记录 (print CSS page)."""

    template_name = "regulation/inspection_print.html"


class RectificationNoticeView(InspectionDetailView):
    """整改通知书 (print CSS page): the findings to rectify, with their deadlines."""

    template_name = "regulation/rectification_notice.html"


def _finding(user, pk: int) -> Finding:
    return get_object_or_404(Finding.objects.for_user(user).select_related("inspection"), pk=pk)


class FindingAnswerView(RoleRequiredMixin, View):
    allowed_roles = RUNS_INSTITUTION

    def post(self, request, pk):
        finding = _finding(request.user, pk)
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            with service_call(request) as call:
                services.finding_answer(actor=request.user, finding=finding, text=form.cleaned_data["text"],
                                        files=form.cleaned_data["files"])
            if call.ok:
                messages.success(request, f"已反馈第{finding.position}项整改情况。")
        else:
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("regulation:inspection", finding.inspection_id)


class FindingVerifyView(RoleRequiredMixin, View):
    """Close (销号) or reopen (退回) one rectification."""

    allowed_roles = INSPECTS

    def post(self, request, pk):
        finding = _finding(request.user, pk)
        with service_call(request) as call:
            if request.POST.get("action") == "reopen":
                services.finding_reopen(actor=request.user, finding=finding, reason=request.POST.get("reason", ""))
                done = "已退回重新整改"
            else:
                services.finding_close(actor=request.user, finding=finding)
                done = "已销号"
        if call.ok:
            messages.success(request, f"第{finding.position}项{done}。")
        return redirect("regulation:inspection", finding.inspection_id)


class FindingEscalateView(RoleRequiredMixin, FormView):
    """An overdue rectification → a 督办单 to the responsible unit."""

    allowed_roles = COORDINATES
    template_name = "regulation/escalate.html"

    @cached_property
    def finding(self) -> Finding:
        return _finding(self.request.user, self.kwargs["pk"])

    def get_form(self, form_class=None):
        assignments = services.inspections.escalation_assignments(self.finding, on=clock.today())
        return EscalateForm(**self.get_form_kwargs(), assignments=assignments)

    def get_context_data(self, **kwargs):
        return super().get_context_data(finding=self.finding, **kwargs)

    def form_valid(self, form):
        with service_call(self.request, form=form) as call:
            services.finding_escalate(actor=self.request.user, finding=self.finding,
                                      assignment=form.cleaned_data["assignment"],
                                      reply_due=form.cleaned_data["reply_due"])
            messages.success(self.request, "已签发督办单。")
        if call.conflict or call.ok:
            return redirect("regulation:inspection", self.finding.inspection_id)
        return self.form_invalid(form)


class EvidenceDownloadView(InspectionReaderMixin, View):

    def get(self, request, pk):
        evidence = get_object_or_404(FindingEvidence.objects.for_user(request.user), pk=pk)
        return attachment_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)


class OverdueView(RoleRequiredMixin, ListView):
    """The coordinator's 待办 of overdue rectifications (the integrator links it from 待办), a page
    at a time: a city has thousands."""

    allowed_roles = READS_EVERYTHING
    template_name = "regulation/overdue.html"
    context_object_name = "findings"
    paginate_by = 50

    def get_queryset(self):
        return selectors.rectifications_overdue(on=clock.today(), user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=clock.today(), can_escalate=rules.can_escalate(self.request.user),
                                        **kwargs)
