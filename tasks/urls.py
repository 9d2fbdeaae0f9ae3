from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.WorkItemListView.as_view(), name="list"),
    path("<int:pk>/", views.WorkItemDetailView.as_view(), name="detail"),
]
