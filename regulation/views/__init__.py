from .complaints import ComplaintDetailView, ComplaintListView, PublicInstitutionView  # noqa: F401
from .inspections import (  # noqa: F401
    EvidenceDownloadView,
    FindingAnswerView,
    FindingEscalateView,
    FindingVerifyView,
    InspectionCreateView,
    InspectionDetailView,
    InspectionListView,
    InspectionPrintView,
    OverdueView,
    RectificationNoticeView,
)
from .staff import (  # noqa: F401
    BanDecisionView,
    BanListView,
    InstitutionRegulationView,
    MyRegulationView,
    StaffAddView,
    StaffDocumentDownloadView,
    StaffDocumentUploadView,
    StaffEndView,
    StaffExportView,
    StaffListView,
)
