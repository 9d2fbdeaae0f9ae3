"""Pages of the progress domain. Thin: each states its roles, reads through a
scoped selector (outside scope → 404), checks input with a form and calls one
service. Business rules live in services.py / rules.py, reads in selectors.py."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import ListView, TemplateView, View

from accounts.roles import (
    ACTS_FOR_UNIT,
    APPROVES_FOR_UNIT,
    COORDINATES,
    READS_PROGRESS,
    READS_TASKS,
    REVIEWS_REPORTS,
    WRITES_REPORTS,
)
from audit.selectors import changes_for
from core import clock
from core.uploads import attachment_response
from core.views import RoleRequiredMixin
from tasks.models import Assignment, Milestone, Plan
from tasks.services import plan_closed_reason

from . import forms, periods, rules, selectors, services
from .models import AssignmentCompletion, MilestoneFile, NoticeFile, ReportFile, SupervisionNotice


def _apply_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown beside the form's fields (or above it)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _refuse(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


class PlanClosed(Exception):
    """A write page of a plan not in force: say why and go to the read-only page."""

    def __init__(self, reason: str, to: str):
        super().__init__(reason)
        self.reason, self.to = reason, to


class ClosedPlanMixin:
    def closed_check(self, plan, to: str) -> None:
        reason = plan_closed_reason(plan)
        if reason:
            raise PlanClosed(reason, to)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PlanClosed as closed:
            messages.error(request, closed.reason)
            return redirect(closed.to)


# ---------------------------------------------------------------- 我的任务 / 待审核


class MyTasksView(RoleRequiredMixin, TemplateView):
    allowed_roles = ACTS_FOR_UNIT
    template_name = "progress/my_tasks.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "mine": selectors.my_tasks(user=user),
            "can_write": rules.can_write_reports(user),
        }


class ReviewQueueView(RoleRequiredMixin, ListView):
    allowed_roles = REVIEWS_REPORTS
    template_name = "progress/review_queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "completions": list(selectors.completions_to_decide(user=self.request.user)[:50]),
        }


# ---------------------------------------------------------------- one assignment


class AssignmentView(RoleRequiredMixin, TemplateView):
    """An assignment's reports (every version), light, completion and notices."""

    allowed_roles = READS_TASKS
    template_name = "progress/assignment.html"

    def get_assignment(self):
        return selectors.assignment_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignment = kwargs.pop("assignment", None) or self.get_assignment()
        overview = selectors.assignment_overview(user=user, assignment=assignment)
        page = Paginator(selectors.assignment_reports(user=user, assignment=assignment), 24).get_page(
            self.request.GET.get("page")
        )
        completion = overview.completion
        live = completion is not None and completion.state in selectors.LIVE_COMPLETION
        can_claim = rules.can_claim_completion(user, assignment) and not live
        can_decide = (
            completion is not None and completion.state == AssignmentCompletion.State.CLAIMED
            and rules.can_decide_completion(user, assignment)
        )
        return {
            **super().get_context_data(**kwargs),
            "assignment": assignment, "overview": overview, "page_obj": page,
            "can_write": rules.can_write_report(user, assignment),
            "can_issue": rules.can_issue_notice(user, assignment.task.plan),
            "sees_lead_view": rules.sees_lead_view(user, assignment.task),
            "claim_form": kwargs.get("claim_form") or (forms.CompletionClaimForm() if can_claim else None),
            "decision_form": kwargs.get("decision_form") or (forms.CompletionDecisionForm() if can_decide else None),
        }


class CompletionClaimView(AssignmentView):
    allowed_roles = ACTS_FOR_UNIT
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = self.get_assignment()
        form = forms.CompletionClaimForm(request.POST)
        if form.is_valid():
            try:
                services.completion_claim(actor=request.user, assignment=assignment, note=form.cleaned_data["note"])
            except services.StateConflict as exc:
                _refuse(request, exc)
                return redirect("progress:assignment", pk=assignment.pk)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "已申报完成，等待牵头单位或督办管理员确认。")
                return redirect("progress:assignment", pk=assignment.pk)
        return self.render_to_response(self.get_context_data(assignment=assignment, claim_form=form))


