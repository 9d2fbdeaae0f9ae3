"""Pages of the registry, one module per job. Thin: each view states its roles, reads through a selector (outside
scope is 404) and writes through a service (core.service_calls). urls.py imports the public names from here."""
from .care import EnrolmentImportView, EnrolmentView, InclusiveView, UtilisationView
from .directory import DirectoryView
from .filings import (
    DocumentDeleteView,
    DocumentDownloadView,
    DocumentUploadView,
    FilingApproveView,
    FilingDetailView,
    FilingEditView,
    FilingRejectView,
    FilingReturnView,
    FilingStartView,
    FilingSubmitView,
    ReceiptView,
    ReviewQueueView,
)
from .quality import AssessmentQueueView, AssessmentView, InstitutionQualityView
from .registry import (
    InstitutionDetailView,
    InstitutionFlagsView,
    InstitutionListView,
    MyInstitutionView,
    OperatorLinkView,
)
from .roster import RegistrationCreateView, RegistrationListView, RosterExportView, RosterImportView

__all__ = [
    "DirectoryView", "DocumentDeleteView", "DocumentDownloadView", "DocumentUploadView", "FilingApproveView",
    "FilingDetailView", "FilingEditView", "FilingRejectView", "FilingReturnView", "FilingStartView", "FilingSubmitView",
    "InstitutionDetailView", "InstitutionFlagsView", "InstitutionListView", "MyInstitutionView", "OperatorLinkView",
    "ReceiptView", "RegistrationCreateView", "RegistrationListView", "ReviewQueueView", "RosterExportView",
    "RosterImportView",
    # issue 15
    "AssessmentQueueView", "AssessmentView", "EnrolmentImportView", "EnrolmentView", "InclusiveView",
    "InstitutionQualityView", "UtilisationView",
]
