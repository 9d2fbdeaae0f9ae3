"""The registry: institutions (list, detail, an operator's own), 普惠性/示范性 flags, operator accounts."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import COORDINATES, READS_INSTITUTIONS, READS_REGISTRY, RUNS_INSTITUTION
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import selectors, services
from ..forms import FlagsForm, InstitutionFilterForm, OperatorLinkForm
from ..forms_care import InclusiveForm
from .care import enrolment_due
from ..rules import can_handle_filing, can_review_filings


class InstitutionListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_REGISTRY
    template_name = "institutions/institution_list.html"
    context_object_name = "institutions"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = InstitutionFilterForm(self.request.GET or None)
        queryset = selectors.institutions_for_user(self.request.user)
        return selectors.institutions_search(queryset, **self.filter_form.filters()).annotate(
            quality_grade=selectors.confirmed_grade()).order_by("street__position", "name", "pk")

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
            confirmed_assessment=selectors.latest_confirmed_assessment(institution),
            enrolment_due=enrolment_due(institution),
            inclusive_form=InclusiveForm(initial={
                "inclusive_from": institution.inclusive_from, "places": institution.inclusive_places,
                "price": institution.inclusive_price}),
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


class _InstitutionFormView(RoleRequiredMixin, View):
    """A form posted from the institution page: back to it when done, else the page again showing the form's errors."""

    form_class = None
    context_name = ""

    def post(self, request, pk):
        institution = selectors.institution_detail(user=request.user, pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                self.act(institution, form.cleaned_data)
            if call.ok:
                return redirect("institutions:detail", pk=pk)
        view = InstitutionDetailView(request=request, kwargs={"pk": pk})
        return render(request, view.template_name, view.get_context_data(**{self.context_name: form}))


class InstitutionFlagsView(_InstitutionFormView):
    allowed_roles = COORDINATES
    form_class = FlagsForm
    context_name = "flags_form"

    def act(self, institution, data):
        services.institution_update_flags(institution=institution, actor=self.request.user, **data)
        messages.success(self.request, "已更新普惠性/示范性认定。")


class OperatorLinkView(_InstitutionFormView):
    allowed_roles = COORDINATES
    form_class = OperatorLinkForm
    context_name = "link_form"

    def act(self, institution, data):
        services.operator_link(user=data["user"], institution=institution, actor=self.request.user)
        messages.success(self.request, f"已为账号 {data['user'].username} 绑定本机构。")
