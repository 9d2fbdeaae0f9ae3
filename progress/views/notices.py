"""Supervision notices (督办单): list, issue, read, reply, close."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from accounts.roles import ACTS_FOR_UNIT, COORDINATES, READS_PROGRESS
from audit.selectors import changes_for
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from tasks.models import Assignment, Plan

from .. import forms, rules, selectors, services
from ..models import SupervisionNotice


class NoticeListView(RoleRequiredMixin, ListView):
    allowed_roles = READS_PROGRESS
    template_name = "progress/notice_list.html"
    context_object_name = "notices"
    paginate_by = 50
    STATES = [("", "全部"), ("open", "待答复"), ("overdue", "逾期未答复"), ("answered", "已答复"), ("closed", "已办结")]

    def get_queryset(self):
        return selectors.notices_for_user(user=self.request.user, state=self.request.GET.get("state", ""))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "states": self.STATES, "state": self.request.GET.get("state", ""), "today": clock.today(),
            "can_issue": rules.can_issue_notice(self.request.user),
        }


class NoticeCreateView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "progress/notice_form.html"

    def setup_objects(self):
        user = self.request.user
        # Notices go to plans in force only (an ended plan is read-only, a draft not live).
        self.assignments = Assignment.objects.for_user(user).filter(
            task__plan__status=Plan.Status.IN_FORCE
        ).select_related("task", "department").order_by(
            "task__plan_id", "task__kind", "task__number", "role", "department__position"
        )
        self.follow_up_of = None
        follow = self.request.GET.get("follow_up") or self.request.POST.get("follow_up")
        if follow:
            if not str(follow).isdigit():
                raise Http404("督办单不存在。")
            self.follow_up_of = selectors.notice_for_user(user=user, pk=int(follow))

    def initial(self):
        if self.follow_up_of is not None:
            return {"assignment": self.follow_up_of.assignment_id}
        value = self.request.GET.get("assignment", "")
        return {"assignment": int(value)} if value.isdigit() else {}

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        form = forms.NoticeForm(initial=self.initial(), assignments=self.assignments)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        form = forms.NoticeForm(request.POST, assignments=self.assignments)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                notice = services.notice_issue(
                    actor=request.user, assignment=data["assignment"], reason=data["reason"],
                    reply_due=data["reply_due"], follow_up_of=self.follow_up_of,
                )
                messages.success(request, f"已签发督办单 {notice.number}。")
            if call.ok:
                return redirect("progress:notice", pk=notice.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "follow_up_of": self.follow_up_of}


class NoticeDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_PROGRESS
    template_name = "progress/notice_detail.html"

    def get_notice(self):
        return selectors.notice_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        notice = kwargs.pop("notice", None) or self.get_notice()
        is_open = notice.state == SupervisionNotice.State.OPEN
        return {
            **super().get_context_data(**kwargs),
            "notice": notice, "history": changes_for(notice), "today": clock.today(),
            "reply_form": kwargs.get("reply_form") or (
                forms.NoticeReplyForm() if is_open and rules.can_answer_notice(user, notice) else None
            ),
            "close_form": forms.NoticeCloseForm()
            if notice.state != SupervisionNotice.State.CLOSED and rules.can_issue_notice(user, notice.assignment.task.plan)
            else None,
        }


class NoticeReplyView(NoticeDetailView):
    allowed_roles = ACTS_FOR_UNIT
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = self.get_notice()
        if not rules.can_answer_notice(request.user, notice):
            raise PermissionDenied("只有被督办单位可以答复本督办单。")
        form = forms.NoticeReplyForm(request.POST, request.FILES)
        if form.is_valid():
            with service_call(request, form=form) as call:
                services.notice_reply(actor=request.user, notice=notice, text=form.cleaned_data["text"],
                                      files=form.cleaned_data["files"])
                messages.success(request, "已答复督办单。")
            if call.ok or call.conflict:
                return redirect("progress:notice", pk=notice.pk)
        return self.render_to_response(self.get_context_data(notice=notice, reply_form=form))


class NoticeCloseView(NoticeDetailView):
    allowed_roles = COORDINATES
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = self.get_notice()
        form = forms.NoticeCloseForm(request.POST)
        form.is_valid()
        with service_call(request):
            services.notice_close(actor=request.user, notice=notice, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, f"督办单 {notice.number} 已办结。")
        return redirect("progress:notice", pk=notice.pk)
