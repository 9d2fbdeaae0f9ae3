"""Pages of the progress domain, one module per job. Thin: each states its roles, reads through a scoped selector
(outside scope → 404), checks input with a form and calls one service through core.service_calls. Business rules
live in services / rules.py, reads in selectors.py. urls.py and tasks.views import the public names from here."""
from .assignment import AssignmentView, CompletionClaimView, CompletionDecideView
from .files import MilestoneFileDownloadView, NoticeFileDownloadView, ReportFileDownloadView
from .milestones import MilestoneConfirmView
from .notices import NoticeCloseView, NoticeCreateView, NoticeDetailView, NoticeListView, NoticeReplyView
from .queues import MyTasksView, ReviewQueueView
from .reports import ReportCreateView, ReportUpdateView
from .review import ReportApproveView, ReportCorrectView, ReportDetailView, ReportReturnView, ReportSubmitView
from .summaries import LeadSummaryView

__all__ = [
    "AssignmentView", "CompletionClaimView", "CompletionDecideView", "LeadSummaryView", "MilestoneConfirmView",
    "MilestoneFileDownloadView", "MyTasksView", "NoticeCloseView", "NoticeCreateView", "NoticeDetailView",
    "NoticeFileDownloadView", "NoticeListView", "NoticeReplyView", "ReportApproveView", "ReportCorrectView",
    "ReportCreateView", "ReportDetailView", "ReportFileDownloadView", "ReportReturnView", "ReportSubmitView",
    "ReportUpdateView", "ReviewQueueView",
]
