"""Registrations by the authorities: one by form, or a whole roster imported (dry run, then all or nothing);
the roster export."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import READS_REGISTRY, REGISTERS_INSTITUTIONS, registers_own_authority_only
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import resources, selectors, services
from ..forms import InstitutionFilterForm, RegistrationForm, RosterUploadForm
from ..models import RosterImport


AWAITING_SHOWN = 50


class RegistrationListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_REGISTRY
    template_name = "institutions/registration_list.html"
    context_object_name = "registrations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.registrations_for_user(self.request.user).order_by("-pushed_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if registers_own_authority_only(user):
            # The registrar's home: what it registered that is still waiting to be filed, oldest first.
            awaiting = selectors.registrations_awaiting_filing(user=user)
            context.update(awaiting=list(awaiting[:AWAITING_SHOWN]), awaiting_count=awaiting.count())
        return context


class RegistrationCreateView(RoleRequiredMixin, TemplateView):
    allowed_roles = REGISTERS_INSTITUTIONS
    template_name = "institutions/registration_form.html"

    def _form(self, data=None):
        user = self.request.user
        fixed = user.department if registers_own_authority_only(user) and user.department_id else None
        return RegistrationForm(data, fixed_authority=fixed)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or self._form(), **kwargs)

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                registration = services.registration_record(actor=request.user, **form.cleaned_data)
                messages.success(request, f"已登记“{registration.institution.name}”，并推送区卫生健康委待备案。")
            if call.ok:
                return redirect("institutions:registrations")
        return self.render_to_response(self.get_context_data(form=form))


class RosterImportView(RoleRequiredMixin, TemplateView):
    """Upload → dry run with a preview (nothing saved) → confirm → all or nothing."""

    allowed_roles = REGISTERS_INSTITUTIONS
    template_name = "institutions/roster_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or RosterUploadForm(), **kwargs)

    def post(self, request):
        if "roster" in request.POST:
            return self._confirm(request)
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with service_call(request, form=form) as call:
            roster = services.roster_upload(actor=request.user, upload=form.cleaned_data["file"])
        if call.failed:
            return self.render_to_response(self.get_context_data(form=form))
        report = services.roster_preview(roster=roster, actor=request.user)
        return self.render_to_response(self.get_context_data(form=RosterUploadForm(), roster=roster, report=report))

    def _confirm(self, request):
        roster = get_object_or_404(RosterImport.objects.for_user(request.user), pk=request.POST.get("roster"))
        with service_call(request) as call:
            report = services.roster_import(roster=roster, actor=request.user)
        if call.failed:
            return redirect("institutions:roster-import")
        if not report.ok or not report.imported:
            return self.render_to_response(self.get_context_data(roster=roster, report=report))
        messages.success(request, f"名册导入成功：共导入 {report.imported} 家机构，已推送区卫生健康委待备案。")
        return redirect("institutions:registrations" if registers_own_authority_only(request.user) else "institutions:list")


class RosterExportView(RoleRequiredMixin, View):
    allowed_roles = READS_REGISTRY

    def get(self, request):
        file_format = request.GET.get("format", "xlsx")
        if file_format not in resources.EXPORT_FORMATS:
            file_format = "xlsx"
        template = request.GET.get("template") == "1"
        content_type, extension = resources.EXPORT_FORMATS[file_format]
        queryset = None
        if not template:
            filters = InstitutionFilterForm(request.GET or None).filters()
            queryset = selectors.institutions_search(selectors.institutions_for_user(request.user), **filters)
        data = resources.roster_export(user=request.user, file_format=file_format, queryset=queryset, empty=template)
        name = "托育机构名册导入模板" if template else f"托育机构名册_{clock.today():%Y%m%d}"
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{extension}")
        response["X-Content-Type-Options"] = "nosniff"
        return response
