"""Dashboards, the official report download and the big-export pages. Views
are thin: the dashboard modules read (through for_user), reports.pages
renders the bodies (shared with reports.warm), templates draw. Each dashboard costs a fixed number of queries."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.roles import COORDINATES, READS_EVERYTHING, READS_PROGRESS, READS_TASKS, sees_all
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from progress.timerules import read_date

from . import excel, pages
from .department import department_for_user
from .forms import AsOfForm, DistrictForm, ExcelForm, ExportJobForm
from .models import ExportJob
from .services import export_job_create
from .task import task_for_user
from .todo import coordinator_todo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DashboardMixin(RoleRequiredMixin):
    form_class = AsOfForm

    def get_form(self):
        return self.form_class(self.request.GET or None, user=self.request.user)

    def read_at(self, form, plan):
        """(form, date): an ended plan is read as of its end date (its default
        and its latest); the form then shows that date."""
        on = form.as_of()
        at = read_date(plan, on)
        if at != on:
            data = self.request.GET.copy()
            data["on"] = at.isoformat()
            form = self.form_class(data, user=self.request.user)
        return form, at


def _ended(plan):
    return plan if plan is not None and plan.is_ended else None


# ---------------------------------------------------------------- district overview


class DistrictOverviewView(DashboardMixin, TemplateView):
    allowed_roles = READS_EVERYTHING
    template_name = "reports/district.html"
    form_class = DistrictForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = self.get_form()
        plan = form.value("plan")
        form, on = self.read_at(form, plan)
        plan_id = plan.pk if plan else None
        context.update(form=form, on=on, ended_plan=_ended(plan), body=pages.district_body(user, on, plan_id))
        return context


# ---------------------------------------------------------------- the coordinator's 待办 (its home)


class CoordinatorTodoView(RoleRequiredMixin, TemplateView):
    """Where the coordinator lands: what waits for them; the overview is one click away."""

    allowed_roles = COORDINATES
    template_name = "reports/todo.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "todo": coordinator_todo(user=self.request.user)}


# ---------------------------------------------------------------- department dashboard


class DepartmentDashboardView(DashboardMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "reports/department.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        department = department_for_user(user=user, pk=self.kwargs.get("pk"))
        form = self.get_form()
        on = form.as_of()
        context.update(form=form, on=on, department=department, body=pages.department_body(user, department, on))
        return context


# ---------------------------------------------------------------- task dashboard


class TaskDashboardView(DashboardMixin, TemplateView):
    allowed_roles = READS_TASKS
    template_name = "reports/task.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        task = task_for_user(user=user, pk=self.kwargs["pk"])
        form, on = self.read_at(self.get_form(), task.plan)
        context.update(form=form, on=on, task=task, ended_plan=_ended(task.plan),
                       body=pages.task_body(user, task, on))
        return context


# ---------------------------------------------------------------- the official report


class ProgressExcelView(RoleRequiredMixin, TemplateView):
    """The filters page; with download=1 (the dashboards' links) the .xlsx itself."""

    allowed_roles = READS_PROGRESS
    template_name = "reports/excel.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        form = ExcelForm(request.GET or None, user=user)
        if request.GET.get("download") and form.is_valid():
            data = form.cleaned_data
            try:
                filters = excel.resolve_filters(
                    user=user, on=data.get("on"), plan_id=data["plan"].pk if data.get("plan") else None,
                    department=data.get("department"), period_start=data.get("period"),
                )
            except ValidationError as exc:
                form.add_error("period", exc.messages)
            else:
                response = HttpResponse(excel.progress_workbook_bytes(user=user, filters=filters), content_type=XLSX)
                response["Content-Disposition"] = _attachment(excel.report_filename(filters))
                response["X-Content-Type-Options"] = "nosniff"
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form, unit_only=not sees_all(user)))


def _attachment(filename: str) -> str:
    return content_disposition_header(as_attachment=True, filename=filename)


# ---------------------------------------------------------------- big exports


class ExportJobListView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "reports/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ExportJobForm(user=self.request.user))
        context["jobs"] = ExportJob.objects.for_user(self.request.user).order_by("-created_at", "-pk")[:20]
        context["unit_only"] = not sees_all(self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        form = ExportJobForm(request.POST, user=request.user)
        if form.is_valid():
            plan, department = form.cleaned_data.get("plan"), form.cleaned_data.get("department")
            if not sees_all(request.user):
                department = request.user.department
            with service_call(request, form=form) as call:
                job = export_job_create(
                    actor=request.user, plan_id=plan.pk if plan else None,
                    department_id=department.pk if department else None,
                )
                messages.success(request, "导出任务已提交，完成后可在本页下载，并会收到站内通知。")
            if call.ok:
                return redirect("reports:export-detail", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _job_for_user(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)


class ExportJobDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "reports/export_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = _job_for_user(self.request, self.kwargs["pk"])
        return context


def job_status(job: ExportJob) -> dict:
    return {
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(),
        "done_rows": job.done_rows, "total_rows": job.total_rows, "percent": job.percent,
        "finished": job.is_finished, "error": job.error,
        "download_url": reverse("reports:export-download", args=[job.pk])
        if job.status == ExportJob.Status.DONE else "",
    }


@method_decorator(never_cache, name="dispatch")
class ExportJobStatusView(RoleRequiredMixin, View):
    allowed_roles = READS_PROGRESS

    def get(self, request, pk):
        return JsonResponse(job_status(_job_for_user(request, pk)))


class ExportJobDownloadView(RoleRequiredMixin, View):
    allowed_roles = READS_PROGRESS

    def get(self, request, pk):
        job = _job_for_user(request, pk)
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404("导出文件尚未生成。")
        try:
            stream = default_storage.open(job.file.name, "rb")
        except FileNotFoundError:
            raise Http404("导出文件已不存在。") from None
        response = FileResponse(stream, as_attachment=True, filename=job.download_name, content_type=XLSX)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

