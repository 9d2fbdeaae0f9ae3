"""从业人员 pages (the institution and the district), the 终身禁入 list (coordinators), and
an institution's regulation page with its light."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import COORDINATES, FILES_INSTITUTIONS, READS_FILINGS, RUNS_INSTITUTION, institution_id
from core import clock
from core.service_calls import service_call
from core.spreadsheets import table_csv
from core.uploads import attachment_response
from core.views import RoleRequiredMixin

from .. import rules, selectors, services
from ..forms import BanForm, StaffDocumentForm, StaffEndForm, StaffForm
from ..models import BlockedAttempt, Complaint, PersonBan, StaffDocument, StaffMember


class InstitutionRegulationView(RoleRequiredMixin, TemplateView):
    """One institution's regulation: its light, inspections and open rectifications, staff alerts, complaints."""

    allowed_roles = READS_FILINGS
    template_name = "regulation/institution.html"

    def get_context_data(self, **kwargs):
        institution = selectors.institution_for(user=self.request.user, pk=self.kwargs["pk"])
        today = clock.today()
        return super().get_context_data(
            institution=institution, light=selectors.institution_light(institution, on=today), today=today,
            inspections=selectors.inspections_for(self.request.user).filter(institution=institution)[:20],
            overdue=selectors.rectifications_overdue(on=today).filter(inspection__institution=institution),
            expiring=selectors.staff_expiring(on=today).filter(institution=institution),
            expired=selectors.staff_expired(on=today).filter(institution=institution),
            complaints=Complaint.objects.filter(institution=institution).count(),
            family=selectors.family_point_findings(institution, on=today),
            **kwargs,
        )


class MyRegulationView(RoleRequiredMixin, View):
    """The institution's own account lands on its regulation page."""

    allowed_roles = RUNS_INSTITUTION

    def get(self, request):
        pk = institution_id(request.user)
        if not pk:
            return redirect("institutions:mine")
        return redirect("regulation:institution", pk)


class StaffListView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_FILINGS
    template_name = "regulation/staff_list.html"

    def get_context_data(self, **kwargs):
        institution = selectors.institution_for(user=self.request.user, pk=self.kwargs["pk"])
        today = clock.today()
        return super().get_context_data(
            institution=institution, staff=selectors.staff_of(institution, on=today), today=today,
            soon=today + dt.timedelta(days=selectors.expiry_warning_days()),
            can_keep=rules.can_keep_staff(self.request.user, institution.pk),
            form=kwargs.pop("form", None) or StaffForm(initial={"started_on": today}), end_form=StaffEndForm(), document_form=StaffDocumentForm(),
            **kwargs,
        )


class StaffAddView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        institution = selectors.institution_for(user=request.user, pk=pk)
        form = StaffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                staff = services.staff_add(actor=request.user, institution=institution, **data)
                messages.success(request, f"已登记从业人员{staff.name}。")
                if selectors.staff_of(institution).filter(pk=staff.pk, elsewhere=True).exists():
                    messages.warning(request, f"{staff.name}同时在其他托育机构在岗，已标记，请核实。")
            if call.ok:
                return redirect("regulation:staff", institution.pk)
        view = StaffListView(request=request, kwargs={"pk": pk}, args=())
        return view.render_to_response(view.get_context_data(form=form), status=200)


class StaffDocumentUploadView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        staff = get_object_or_404(StaffMember.objects.for_user(request.user), pk=pk)
        form = StaffDocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return redirect("regulation:staff", staff.institution_id)
        with service_call(request) as call:
            document = services.staff_document_add(actor=request.user, staff=staff, kind=form.cleaned_data["kind"],
                                                   upload=form.cleaned_data["file"])
        if call.ok:
            messages.success(request, f"已上传{staff.name}的{document.get_kind_display()}。")
        return redirect("regulation:staff", staff.institution_id)


class StaffDocumentDownloadView(RoleRequiredMixin, View):
    allowed_roles = READS_FILINGS

    def get(self, request, pk):
        document = get_object_or_404(StaffDocument.objects.for_user(request.user), pk=pk)
        return attachment_response(document.file, filename=document.original_name, content_type=document.content_type)


class StaffEndView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        staff = get_object_or_404(StaffMember.objects.for_user(request.user), pk=pk)
        form = StaffEndForm(request.POST)
        ended_on = form.cleaned_data.get("ended_on") if form.is_valid() else None
        with service_call(request) as call:
            services.staff_end(actor=request.user, staff=staff, ended_on=ended_on)
        if call.ok:
            messages.success(request, f"已登记{staff.name}离职。")
        return redirect("regulation:staff", staff.institution_id)


class BanListView(RoleRequiredMixin, FormView):
    """终身禁入名单 (coordinators): each entry with its decision document; refused additions below."""

    allowed_roles = COORDINATES
    template_name = "regulation/ban_list.html"
    form_class = BanForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            bans=PersonBan.objects.for_user(self.request.user),
            attempts=BlockedAttempt.objects.filter(ban__in=PersonBan.objects.for_user(self.request.user))
            .select_related("ban", "institution", "attempted_by")[:50],
            **kwargs,
        )

    def form_valid(self, form):
        with service_call(self.request, form=form) as call:
            services.person_ban_add(actor=self.request.user, **form.cleaned_data)
            messages.success(self.request, "已列入终身禁入名单。")
        if call.ok:
            return redirect("regulation:bans")
        return self.form_invalid(form)


class BanDecisionView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES

    def get(self, request, pk):
        ban = get_object_or_404(PersonBan.objects.for_user(request.user), pk=pk)
        return attachment_response(ban.file, filename=ban.original_name, content_type=ban.content_type)


class StaffExportView(RoleRequiredMixin, View):
    """The institution's staff as CSV (core.spreadsheets): ID numbers masked, as on the page."""

    allowed_roles = READS_FILINGS
    HEADERS = ("姓名", "岗位", "身份证号码", "资格证书", "证书编号", "证书有效期至", "健康证明有效期至",
               "无犯罪记录查询日期", "入职日期", "离职日期", "同时在其他机构在岗")

    def get(self, request, pk):
        institution = selectors.institution_for(user=request.user, pk=pk)
        rows = ([s.name, s.get_post_display(), s.person_masked, s.qualification, s.certificate_number,
                 s.certificate_expires, s.health_expires, s.background_checked_on, s.started_on, s.ended_on,
                 "是" if s.elsewhere and not s.ended_on else ""]
                for s in selectors.staff_of(institution))
        response = HttpResponse(table_csv(self.HEADERS, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{institution.name}-从业人员.csv")
        response["X-Content-Type-Options"] = "nosniff"
        return response
