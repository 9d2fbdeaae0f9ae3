from django.urls import path

from . import views

app_name = "regulation"

urlpatterns = [
    # 监督检查
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("inspections/<int:pk>/record/", views.InspectionPrintView.as_view(), name="inspection-print"),
    path("inspections/<int:pk>/notice/", views.RectificationNoticeView.as_view(), name="rectification-notice"),
    path("findings/<int:pk>/answer/", views.FindingAnswerView.as_view(), name="finding-answer"),
    path("findings/<int:pk>/verify/", views.FindingVerifyView.as_view(), name="finding-verify"),
    path("findings/<int:pk>/escalate/", views.FindingEscalateView.as_view(), name="finding-escalate"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("rectifications/overdue/", views.OverdueView.as_view(), name="overdue"),
    # an institution: its light, its staff
    path("institutions/<int:pk>/", views.InstitutionRegulationView.as_view(), name="institution"),
    path("mine/", views.MyRegulationView.as_view(), name="mine"),
    path("institutions/<int:pk>/staff/", views.StaffListView.as_view(), name="staff"),
    path("institutions/<int:pk>/staff/add/", views.StaffAddView.as_view(), name="staff-add"),
    path("institutions/<int:pk>/staff/export/", views.StaffExportView.as_view(), name="staff-export"),
    path("staff/<int:pk>/documents/", views.StaffDocumentUploadView.as_view(), name="staff-document-upload"),
    path("staff-documents/<int:pk>/", views.StaffDocumentDownloadView.as_view(), name="staff-document"),
    path("staff/<int:pk>/end/", views.StaffEndView.as_view(), name="staff-end"),
    # 终身禁入
    path("bans/", views.BanListView.as_view(), name="bans"),
    path("bans/<int:pk>/decision/", views.BanDecisionView.as_view(), name="ban-decision"),
    # 投诉
    path("complaints/", views.ComplaintListView.as_view(), name="complaints"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint"),
    # public: no login (the view is marked login_not_required)
    path("public/institutions/<int:pk>/", views.PublicInstitutionView.as_view(), name="public"),
]
