"""投诉: the public page of an institution (counts, and the complaint form — no account),
and the handling pages (the district; the unit a complaint is assigned to)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import ListView, TemplateView

from accounts.axes import client_ip
from accounts.roles import READS_PROGRESS
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from institutions.models import Institution

from .. import rules, selectors, services
from ..forms import AssignForm, CloseForm, ComplaintForm, ReplyForm


@method_decorator(login_not_required, name="dispatch")
class PublicInstitutionView(TemplateView):
    """信息公示 of one filed institution: inspections this year and complaint counts (never a
    complainant), and the complaint form. No login."""

    template_name = "regulation/public_institution.html"

    def get_institution(self) -> Institution:
        return get_object_or_404(Institution.objects.publicly_listed(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        institution = self.get_institution()
        return super().get_context_data(institution=institution, counts=selectors.public_counts(institution),
                                        form=kwargs.pop("form", None) or ComplaintForm(), **kwargs)

    def post(self, request, pk):
        institution = self.get_institution()
        form = ComplaintForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["website"]:  # the hidden field: only a robot fills it
                messages.success(request, "投诉已收到。")
                return redirect("regulation:public", institution.pk)
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                services.complaint_submit(
                    institution=institution, category=data["category"], text=data["text"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                    client_address=client_ip(request),
                )
                messages.success(request, "投诉已收到，我们将尽快核查处理。")
            if call.ok:
                return redirect("regulation:public", institution.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ComplaintListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_PROGRESS
    template_name = "regulation/complaint_list.html"
    context_object_name = "complaints"
    paginate_by = 30

    def get_queryset(self):
        return selectors.complaints_for(self.request.user)


class ComplaintDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "regulation/complaint_detail.html"
    ACTIONS = {"assign": AssignForm, "reply": ReplyForm, "close": CloseForm}

    def complaint(self):
        return get_object_or_404(selectors.complaints_for(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        complaint = self.complaint()
        user = self.request.user
        forms = {name: kwargs.pop(f"{name}_form", None) or form() for name, form in self.ACTIONS.items()}
        return super().get_context_data(
            complaint=complaint, can_direct=rules.can_direct_complaints(user),
            can_reply=rules.can_reply_complaint(user, complaint),
            **{f"{name}_form": form for name, form in forms.items()}, **kwargs,
        )

    def post(self, request, pk):
        complaint = self.complaint()
        action = request.POST.get("action", "")
        form_class = self.ACTIONS.get(action)
        if form_class is None:
            messages.error(request, "未知的操作。")
            return redirect("regulation:complaint", complaint.pk)
        form = form_class(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                if action == "assign":
                    services.complaint_assign(actor=request.user, complaint=complaint, unit=form.cleaned_data["unit"])
                elif action == "reply":
                    services.complaint_reply(actor=request.user, complaint=complaint, reply=form.cleaned_data["reply"])
                else:
                    services.complaint_close(actor=request.user, complaint=complaint,
                                             outcome=form.cleaned_data["outcome"])
                messages.success(request, "已保存。")
            if call.ok or call.conflict:
                return redirect("regulation:complaint", complaint.pk)
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}))
