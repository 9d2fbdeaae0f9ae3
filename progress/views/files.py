"""Downloads of uploaded evidence, each through its owner's scope."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import View

from accounts.roles import READS_PROGRESS, READS_TASKS
from core.uploads import attachment_response
from core.views import RoleRequiredMixin

from ..models import MilestoneFile, NoticeFile, ReportFile


class _Download(RoleRequiredMixin, View):
    allowed_roles = READS_TASKS
    model = None

    def get(self, request, pk):
        stored = get_object_or_404(self.model.objects.for_user(request.user), pk=pk)
        return attachment_response(stored.file, filename=stored.original_name, content_type=stored.content_type)


class ReportFileDownloadView(_Download):
    model = ReportFile


class NoticeFileDownloadView(_Download):
    allowed_roles = READS_PROGRESS
    model = NoticeFile


class MilestoneFileDownloadView(_Download):
    model = MilestoneFile
