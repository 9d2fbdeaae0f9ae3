from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import two_factor
from .sessions import session_touch

# Pages a signed-in user may reach before the second factor: the steps
# themselves, signing out and static files.
_EXEMPT_NAMES = ("accounts:two-factor-setup", "accounts:two-factor-verify", "accounts:logout")


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: users who must use two factors (every
    superuser and staff account, and the roles of PORTAL_2FA_REQUIRED_ROLES) see
    nothing but the enrolment / verification step until they have — on the
    portal's pages and the admin site's alike."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and not user.is_verified()
            and not request.path.startswith(self.exempt_paths())
            and two_factor.two_factor_required(user)
        ):
            step = "accounts:two-factor-verify" if two_factor.confirmed_device(user) else "accounts:two-factor-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in _EXEMPT_NAMES) + (settings.STATIC_URL,)
        return self._exempt


class SessionActivityMiddleware:
    """Keeps the list of a user's signed-in browsers current (accounts.sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session_touch(request=request)
        return response