class CompletionDecideView(AssignmentView):
    allowed_roles = REVIEWS_REPORTS
    http_method_names = ["post"]

    def post(self, request, pk):
        completion = get_object_or_404(
            AssignmentCompletion.objects.for_user(request.user).select_related("assignment__task"), pk=pk
        )
        assignment = selectors.assignment_for_user(user=request.user, pk=completion.assignment_id)
        form = forms.CompletionDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept":
                    services.completion_accept(actor=request.user, completion=completion, comment=data["comment"])
                    messages.success(request, "已确认该单位任务完成。")
                else:
                    services.completion_reject(actor=request.user, completion=completion, reason=data["comment"])
                    messages.success(request, "已退回完成申报。")
            except services.StateConflict as exc:
                _refuse(request, exc)
            except ValidationError as exc:
                _apply_errors(form, exc)
                return self.render_to_response(self.get_context_data(assignment=assignment, decision_form=form))
            return redirect("progress:assignment", pk=assignment.pk)
        return self.render_to_response(self.get_context_data(assignment=assignment, decision_form=form))


# ---------------------------------------------------------------- writing a report


class ReportCreateView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = WRITES_REPORTS
    template_name = "progress/report_form.html"

    def setup_objects(self):
        user = self.request.user
        self.assignment = selectors.assignment_for_user(user=user, pk=self.kwargs["pk"])
        self.closed_check(self.assignment.task.plan, reverse("progress:assignment", args=[self.assignment.pk]))
        if not rules.can_write_report(user, self.assignment):
            raise PermissionDenied("只有本单位的填报员可以填报本任务的进展。")
        try:
            start = dt.date(self.kwargs["year"], self.kwargs["month"], 1)
        except (ValueError, OverflowError):  # OverflowError: a year or month past C's int in the URL
            raise Http404("报送周期不存在。") from None
        self.spec = periods.period_for_start(self.assignment.task.plan, start)
        if self.spec is None or self.spec.start > clock.today():
            raise Http404("报送周期不存在或尚未开始。")
        return (
            self.assignment.reports.filter(period__start=self.spec.start).order_by("-version").first()
        )

    def get(self, request, *args, **kwargs):
        existing = self.setup_objects()
        if existing is not None:
            messages.info(request, f"{self.spec.label}已有进展报告，已为您打开。")
            return redirect("progress:report", pk=existing.pk)
        return self.render_to_response(self.get_context_data(form=forms.ReportForm()))

    def post(self, request, *args, **kwargs):
        existing = self.setup_objects()
        if existing is not None:
            messages.error(request, f"{self.spec.label}已有进展报告，请在原报告上修改。")
            return redirect("progress:report", pk=existing.pk)
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            submit = request.POST.get("action") == "submit"
            try:
                report = services.report_create(
                    actor=request.user, assignment=self.assignment, period=self.spec.start,
                    progress=data["progress"], percent=data["percent"], problems=data["problems"],
                    next_steps=data["next_steps"], files=data["evidence"], submit=submit,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "已提交，等待本单位审核人审核。" if submit else "已保存草稿。")
                return redirect("progress:report", pk=report.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment, "spec": self.spec,
                "report": None}


class ReportUpdateView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = WRITES_REPORTS
    template_name = "progress/report_form.html"

    def setup_report(self):
        report = selectors.report_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.closed_check(report.assignment.task.plan, reverse("progress:report", args=[report.pk]))
        if not rules.can_write_report(self.request.user, report.assignment):
            raise PermissionDenied("只有本单位的填报员可以修改本报告。")
        return report

    def get(self, request, *args, **kwargs):
        report = self.setup_report()
        if not report.is_editable:
            messages.error(request, f"该报告当前状态为“{report.get_state_display()}”，不能修改。")
            return redirect("progress:report", pk=report.pk)
        form = forms.ReportForm(
            initial={"progress": report.progress, "percent": report.percent, "problems": report.problems,
                     "next_steps": report.next_steps},
            files_qs=report.files.all(),
        )
        return self.render_to_response(self.context_for(report, form))

    def post(self, request, *args, **kwargs):
        report = self.setup_report()
        form = forms.ReportForm(request.POST, request.FILES, files_qs=report.files.all())
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_update(
                    actor=request.user, report=report, progress=data["progress"], percent=data["percent"],
                    problems=data["problems"], next_steps=data["next_steps"], add_files=data["evidence"],
                    remove_file_ids=[f.pk for f in data.get("remove_files") or []],
                )
                if request.POST.get("action") == "submit":
                    report = services.report_submit(actor=request.user, report=report)
                    messages.success(request, "已重新提交，等待本单位审核人审核。"
                                     if report.state == report.State.RESUBMITTED else "已提交，等待本单位审核人审核。")
                else:
                    messages.success(request, "已保存修改。")
            except services.StateConflict as exc:
                _refuse(request, exc)
            except ValidationError as exc:
                _apply_errors(form, exc)
                return self.render_to_response(self.context_for(report, form))
            return redirect("progress:report", pk=report.pk)
        return self.render_to_response(self.context_for(report, form))

    def context_for(self, report, form):
        spec = periods.PeriodSpec(report.period.start, report.period.end, report.period.due_date, report.period.months)
        return self.get_context_data(form=form, report=report, assignment=report.assignment, spec=spec)


