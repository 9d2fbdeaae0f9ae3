"""/api/v1/: the versioned API and its documentation; /api/clients/ and /api/calls/: the coordinators' pages."""
from django.urls import include, path, register_converter

from .views import docs, pages, reads, write


class IdConverter:
    """An id that fits a bigint (longer digit strings never reach the database)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

v1 = [
    path("plans/", reads.PlanList.as_view(), name="plans"),
    path("items/", reads.ItemList.as_view(), name="items"),
    path("items/<id:pk>/", reads.ItemDetail.as_view(), name="item"),
    path("assignments/", reads.AssignmentList.as_view(), name="assignments"),
    path("assignments/<id:pk>/", reads.AssignmentDetail.as_view(), name="assignment"),
    path("reports/", write.ReportListCreate.as_view(), name="reports"),
    path("reports/<id:pk>/", reads.ReportDetail.as_view(), name="report"),
    path("report-files/<id:pk>/", reads.ReportFileDownload.as_view(), name="report-file-download"),
    path("milestones/", reads.MilestoneList.as_view(), name="milestones"),
    path("notices/", reads.NoticeList.as_view(), name="notices"),
    path("notices/<id:pk>/", reads.NoticeDetail.as_view(), name="notice"),
    path("directory/", reads.DirectoryList.as_view(), name="directory"),
    path("institutions/", reads.InstitutionList.as_view(), name="institutions"),
    path("institutions/<id:pk>/", reads.InstitutionDetail.as_view(), name="institution"),
    path("filings/", reads.FilingList.as_view(), name="filings"),
    path("filings/<id:pk>/", reads.FilingDetail.as_view(), name="filing"),
    path("indicators/", reads.Indicators.as_view(), name="indicators"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", docs.RedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("clients/", pages.ClientListView.as_view(), name="clients"),
    path("clients/new/", pages.ClientCreateView.as_view(), name="client-create"),
    path("clients/<int:pk>/revoke/", pages.ClientRevokeView.as_view(), name="client-revoke"),
    path("calls/", pages.CallLogView.as_view(), name="calls"),
]
