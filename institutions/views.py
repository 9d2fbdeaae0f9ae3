"""Pages of the registry. Thin: each view states its roles, reads through a
selector (outside scope is 404) and writes through a service."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import (
    COORDINATES,
    FILES_INSTITUTIONS,
    READS_EVERYTHING,
    READS_FILINGS,
    READS_INSTITUTIONS,
    READS_REGISTRY,
    REGISTERS_INSTITUTIONS,
    RUNS_INSTITUTION,
    registers_own_authority_only,
)
from core import clock
from core.views import RoleRequiredMixin

from . import selectors, services
from .forms import (
    DirectoryFilterForm,
    DocumentUploadForm,
    FilingClassFormSet,
    FilingForm,
    FlagsForm,
    InstitutionFilterForm,
    OperatorLinkForm,
    RegistrationForm,
    RejectForm,
    ReturnForm,
    RosterUploadForm,
    add_service_errors,
    classes_from,
    classes_initial,
)
from .models import CorrectionItem, Filing, Institution, RosterImport
from .rules import (
    can_handle_filing,
    can_review_filings,
    can_see_filing_documents,
    required_documents,
    sees_filing_warnings,
)

# --- institutions -------------------------------------------------------------------------


class InstitutionListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_REGISTRY
    template_name = "institutions/institution_list.html"
    context_object_name = "institutions"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = InstitutionFilterForm(self.request.GET or None)
        queryset = selectors.institutions_for_user(self.request.user)
        return selectors.institutions_search(queryset, **self.filter_form.filters()).order_by("street__position", "name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, query=self.request.GET.urlencode(), **kwargs)


class InstitutionDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_INSTITUTIONS
    template_name = "institutions/institution_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        institution = selectors.institution_detail(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            institution=institution,
            status_text=selectors.filing_status_text(institution),
            filings=selectors.filings_of(user=user, institution=institution),
            classes=selectors.current_classes(institution),
            history=selectors.institution_history(institution, user=user),
            may_handle=can_handle_filing(user, institution.pk),
            is_coordinator=can_review_filings(user),
            flags_form=kwargs.pop("flags_form", None) or FlagsForm(initial={
                "is_inclusive": institution.is_inclusive, "is_demonstration": institution.is_demonstration,
                "demonstration_on": institution.demonstration_on,
            }),
            link_form=kwargs.pop("link_form", None) or OperatorLinkForm(),
            operators=institution.operators.all() if can_review_filings(user) else (),
            **kwargs,
        )


class MyInstitutionView(RoleRequiredMixin, TemplateView):
    """An operator's home: its own institution, or a note that none is linked yet."""

    allowed_roles = RUNS_INSTITUTION
    template_name = "institutions/my_institution_missing.html"

    def get(self, request, *args, **kwargs):
        institution = selectors.operator_institution(request.user)
        if institution is not None:
            return redirect("institutions:detail", pk=institution.pk)
        return super().get(request, *args, **kwargs)


class InstitutionFlagsView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        form = FlagsForm(request.POST)
        if form.is_valid():
            services.institution_update_flags(institution=institution, actor=request.user, **form.cleaned_data)
            messages.success(request, "已更新普惠性/示范性认定。")
            return redirect("institutions:detail", pk=pk)
        view = InstitutionDetailView(request=request, kwargs={"pk": pk})
        return render(request, view.template_name, view.get_context_data(flags_form=form))