# ---------------------------------------------------------------- reading and reviewing a report


class ReportDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_TASKS
    template_name = "progress/report_detail.html"

    def get_report(self):
        return selectors.report_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = kwargs.pop("report", None) or self.get_report()
        versions = list(selectors.report_versions(user=user, report=report))
        is_latest = not versions or versions[-1].pk == report.pk
        return {
            **super().get_context_data(**kwargs),
            "report": report, "assignment": report.assignment, "versions": versions,
            "history": changes_for(report),
            "can_edit": report.is_editable and rules.can_write_report(user, report.assignment),
            "can_approve": report.is_reviewable and rules.can_approve_report(user, report),
            "can_return": report.is_reviewable and rules.can_return_report(user, report),
            "can_correct": report.state == report.State.APPROVED and is_latest
            and rules.can_write_report(user, report.assignment),
            "return_form": kwargs.get("return_form") or forms.ReturnForm(),
            "correct_form": kwargs.get("correct_form") or forms.CorrectForm(),
        }


class _ReportAction(ReportDetailView):
    http_method_names = ["post"]
    form_class = None
    form_context = ""
    success_url_name = "progress:report"

    def post(self, request, pk):
        report = self.get_report()
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(report=report, **{self.form_context: form}))
        try:
            result = self.act(report, form.cleaned_data if form else {})
        except services.StateConflict as exc:
            _refuse(request, exc)
        except ValidationError as exc:
            if form is None:
                _refuse(request, exc)
            else:
                _apply_errors(form, exc)
                return self.render_to_response(self.get_context_data(report=report, **{self.form_context: form}))
        else:
            return redirect(self.success_url_name, pk=result.pk)
        return redirect("progress:report", pk=report.pk)


class ReportSubmitView(_ReportAction):
    allowed_roles = WRITES_REPORTS

    def act(self, report, data):
        report = services.report_submit(actor=self.request.user, report=report)
        messages.success(self.request, "已提交，等待本单位审核人审核。")
        return report


class ReportApproveView(_ReportAction):
    allowed_roles = APPROVES_FOR_UNIT

    def act(self, report, data):
        report = services.report_approve(actor=self.request.user, report=report)
        messages.success(self.request, "已审核通过。")
        return report


class ReportReturnView(_ReportAction):
    allowed_roles = REVIEWS_REPORTS
    form_class = forms.ReturnForm
    form_context = "return_form"

    def act(self, report, data):
        report = services.report_return(actor=self.request.user, report=report, reason=data["reason"])
        messages.success(self.request, "已退回，填报人将在“我的任务”中优先看到。")
        return report


class ReportCorrectView(_ReportAction):
    allowed_roles = WRITES_REPORTS
    form_class = forms.CorrectForm
    form_context = "correct_form"
    success_url_name = "progress:report-edit"

    def act(self, report, data):
        correction = services.report_correct(actor=self.request.user, report=report, reason=data["reason"])
        messages.success(self.request, f"已生成第{correction.version}版更正稿，请修改后提交审核。")
        return correction


# ---------------------------------------------------------------- files


