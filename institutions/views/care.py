"""普惠 designation, the monthly enrolment (form and import) and utilisation (在托/托位) at any date."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import COORDINATES, READS_EVERYTHING, READS_INSTITUTIONS
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from progress.periods import spec_for

from .. import indicators, rules, selectors
from ..family_rules import family_point_problems, is_family_point
from ..forms import RosterUploadForm
from ..forms_care import AsOfForm, EnrolmentForm, InclusiveForm
from ..models import RosterImport
from ..services import care
from ..services import enrolment_import as imports

UTILISATION_ROWS_SHOWN = 500


def enrolment_due(institution):
    """This month's 在托人数 of a filed institution: its period (due like a monthly progress report) and
    whether it is in; None for an institution that does not report."""
    if institution.status != institution.Status.FILED:
        return None
    period = spec_for(start=clock.today(), months=1, due_day=rules.ENROLMENT_DUE_DAY)
    done = institution.enrolments.filter(period=period.start).exists()
    return {"period": period, "done": done}


class InclusiveView(RoleRequiredMixin, View):
    """普惠托育 designation (or its withdrawal), posted from the institution page."""

    allowed_roles = COORDINATES

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        if request.POST.get("withdraw"):
            with service_call(request):
                care.institution_withdraw_inclusive(institution=institution, actor=request.user)
                messages.success(request, "已撤销普惠托育认定。")
            return redirect("institutions:detail", pk=pk)
        form = InclusiveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                care.institution_designate_inclusive(
                    institution=institution, actor=request.user, inclusive_from=data["inclusive_from"],
                    places=data["places"], price=data.get("price"))
                messages.success(request, "已认定为普惠托育机构。")
            if call.ok:
                return redirect("institutions:detail", pk=pk)
        return render(request, "institutions/inclusive_form.html", {"institution": institution, "form": form})


class EnrolmentView(RoleRequiredMixin, TemplateView):
    """An institution's monthly 在托人数: the month due (the progress reports' rhythm), the form, the past months."""

    allowed_roles = READS_INSTITUTIONS
    template_name = "institutions/enrolment.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        institution = kwargs.pop("institution", None) or selectors.institution_detail(user=user, pk=self.kwargs["pk"])
        today = clock.today()
        period = spec_for(start=today, months=1, due_day=rules.ENROLMENT_DUE_DAY)
        reports = list(selectors.enrolments_of(user=user, institution=institution))
        family = is_family_point(institution.category)
        rows = [{"report": r, "problems": family_point_problems(children=r.children) if family else [],
                 "over_capacity": institution.capacity and r.children > institution.capacity} for r in reports]
        may_report = rules.can_report_enrolment(user, institution.pk)
        return super().get_context_data(
            institution=institution, period=period, rows=rows,
            period_done=any(r.period == period.start for r in reports),
            may_report=may_report,
            form=kwargs.pop("form", None) or (EnrolmentForm(initial={"period": period.key}) if may_report else None),
            **kwargs,
        )

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        form = EnrolmentForm(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                report = care.enrolment_report(institution=institution, actor=request.user, **form.cleaned_data)
                messages.success(request, f"已填报{report.period_label}在托人数：{report.children}人。")
            if call.ok:
                return redirect("institutions:enrolment", pk=pk)
        return self.render_to_response(self.get_context_data(institution=institution, form=form))


class EnrolmentImportView(RoleRequiredMixin, TemplateView):
    """Several institutions' months from one table: upload → dry run → confirm, all or nothing."""

    allowed_roles = COORDINATES
    template_name = "institutions/enrolment_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or RosterUploadForm(), **kwargs)

    def post(self, request):
        if "roster" in request.POST:
            roster = get_object_or_404(RosterImport.objects.for_user(request.user), pk=request.POST.get("roster"))
            with service_call(request) as call:
                report = imports.enrolment_import(roster=roster, actor=request.user)
            if call.failed:
                return redirect("institutions:enrolment-import")
            if not report.ok or not report.imported:
                return self.render_to_response(self.get_context_data(roster=roster, report=report))
            messages.success(request, f"在托人数导入成功：共 {report.imported} 行。")
            return redirect("institutions:utilisation")
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with service_call(request, form=form) as call:
            roster = imports.enrolment_upload(actor=request.user, upload=form.cleaned_data["file"])
        if call.failed:
            return self.render_to_response(self.get_context_data(form=form))
        report = imports.enrolment_preview(roster=roster, actor=request.user)
        return self.render_to_response(self.get_context_data(roster=roster, report=report))


class UtilisationView(RoleRequiredMixin, TemplateView):
    """托位使用率 (在托/托位) of the district, each street and each institution at an as-of date."""

    allowed_roles = READS_EVERYTHING
    template_name = "institutions/utilisation.html"

    def get_context_data(self, **kwargs):
        form = AsOfForm(self.request.GET or None)
        on = (form.cleaned_data.get("on") if form.is_valid() else None) or clock.today()
        rows = indicators.utilisation_rows(on)
        return super().get_context_data(
            form=form, on=on, district=indicators.utilisation_of(rows), streets=indicators.utilisation_by_street(rows),
            rows=rows[:UTILISATION_ROWS_SHOWN], more=max(0, len(rows) - UTILISATION_ROWS_SHOWN),
            fresh_months=indicators.ENROLMENT_FRESH_MONTHS, **kwargs,
        )
