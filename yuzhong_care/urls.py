from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core.views import HealthView

urlpatterns = [
    path("", account_views.home, name="home"),
    # Short names Django's auth machinery expects (LOGIN_URL, LOGOUT_REDIRECT_URL).
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    path("tasks/", include("tasks.urls")),
    path("progress/", include("progress.urls")),
    path("notifications/", include("notifications.urls")),
    path("messenger/", include("messenger.urls")),
    # Registry and filings; its /directory/ page is public (login_not_required).
    path("", include("institutions.urls")),
    path("dashboards/", include("reports.urls")),
    # 监管: inspections, staff and the 终身禁入 list, complaints (its public page needs no login).
    path("regulation/", include("regulation.urls")),
    path("admin/", admin.site.urls),
    # The versioned API (/api/v1/, token-authenticated, docs served locally) and its coordinators' pages.
    path("api/", include("api.urls")),
    path("healthz", HealthView.as_view(), name="health"),
]
