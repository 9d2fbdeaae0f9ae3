from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, RedirectView, TemplateView

from core.views import RoleRequiredMixin

from . import services, two_factor
from .roles import RUNS_INSTITUTION, home_url_name
from .sessions import sessions_active, sessions_end_others


def home(request):
    user = request.user
    return redirect(home_url_name(user))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_changed(actor=self.request.user, user=self.request.user)
        # The new hash already invalidates other sessions; delete them outright too.
        sessions_end_others(user=self.request.user, keep_session_key=self.request.session.session_key)
        return response


class SessionListView(TemplateView):
    """Where am I signed in? End the other sessions."""

    template_name = "accounts/sessions.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "sessions": sessions_active(user=self.request.user),
                "current_key": self.request.session.session_key}

    def post(self, request, *args, **kwargs):
        ended = sessions_end_others(user=request.user, keep_session_key=request.session.session_key)
        messages.success(request, f"已结束其他 {ended} 个登录会话。")
        return redirect("accounts:sessions")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class OperatorHomeView(RoleRequiredMixin, RedirectView):
    """The old address of the operator's home: its institution page now."""

    allowed_roles = RUNS_INSTITUTION
    pattern_name = "institutions:mine"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态口令", max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "请输入动态口令。", "min_length": "动态口令为6位数字。"},
    )


class _TwoFactorStep(FormView):
    form_class = TokenForm

    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.next_url()}


class TwoFactorSetupView(_TwoFactorStep):
    """Enrol an authenticator app: scan the QR code, type the first code."""

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if two_factor.confirmed_device(request.user):
            return redirect("accounts:two-factor-verify")
        return super().dispatch(request, *args, **kwargs)

    def device(self):
        return two_factor.pending_device(self.request.user) or two_factor.totp_enrolment_start(user=self.request.user)

    def get_context_data(self, **kwargs):
        device = self.device()
        return {**super().get_context_data(**kwargs), "qr_svg": two_factor.qr_svg(device),
                "secret": two_factor.base32_secret(device)}

    def form_valid(self, form):
        device = self.device()
        if not two_factor.totp_enrolment_confirm(request=self.request, device=device, token=form.cleaned_data["token"]):
            form.add_error("token", "动态口令不正确或已过期，请输入验证器中当前显示的6位数字。")
            return self.form_invalid(form)
        return redirect(self.next_url())


class TwoFactorVerifyView(_TwoFactorStep):
    """Second step of signing in for users who must use two factors."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not two_factor.confirmed_device(request.user):
            return redirect("accounts:two-factor-setup")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if not two_factor.totp_verify(request=self.request, token=form.cleaned_data["token"]):
            form.add_error("token", "动态口令不正确或已过期，请重试。")
            return self.form_invalid(form)
        return redirect(self.next_url())