class OperatorLinkView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        form = OperatorLinkForm(request.POST)
        if form.is_valid():
            try:
                services.operator_link(user=form.cleaned_data["user"], institution=institution, actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已为账号 {form.cleaned_data['user'].username} 绑定本机构。")
                return redirect("institutions:detail", pk=pk)
        view = InstitutionDetailView(request=request, kwargs={"pk": pk})
        return render(request, view.template_name, view.get_context_data(link_form=form))


# --- filings ------------------------------------------------------------------------------


class FilingStartView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        try:
            filing = services.filing_start(institution=institution, kind=request.POST.get("kind", ""), actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("institutions:detail", pk=pk)
        messages.success(request, f"已创建{filing.get_kind_display()}，请填写备案书并上传材料。")
        return redirect("institutions:filing-edit", pk=filing.pk)


class FilingContextMixin:
    """The filing page's context, shared by the views that re-render it with errors."""

    def filing_context(self, filing: Filing, **extra) -> dict:
        user = self.request.user
        may_handle = can_handle_filing(user, filing.institution_id)
        corrections = selectors.latest_corrections(filing)
        present = {d.kind for d in filing.documents.all()}
        return {
            "filing": filing,
            "institution": filing.institution,
            "warnings": selectors.filing_warnings(filing) if sees_filing_warnings(user) else [],
            "corrections": corrections if filing.status == Filing.Status.RETURNED else [],
            "all_corrections": filing.corrections.all(),
            "required_documents": [
                {"kind": k, "label": CorrectionItem(k).label, "present": k in present}
                for k in required_documents(kind=filing.kind, serves_meals=filing.serves_meals)
            ],
            "documents": filing.documents.all(),
            "may_see_documents": can_see_filing_documents(user),
            "may_edit": may_handle and filing.is_editable,
            "may_review": can_review_filings(user) and filing.status == Filing.Status.SUBMITTED,
            "upload_form": extra.pop("upload_form", None) or DocumentUploadForm(),
            "history": selectors.filing_history(filing),
            "deadlines": selectors.filing_deadlines(filing),
            **extra,
        }


class FilingDetailView(RoleRequiredMixin, FilingContextMixin, TemplateView):
    allowed_roles = READS_FILINGS
    template_name = "institutions/filing_detail.html"

    def get_context_data(self, **kwargs):
        filing = selectors.filing_detail(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), **self.filing_context(filing)}


class FilingEditView(RoleRequiredMixin, TemplateView):
    allowed_roles = FILES_INSTITUTIONS
    template_name = "institutions/filing_form.html"

    def _editable_filing(self):
        self.filing = selectors.filing_detail(user=self.request.user, pk=self.kwargs["pk"])
        if not self.filing.is_editable:
            messages.error(self.request, f"该备案当前状态为“{self.filing.get_status_display()}”，不能修改。")
            return None
        return self.filing

    def get(self, request, *args, **kwargs):
        if self._editable_filing() is None:
            return redirect("institutions:filing-detail", pk=self.filing.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filing = self.filing
        form = kwargs.pop("form", None) or FilingForm(instance=filing)
        formset = kwargs.pop("formset", None) or FilingClassFormSet(prefix="classes", initial=classes_initial(filing))
        return super().get_context_data(
            filing=filing, institution=filing.institution, form=form, formset=formset,
            corrections=selectors.latest_corrections(filing) if filing.status == Filing.Status.RETURNED else [],
            show_classes=filing.kind != Filing.Kind.CANCEL, **kwargs,
        )

    def post(self, request, pk):
        filing = self._editable_filing()
        if filing is None:
            return redirect("institutions:filing-detail", pk=self.filing.pk)
        form = FilingForm(request.POST, instance=filing)
        with_classes = filing.kind != Filing.Kind.CANCEL
        formset = FilingClassFormSet(request.POST, prefix="classes") if with_classes else None
        if form.is_valid() and (formset is None or formset.is_valid()):
            try:
                services.filing_update(
                    filing=filing, actor=request.user, data=form.filing_data(),
                    classes=classes_from(formset) if formset is not None else None,
                    commitment_accepted=form.cleaned_data["commitment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "备案书已保存。")
                return redirect("institutions:filing-detail", pk=filing.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class DocumentUploadView(RoleRequiredMixin, FilingContextMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.filing_document_add(
                    filing=filing, actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已上传：{document}")
                return redirect(reverse("institutions:filing-detail", args=[pk]) + "#materials")
        filing = selectors.filing_detail(user=request.user, pk=pk)
        return render(request, "institutions/filing_detail.html", self.filing_context(filing, upload_form=form),
                      status=400)


class DocumentDeleteView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        document = selectors.document_for_download(user=request.user, pk=pk)
        try:
            services.filing_document_remove(document=document, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已删除：{document}")
        return redirect(reverse("institutions:filing-detail", args=[document.filing_id]) + "#materials")


class DocumentDownloadView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def get(self, request, pk):
        from core.uploads import attachment_response

        document = selectors.document_for_download(user=request.user, pk=pk)
        return attachment_response(document.file, filename=document.original_name, content_type=document.content_type)


class FilingSubmitView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        try:
            services.filing_submit(filing=filing, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "备案材料不完整，未能提交：")
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "备案已提交，区卫生健康委将在5个工作日内审核。")
        return redirect("institutions:filing-detail", pk=pk)


class FilingReturnView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "institutions/filing_return.html"

    def get_context_data(self, **kwargs):
        filing = selectors.filing_detail(user=self.request.user, pk=self.kwargs["pk"])
        form = kwargs.pop("form", None) or ReturnForm(filing=filing)
        return super().get_context_data(filing=filing, form=form, warnings=selectors.filing_warnings(filing), **kwargs)

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        form = ReturnForm(request.POST, filing=filing)
        if form.is_valid():
            try:
                services.filing_return(filing=filing, actor=request.user, reasons=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已退回机构补正。")
                return redirect("institutions:review")
        return self.render_to_response(self.get_context_data(form=form))


class FilingApproveView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        try:
            filing = services.filing_approve(filing=filing, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("institutions:filing-detail", pk=pk)
        messages.success(request, f"已予以备案，备案回执编号：{filing.receipt_number}")
        return redirect("institutions:receipt", pk=pk)


class FilingRejectView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "institutions/filing_reject.html"

    def get_context_data(self, **kwargs):
        filing = selectors.filing_detail(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(filing=filing, form=kwargs.pop("form", None) or RejectForm(), **kwargs)

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                services.filing_reject(filing=filing, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已书面告知不符合备案要求，并在信息公示中公开。")
                return redirect("institutions:review")
        return self.render_to_response(self.get_context_data(form=form))


class ReceiptView(RoleRequiredMixin, TemplateView):
    """The printable 备案回执 with the 托育机构基本条件告知书."""

    allowed_roles = READS_FILINGS
    template_name = "institutions/receipt.html"

    def get_context_data(self, **kwargs):
        filing = selectors.receipt_for(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(filing=filing, institution=filing.institution, **kwargs)


class ReviewQueueView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_EVERYTHING
    template_name = "institutions/review_queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = clock.today()
        queue = selectors.review_queue(user=user, today=today)
        return super().get_context_data(
            today=today,
            queue=queue,
            holiday_notice=selectors.holiday_arrangement_notice(user=user, on=today, loaded_years=queue.loaded_years),
            returned=selectors.returned_filings(user=user),
            awaiting=selectors.registrations_awaiting_filing(user=user)[:200],
            **kwargs,
        )


# --- registrations and roster -------------------------------------------------------------


class RegistrationListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_REGISTRY
    template_name = "institutions/registration_list.html"
    context_object_name = "registrations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.registrations_for_user(self.request.user).order_by("-pushed_at", "-pk")


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
            try:
                registration = services.registration_record(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记“{registration.institution.name}”，并推送区卫生健康委待备案。")
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
        try:
            roster = services.roster_upload(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        report = services.roster_preview(roster=roster, actor=request.user)
        return self.render_to_response(self.get_context_data(form=RosterUploadForm(), roster=roster, report=report))

    def _confirm(self, request):
        roster = get_object_or_404(RosterImport.objects.for_user(request.user), pk=request.POST.get("roster"))
        try:
            report = services.roster_import(roster=roster, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("institutions:roster-import")
        if not report.ok or not report.imported:
            return self.render_to_response(self.get_context_data(roster=roster, report=report))
        messages.success(request, f"名册导入成功：共导入 {report.imported} 家机构，已推送区卫生健康委待备案。")
        return redirect("institutions:registrations" if registers_own_authority_only(request.user) else "institutions:list")


class RosterExportView(RoleRequiredMixin, View):
    allowed_roles = READS_REGISTRY

    def get(self, request):
        file_format = request.GET.get("format", "xlsx")
        if file_format not in selectors.EXPORT_FORMATS:
            file_format = "xlsx"
        template = request.GET.get("template") == "1"
        content_type, extension = selectors.EXPORT_FORMATS[file_format]
        queryset = None
        if not template:
            filters = InstitutionFilterForm(request.GET or None).filters()
            queryset = selectors.institutions_search(selectors.institutions_for_user(request.user), **filters)
        data = selectors.roster_export(user=request.user, file_format=file_format, queryset=queryset, empty=template)
        name = "托育机构名册导入模板" if template else f"托育机构名册_{clock.today():%Y%m%d}"
        response = HttpResponse(data, content_type=content_type)
        from django.utils.http import content_disposition_header

        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{extension}")
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- public -------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class DirectoryView(ListView):
    """信息公示: filed institutions, public facts only. No login."""

    template_name = "institutions/directory.html"
    context_object_name = "entries"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form = DirectoryFilterForm(self.request.GET or None)
        return selectors.directory_entries(**self.filter_form.filters())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, query=self.request.GET.urlencode(),
            notices=selectors.public_noncompliance_notices(), total=Institution.objects.publicly_listed().count(),
            **kwargs,
        )
