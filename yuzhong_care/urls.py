from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

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
    # Registry and filings; its /directory/ page is public (login_not_required).
    path("", include("institutions.urls")),
    path("dashboards/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # The versioned API (/api/v1/, token-authenticated, docs served locally) and its coordinators' pages.
    path("api/", include("api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", HealthView.as_view(), name="health"),
]
