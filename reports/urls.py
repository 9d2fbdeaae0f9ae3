from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("todo/", views.CoordinatorTodoView.as_view(), name="todo"),
    path("district/", views.DistrictOverviewView.as_view(), name="district"),
    path("units/mine/", views.DepartmentDashboardView.as_view(), name="my-department"),
    path("units/<int:pk>/", views.DepartmentDashboardView.as_view(), name="department"),
    path("tasks/<int:pk>/", views.TaskDashboardView.as_view(), name="task"),
    path("excel/", views.ProgressExcelView.as_view(), name="excel"),
    path("exports/", views.ExportJobListView.as_view(), name="exports"),
    path("exports/<int:pk>/", views.ExportJobDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/status/", views.ExportJobStatusView.as_view(), name="export-status"),
    path("exports/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="export-download"),
]
