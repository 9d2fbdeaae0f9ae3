from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("my/", views.MyTasksView.as_view(), name="my-tasks"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("assignments/<int:pk>/", views.AssignmentView.as_view(), name="assignment"),
    path("assignments/<int:pk>/report/<int:year>/<int:month>/", views.ReportCreateView.as_view(), name="report-create"),
    path("assignments/<int:pk>/complete/", views.CompletionClaimView.as_view(), name="completion-claim"),
    path("completions/<int:pk>/decide/", views.CompletionDecideView.as_view(), name="completion-decide"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report-edit"),
    path("reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report-submit"),
    path("reports/<int:pk>/approve/", views.ReportApproveView.as_view(), name="report-approve"),
    path("reports/<int:pk>/return/", views.ReportReturnView.as_view(), name="report-return"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report-correct"),
    path("files/<int:pk>/", views.ReportFileDownloadView.as_view(), name="report-file"),
    path("tasks/<int:pk>/lead/", views.LeadSummaryView.as_view(), name="lead"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice-create"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/reply/", views.NoticeReplyView.as_view(), name="notice-reply"),
    path("notices/<int:pk>/close/", views.NoticeCloseView.as_view(), name="notice-close"),
    path("notice-files/<int:pk>/", views.NoticeFileDownloadView.as_view(), name="notice-file"),
    path("milestones/<int:pk>/confirm/", views.MilestoneConfirmView.as_view(), name="milestone-confirm"),
    path("milestone-files/<int:pk>/", views.MilestoneFileDownloadView.as_view(), name="milestone-file"),
]
