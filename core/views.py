"""View building blocks: every page states which roles may open it, and every
object lookup goes through the scoping mechanism (core.scoping)."""
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.roles import has_role


class RoleRequiredMixin:
    """A page for some roles only: any other signed-in user gets 403. The
    navigation reads `allowed_roles` too (core.navigation), so it is said once."""

    allowed_roles: frozenset = frozenset()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not has_role(user, self.allowed_roles):
            raise PermissionDenied("您的角色无权访问此页面。")
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin:
    """List and detail views read `model.objects.for_user(user)`: outside scope is 404."""

    def get_queryset(self):
        return self.base_queryset().for_user(self.request.user)

    def base_queryset(self):
        return self.model.objects.all()


@method_decorator(login_not_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class HealthView(TemplateView):
    template_name = "core/health.txt"
    content_type = "text/plain"