class _Download(RoleRequiredMixin, View):
    allowed_roles = READS_TASKS
    model = None

    def get(self, request, pk):
        stored = get_object_or_404(self.model.objects.for_user(request.user), pk=pk)
        return attachment_response(stored.file, filename=stored.original_name, content_type=stored.content_type)


class ReportFileDownloadView(_Download):
    model = ReportFile


class NoticeFileDownloadView(_Download):
    allowed_roles = READS_PROGRESS
    model = NoticeFile


class MilestoneFileDownloadView(_Download):
    model = MilestoneFile


# ---------------------------------------------------------------- lead unit


class LeadSummaryView(RoleRequiredMixin, TemplateView):
    """The lead unit reads every unit's report on its task for a period and writes one summary."""

    allowed_roles = READS_TASKS
    template_name = "progress/lead_summary.html"

    def setup_objects(self):
        user = self.request.user
        self.task = selectors.lead_task_for_user(user=user, pk=self.kwargs["pk"])
        plan = self.task.plan
        today = clock.today()
        self.choices = list(reversed(periods.periods_through(plan, today)))
        key = self.request.GET.get("period", "")
        if key:
            try:
                start = dt.datetime.strptime(key, "%Y-%m").date()
            except ValueError:
                raise Http404("报送周期不存在。") from None
            self.spec = periods.period_for_start(plan, start)
            if self.spec is None or self.spec.start > today:
                raise Http404("报送周期不存在或尚未开始。")
        elif self.choices:
            self.spec = self.choices[0]
        else:
            raise Http404("本方案尚无报送周期。")

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        if not rules.can_write_summary(request.user, self.task):
            raise PermissionDenied("只有牵头单位可以撰写汇总情况。")
        form = forms.LeadSummaryForm(request.POST)
        if form.is_valid():
            try:
                services.lead_summary_save(actor=request.user, task=self.task, period=self.spec.start,
                                           text=form.cleaned_data["text"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"已保存{self.spec.label}汇总情况。")
                return redirect(f"{reverse('progress:lead', args=[self.task.pk])}?period={self.spec.key}")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        rows, summary = selectors.lead_view(user=self.request.user, task=self.task, spec=self.spec)
        can_write = rules.can_write_summary(self.request.user, self.task)
        form = kwargs.pop("form", None)
        if form is None and can_write:
            form = forms.LeadSummaryForm(initial={"text": summary.text if summary else ""})
        return {
            **super().get_context_data(**kwargs),
            "task": self.task, "spec": self.spec, "choices": self.choices, "rows": rows, "summary": summary,
            "form": form,
        }


# ---------------------------------------------------------------- notices


class NoticeListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_PROGRESS
    template_name = "progress/notice_list.html"
    context_object_name = "notices"
    paginate_by = 50
    STATES = [("", "全部"), ("open", "待答复"), ("overdue", "逾期未答复"), ("answered", "已答复"), ("closed", "已办结")]

    def get_queryset(self):
        return selectors.notices_for_user(user=self.request.user, state=self.request.GET.get("state", ""))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "states": self.STATES, "state": self.request.GET.get("state", ""), "today": clock.today(),
            "can_issue": rules.can_issue_notice(self.request.user),
        }


class NoticeCreateView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "progress/notice_form.html"

    def setup_objects(self):
        user = self.request.user
        # Notices go to plans in force only (an ended plan is read-only, a draft not live).
        self.assignments = Assignment.objects.for_user(user).filter(
            task__plan__status=Plan.Status.IN_FORCE
        ).select_related("task", "department").order_by(
            "task__plan_id", "task__kind", "task__number", "role", "department__position"
        )
        self.follow_up_of = None
        follow = self.request.GET.get("follow_up") or self.request.POST.get("follow_up")
        if follow:
            if not str(follow).isdigit():
                raise Http404("督办单不存在。")
            self.follow_up_of = selectors.notice_for_user(user=user, pk=int(follow))

    def initial(self):
        if self.follow_up_of is not None:
            return {"assignment": self.follow_up_of.assignment_id}
        value = self.request.GET.get("assignment", "")
        return {"assignment": int(value)} if value.isdigit() else {}

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        form = forms.NoticeForm(initial=self.initial(), assignments=self.assignments)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        form = forms.NoticeForm(request.POST, assignments=self.assignments)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_issue(
                    actor=request.user, assignment=data["assignment"], reason=data["reason"],
                    reply_due=data["reply_due"], follow_up_of=self.follow_up_of,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"已签发督办单 {notice.number}。")
                return redirect("progress:notice", pk=notice.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "follow_up_of": self.follow_up_of}


class NoticeDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "progress/notice_detail.html"

    def get_notice(self):
        return selectors.notice_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        notice = kwargs.pop("notice", None) or self.get_notice()
        is_open = notice.state == SupervisionNotice.State.OPEN
        return {
            **super().get_context_data(**kwargs),
            "notice": notice, "history": changes_for(notice), "today": clock.today(),
            "reply_form": kwargs.get("reply_form") or (
                forms.NoticeReplyForm() if is_open and rules.can_answer_notice(user, notice) else None
            ),
            "close_form": forms.NoticeCloseForm()
            if notice.state != SupervisionNotice.State.CLOSED and rules.can_issue_notice(user, notice.assignment.task.plan)
            else None,
        }


class NoticeReplyView(NoticeDetailView):
    allowed_roles = ACTS_FOR_UNIT
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = self.get_notice()
        if not rules.can_answer_notice(request.user, notice):
            raise PermissionDenied("只有被督办单位可以答复本督办单。")
        form = forms.NoticeReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.notice_reply(actor=request.user, notice=notice, text=form.cleaned_data["text"],
                                      files=form.cleaned_data["files"])
            except services.StateConflict as exc:
                _refuse(request, exc)
                return redirect("progress:notice", pk=notice.pk)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "已答复督办单。")
                return redirect("progress:notice", pk=notice.pk)
        return self.render_to_response(self.get_context_data(notice=notice, reply_form=form))


class NoticeCloseView(NoticeDetailView):
    allowed_roles = COORDINATES
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = self.get_notice()
        form = forms.NoticeCloseForm(request.POST)
        form.is_valid()
        try:
            services.notice_close(actor=request.user, notice=notice, comment=form.cleaned_data.get("comment", ""))
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, f"督办单 {notice.number} 已办结。")
        return redirect("progress:notice", pk=notice.pk)


# ---------------------------------------------------------------- milestones


class MilestoneConfirmView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "progress/milestone_confirm.html"

    def get_milestone(self):
        milestone = get_object_or_404(Milestone.objects.for_user(self.request.user).select_related("task", "plan"),
                                      pk=self.kwargs["pk"])
        back = reverse("tasks:detail", args=[milestone.task_id]) if milestone.task_id else reverse("tasks:plans")
        self.closed_check(milestone.plan, back)
        return milestone

    def get(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        form = forms.MilestoneConfirmForm(
            milestone=milestone,
            initial={"met_on": milestone.met_on, "evidence": milestone.evidence,
                     "current_value": milestone.current_value},
        )
        return self.render_to_response(self.get_context_data(milestone=milestone, form=form))

    def post(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        form = forms.MilestoneConfirmForm(request.POST, request.FILES, milestone=milestone)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.milestone_confirm(
                    actor=request.user, milestone=milestone, met_on=data["met_on"], evidence=data["evidence"],
                    current_value=data.get("current_value"), files=data["files"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"已确认节点目标“{milestone.title}”达成。")
                if milestone.task_id:
                    return redirect("tasks:detail", pk=milestone.task_id)
                return redirect("tasks:list")
        return self.render_to_response(self.get_context_data(milestone=milestone, form=form))

    def get_context_data(self, **kwargs):
        milestone = kwargs["milestone"]
        return {**super().get_context_data(**kwargs),
                "metric": selectors.milestone_metric(milestone) if milestone.is_metric else None}


# ---------------------------------------------------------------- the task page (tasks.views.WorkItemDetailView)


def task_page_context(*, user, task) -> dict:
    """What the task detail page shows of progress, and which progress actions it offers."""
    return {
        "progress": selectors.task_progress(user=user, task=task),
        "can_issue_notice": rules.can_issue_notice(user, task.plan),
        "can_confirm_milestone": rules.can_confirm_milestone(user, task.plan),
        "sees_lead_view": rules.sees_lead_view(user, task),
    }
