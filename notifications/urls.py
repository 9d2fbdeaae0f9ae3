from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", views.NotificationDetailView.as_view(), name="detail"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="mark-read"),
    path("preferences/", views.EmailPreferenceView.as_view(), name="preferences"),
    path("read-all/", views.MarkAllReadView.as_view(), name="mark-all-read"),
]
