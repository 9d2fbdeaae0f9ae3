"""The inbox: every signed-in user (any role) reads and marks their own
messages; anyone else's message is a 404 (core.scoping)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.service_calls import service_call

from . import selectors, services
from .forms import EmailPreferenceForm
from .rules import SECTIONS, digest_lines


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        # Not redirect(target): a `next` without "/" or "." would be taken for a view name (NoReverseMatch, a 500).
        return HttpResponseRedirect(target)
    return redirect(default)


class InboxView(ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        self.unread_only = self.request.GET.get("unread") == "1"
        return selectors.inbox_for_user(user=self.request.user, unread_only=self.unread_only).only(
            "pk", "recipient_id", "category", "title", "created_at", "read_at"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(unread_only=self.unread_only, **kwargs)


class NotificationDetailView(TemplateView):
    """One message; opening it marks it read. A digest lists all its items."""

    template_name = "notifications/detail.html"
    items_per_page = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        note = selectors.notification_for_user(user=user, pk=kwargs["pk"])
        services.notification_mark_read(user=user, notification=note)
        context = super().get_context_data(notification=note, **kwargs)
        digest = selectors.digest_of(note)
        if digest is not None:
            lines = digest_lines(selectors.digest_items(digest), digest.date)
            page = Paginator(lines, self.items_per_page).get_page(self.request.GET.get("page"))
            titles = dict(SECTIONS)
            for line in page.object_list:
                line["section_title"] = titles[line["section"]]
            context.update(digest=digest, page_obj=page, lines=page.object_list)
        return context


class MarkReadView(View):
    def post(self, request, pk: int):
        note = selectors.notification_for_user(user=request.user, pk=pk)
        services.notification_mark_read(user=request.user, notification=note)
        return _back(request, "notifications:inbox")


class MarkAllReadView(View):
    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, f"已将{count}条消息标记为已读。" if count else "没有未读消息。")
        return _back(request, "notifications:inbox")


class EmailPreferenceView(FormView):
    """邮件通知设置: every signed-in user sets their own (never anyone else's)."""

    template_name = "notifications/preferences.html"
    form_class = EmailPreferenceForm

    def get_initial(self):
        return {"email_preference": self.request.user.email_preference}

    def form_valid(self, form):
        with service_call(self.request, form=form) as call:
            services.email_preference_set(actor=self.request.user, user=self.request.user,
                                          preference=form.cleaned_data["email_preference"])
            messages.success(self.request, "邮件通知设置已保存。")
        if call.ok:
            return redirect("notifications:preferences")
        return self.form_invalid(form)
