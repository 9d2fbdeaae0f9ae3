"""The coordinators' pages: register a client (its token shown once), revoke it (after a confirmation), and read
the log of every call."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView

from accounts.roles import COORDINATES
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import services
from ..forms import CallFilterForm, ClientForm
from ..models import ApiCall, ApiClient


class ClientListView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "api/client_list.html"

    def get_context_data(self, **kwargs):
        clients = (ApiClient.objects.for_user(self.request.user)
                   .select_related("owner_unit", "user", "user__department", "created_by"))
        now = clock.now()
        rows = [{"client": c, "status": c.status_at(now)} for c in clients]
        return {**super().get_context_data(**kwargs), "rows": rows}


class ClientCreateView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "api/client_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ClientForm()))

    def post(self, request, *args, **kwargs):
        form = ClientForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                registered = services.api_client_register(
                    actor=request.user, name=data["name"], owner_unit=data["owner_unit"], user=data["user"],
                    scopes=data["scopes"], expires_on=data["expires_on"],
                )
            if call.ok:
                # The token is in this one response only: never stored, never shown again.
                response = self.response_class(
                    request=request, template="api/client_token.html",
                    context=self.get_context_data(client=registered.client, token=registered.token),
                )
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form))


class ClientRevokeView(RoleRequiredMixin, TemplateView):
    """GET asks for confirmation (revocation cannot be undone); POST revokes at once."""

    allowed_roles = COORDINATES
    template_name = "api/client_revoke.html"

    def client(self):
        return get_object_or_404(ApiClient.objects.for_user(self.request.user).select_related("user"),
                                 pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(client=self.client()))

    def post(self, request, *args, **kwargs):
        client = self.client()
        with service_call(request):  # a refusal (already revoked) becomes an error message
            services.api_client_revoke(actor=request.user, client=client)
            messages.success(request, f"已吊销“{client.name}”的令牌，该令牌立即失效。")
        return redirect("api:clients")


class CallLogView(RoleRequiredMixin, ListView):
    allowed_roles = COORDINATES
    template_name = "api/call_log.html"
    context_object_name = "calls"
    paginate_by = 100

    def get_queryset(self):
        self.filter_form = CallFilterForm(self.request.GET or None)
        self.filter_form.fields["client"].queryset = ApiClient.objects.for_user(self.request.user)
        calls = ApiCall.objects.for_user(self.request.user).select_related("client")
        return self.filter_form.apply(calls).order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.filter_form, query=query.urlencode(), **kwargs)
