"""Dashboards, the official report download and the big-export pages. Views
are thin: selectors read (through for_user), charts compute geometry,
templates draw. Each dashboard costs a fixed number of queries."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.roles import READS_EVERYTHING, READS_PROGRESS, READS_TASKS
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from . import charts, excel, selectors
from .cache import fragment
from .forms import AsOfForm, DistrictForm, ExcelForm, ExportJobForm
from .models import ExportJob
from .selectors import sees_all
from .services import export_job_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _short_period(label: str) -> str:
    """'2026年10月' → '26/10'; '2026年第3季度' → '26Q3'."""
    if "季度" in label:
        return f"{label[2:4]}Q{label[-3]}"
    year, _, month = label.partition("年")
    return f"{year[2:]}/{month.rstrip('月')}"


def _trend_chart(trend: list[dict]):
    return charts.rate_columns(
        [{"label": t["label"], "short": _short_period(t["label"]), "rate": t["rate"]} for t in trend]
    )


class DashboardMixin(RoleRequiredMixin):
    form_class = AsOfForm

    def get_form(self):
        return self.form_class(self.request.GET or None, user=self.request.user)

    def read_at(self, form, plan):
        """(form, date): an ended plan is read as of its end date (its default
        and its latest); the form then shows that date."""
        on = form.as_of()
        at = selectors.read_date(plan, on)
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
        context.update(form=form, on=on, ended_plan=_ended(plan), body=district_body(user, on, plan_id))
        return context


def district_body(user, on, plan_id) -> str:
    """The overview's body, from the cache unless the data changed since it was
    rendered (reports/cache.py); reports.warm renders it ahead of the readers."""
    return fragment(
        user, "district", (on, plan_id),
        lambda: render_to_string("reports/_district_body.html", district_context(user, on, plan_id)),
    )


def district_context(user, on, plan_id) -> dict:
    o = selectors.district_overview(user=user, on=on, plan_id=plan_id)
    context = {
        "on": on, "o": o,
        "donut": charts.donut(o.task_counts),
        "groups_chart": charts.stacked_bars([{"label": g["label"], "counts": g["counts"]} for g in o.groups]),
        "trend_chart": _trend_chart(o.trend),
        "excel_query": _query(on=on.isoformat(), plan=o.plan["pk"] if o.plan else None, download=1),
    }
    ind = o.institutions
    if ind is not None:
        context["registry_chart"] = charts.value_bars(
            [{"label": "已登记", "value": ind.registered, "text": f"{ind.registered:,} 家"},
             {"label": "已备案", "value": ind.filed, "text": f"{ind.filed:,} 家", "css": "filed"}],
            maximum=max(ind.registered, ind.filed, 1), label_width=90, width=520,
        )
        top = max(float(ind.target) * 1.4, float(ind.per_thousand) * 1.1, 1)
        context["places_chart"] = charts.value_bars(
            [{"label": "每千人托位数", "value": ind.per_thousand, "text": f"{ind.per_thousand}",
              "css": "met" if ind.target_met else "short"}],
            maximum=top, label_width=110, width=520, target=float(ind.target), target_text=f"目标 {ind.target}",
        )
    return context


# ---------------------------------------------------------------- department dashboard


class DepartmentDashboardView(DashboardMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "reports/department.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        department = selectors.department_for_user(user=user, pk=self.kwargs.get("pk"))
        form = self.get_form()
        on = form.as_of()
        context.update(form=form, on=on, department=department, body=fragment(
            user, "department", (on, department.pk),
            lambda: render_to_string("reports/_department_body.html", department_context(user, department, on)),
        ))
        return context


def department_context(user, department, on) -> dict:
    d = selectors.department_dashboard(user=user, department=department, on=on)
    return {
        "on": on, "d": d, "department": department, "trend_chart": _trend_chart(d.trend),
        "donut": charts.donut(d.counts),
        "excel_query": _query(on=on.isoformat(), department=department.pk if sees_all(user) else None, download=1),
    }


# ---------------------------------------------------------------- task dashboard


class TaskDashboardView(DashboardMixin, TemplateView):
    allowed_roles = READS_TASKS
    template_name = "reports/task.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        task = selectors.task_for_user(user=user, pk=self.kwargs["pk"])
        form, on = self.read_at(self.get_form(), task.plan)
        context.update(form=form, on=on, task=task, ended_plan=_ended(task.plan), body=fragment(
            user, "task", (on, task.pk),
            lambda: render_to_string("reports/_task_body.html", task_context(user, task, on)),
        ))
        return context


def task_context(user, task, on) -> dict:
    t = selectors.task_dashboard(user=user, task=task, on=on)
    percent_items = [
        {"label": row["fact"].department_name, "value": row["report"].percent if row["report"] else 0,
         "text": f"{row['report'].percent}%" if row["report"] else "暂无审核通过的报告"}
        for row in t.rows
    ]
    return {
        "on": on, "t": t, "task": task,
        "percent_chart": charts.value_bars(percent_items, maximum=100, label_width=170),
        "matrix": charts.matrix(
            [{"label": row["fact"].department_name, "cells": row["cells"]} for row in t.matrix],
            [(f"{s.start.month}月" if s.months == 1 else f"Q{(s.start.month - 1) // 3 + 1}", s.label)
             for s in t.matrix_periods],
        ),
        "excel_query": _query(on=on.isoformat(), plan=task.plan_id, download=1),
    }


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

