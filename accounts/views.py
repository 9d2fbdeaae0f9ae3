from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from core.views import RoleRequiredMixin

from .roles import Role

# Where each role lands after signing in. Later pages take over entries here.
HOME_BY_ROLE = {
    Role.OPERATOR: "accounts:operator-home",
}
DEFAULT_HOME = "tasks:list"


def home(request):
    user = request.user
    return redirect(HOME_BY_ROLE.get(user.role, DEFAULT_HOME))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    # Django rotates the session hash on change, which ends every other session.
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class OperatorHomeView(RoleRequiredMixin, TemplateView):
    allowed_roles = frozenset({Role.OPERATOR})
    template_name = "accounts/operator_home.html"
