from django.contrib.auth import views as auth_views
from django.urls import path

from . import lockouts, views

app_name = "accounts"

urlpatterns = [
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("institution/", views.OperatorHomeView.as_view(), name="operator-home"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("lockouts/", lockouts.LockoutListView.as_view(), name="lockouts"),
    path("two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
]
