from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    # registry
    path("institutions/", views.InstitutionListView.as_view(), name="list"),
    path("institutions/mine/", views.MyInstitutionView.as_view(), name="mine"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="detail"),
    path("institutions/<int:pk>/flags/", views.InstitutionFlagsView.as_view(), name="flags"),
    path("institutions/<int:pk>/operators/", views.OperatorLinkView.as_view(), name="link-operator"),
    path("institutions/<int:pk>/filings/new/", views.FilingStartView.as_view(), name="filing-start"),
    path("institutions/roster/import/", views.RosterImportView.as_view(), name="roster-import"),
    path("institutions/roster/export/", views.RosterExportView.as_view(), name="roster-export"),
    # registrations pushed by the authorities
    path("registrations/", views.RegistrationListView.as_view(), name="registrations"),
    path("registrations/new/", views.RegistrationCreateView.as_view(), name="registration-create"),
    # filings
    path("filings/review/", views.ReviewQueueView.as_view(), name="review"),
    path("filings/<int:pk>/", views.FilingDetailView.as_view(), name="filing-detail"),
    path("filings/<int:pk>/edit/", views.FilingEditView.as_view(), name="filing-edit"),
    path("filings/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document-upload"),
    path("filings/<int:pk>/submit/", views.FilingSubmitView.as_view(), name="filing-submit"),
    path("filings/<int:pk>/return/", views.FilingReturnView.as_view(), name="filing-return"),
    path("filings/<int:pk>/approve/", views.FilingApproveView.as_view(), name="filing-approve"),
    path("filings/<int:pk>/reject/", views.FilingRejectView.as_view(), name="filing-reject"),
    path("filings/<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document-download"),
    path("documents/<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document-delete"),
    # 普惠, enrolment, utilisation, quality assessment (issue 15)
    path("institutions/<int:pk>/inclusive/", views.InclusiveView.as_view(), name="inclusive"),
    path("institutions/<int:pk>/enrolment/", views.EnrolmentView.as_view(), name="enrolment"),
    path("institutions/enrolment/import/", views.EnrolmentImportView.as_view(), name="enrolment-import"),
    path("institutions/utilisation/", views.UtilisationView.as_view(), name="utilisation"),
    path("institutions/<int:pk>/quality/", views.InstitutionQualityView.as_view(), name="quality"),
    path("assessments/<int:pk>/", views.AssessmentView.as_view(), name="assessment"),
    path("assessments/review/", views.AssessmentQueueView.as_view(), name="assessment-queue"),
    # public: no login (the view is marked login_not_required)
    path("directory/", views.DirectoryView.as_view(), name="directory"),
]
