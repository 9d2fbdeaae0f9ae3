"""Filings (备案): start, fill in, upload documents, submit; review (return, file, refuse); receipts; the queue."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import COORDINATES, FILES_INSTITUTIONS, READS_EVERYTHING, READS_FILINGS
from core import clock
from core.confirm import confirm_page
from core.service_calls import service_call
from core.uploads import attachment_response
from core.views import RoleRequiredMixin

from .. import selectors, services
from ..forms import (
    DocumentUploadForm,
    FilingClassFormSet,
    FilingForm,
    RejectForm,
    ReturnForm,
    classes_from,
    classes_initial,
)
from ..models import CorrectionItem, Filing
from ..rules import (
    can_handle_filing,
    can_review_filings,
    can_see_filing_documents,
    class_size_problems,
    required_documents,
    sees_filing_warnings,
)


class FilingStartView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        with service_call(request, each=True) as call:
            filing = services.filing_start(institution=institution, kind=request.POST.get("kind", ""), actor=request.user)
        if call.failed:
            return redirect("institutions:detail", pk=pk)
        messages.success(request, f"已创建{filing.get_kind_display()}，请填写备案书并上传材料。")
        return redirect("institutions:filing-edit", pk=filing.pk)


class FilingContextMixin:
    """The filing page's context, shared by the views that re-render it with errors."""

    def filing_context(self, filing: Filing, **extra) -> dict:
        user = self.request.user
        handles = can_handle_filing(user, filing.institution_id)
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
            "may_edit": handles and filing.is_editable,
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
            with service_call(request, form=form) as call:
                services.filing_update(
                    filing=filing, actor=request.user, data=form.filing_data(),
                    classes=classes_from(formset) if formset is not None else None,
                    commitment_accepted=form.cleaned_data["commitment"],
                )
                messages.success(request, "备案书已保存。")
            if call.ok:
                # The class-size limits of 58号文: a warning now, a block at submission.
                for problem in class_size_problems(filing.classes.order_by("position", "id")):  # not the prefetched list
                    messages.warning(request, f"{problem[:-1]}，提交备案前须调整班级设置。")
                return redirect("institutions:filing-detail", pk=filing.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class DocumentUploadView(RoleRequiredMixin, FilingContextMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            with service_call(request, form=form) as call:
                document = services.filing_document_add(
                    filing=filing, actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
                )
                messages.success(request, f"已上传：{document}")
            if call.ok:
                return redirect(reverse("institutions:filing-detail", args=[pk]) + "#materials")
        filing = selectors.filing_detail(user=request.user, pk=pk)
        return render(request, "institutions/filing_detail.html", self.filing_context(filing, upload_form=form),
                      status=400)


class DocumentDeleteView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def get(self, request, pk):
        """The confirmation: the file is gone for good once deleted."""
        document = selectors.document_for_download(user=request.user, pk=pk)
        back = reverse("institutions:filing-detail", args=[document.filing_id]) + "#materials"
        if not document.filing.is_editable:
            messages.error(request, f"该备案当前为“{document.filing.get_status_display()}”，不能删除材料。")
            return redirect(back)
        return confirm_page(
            request, title="删除材料", confirm_label="删除", cancel_url=back, danger=True,
            lines=[f"将删除{document.filing}的材料：{document.get_kind_display()}（{document.original_name}）。",
                   "文件随之从平台删除，不能恢复；如需要，请重新上传。"],
        )

    def post(self, request, pk):
        document = selectors.document_for_download(user=request.user, pk=pk)
        with service_call(request, each=True):
            services.filing_document_remove(document=document, actor=request.user)
            messages.success(request, f"已删除：{document}")
        return redirect(reverse("institutions:filing-detail", args=[document.filing_id]) + "#materials")


class DocumentDownloadView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def get(self, request, pk):
        document = selectors.document_for_download(user=request.user, pk=pk)
        return attachment_response(document.file, filename=document.original_name, content_type=document.content_type)


class FilingSubmitView(RoleRequiredMixin, View):
    allowed_roles = FILES_INSTITUTIONS

    def get(self, request, pk):
        """The confirmation: once submitted, the 备案书 is locked until the coordinator returns it."""
        filing = selectors.filing_detail(user=request.user, pk=pk)
        back = reverse("institutions:filing-detail", args=[pk])
        if not filing.is_editable:
            messages.error(request, f"该备案当前为“{filing.get_status_display()}”，不能提交。")
            return redirect(back)
        return confirm_page(
            request, title="提交备案", confirm_label="提交", cancel_url=back,
            lines=[f"将提交{filing}（第{filing.submission_count + 1}次提交）。",
                   "提交后备案书和材料不能再修改，除非区卫生健康委退回补正。",
                   "区卫生健康委将在5个工作日内审核，督办管理员会收到待审核消息。"],
            warnings=services.filing_submission_problems(filing),
        )

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        with service_call(request, each=True, intro="备案材料不完整，未能提交："):
            services.filing_submit(filing=filing, actor=request.user)
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
            with service_call(request, form=form) as call:
                services.filing_return(filing=filing, actor=request.user, reasons=form.cleaned_data)
                messages.success(request, "已退回机构补正。")
            if call.ok:
                return redirect("institutions:review")
        return self.render_to_response(self.get_context_data(form=form))


class FilingApproveView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES

    def get(self, request, pk):
        """The confirmation: a receipt number is issued and the registry changes."""
        filing = selectors.filing_detail(user=request.user, pk=pk)
        back = reverse("institutions:filing-detail", args=[pk])
        if filing.status != Filing.Status.SUBMITTED:
            messages.error(request, f"该备案当前为“{filing.get_status_display()}”，不能予以备案。")
            return redirect(back)
        if filing.kind == Filing.Kind.CANCEL:
            effect = f"{filing.institution.name}将被注销，不再在公示名录中显示。"
        else:
            effect = f"机构信息（托位数、服务类型、地址、联系电话）将按本次备案书更新，{filing.institution.name}在公示名录中显示为已备案。"
        return confirm_page(
            request, title="予以备案并出具回执", confirm_label="予以备案", cancel_url=back,
            lines=[f"将对{filing}予以备案，并出具编号为“渝中托备〔年份〕顺序号”的备案回执（编号按年度顺序生成，不能收回）。",
                   effect, "机构账号会收到已予以备案的消息。"],
        )

    def post(self, request, pk):
        filing = selectors.filing_detail(user=request.user, pk=pk)
        with service_call(request, each=True) as call:
            filing = services.filing_approve(filing=filing, actor=request.user)
        if call.failed:
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
            with service_call(request, form=form) as call:
                services.filing_reject(filing=filing, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "已书面告知不符合备案要求，并在信息公示中公开。")
            if call.ok:
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
