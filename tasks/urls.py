from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.WorkItemListView.as_view(), name="list"),
    path("<int:pk>/", views.WorkItemDetailView.as_view(), name="detail"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan-publish"),
    path("plans/<int:pk>/end/", views.PlanEndView.as_view(), name="plan-end"),
]
