"""工作消息: coordinators add a unit's DingTalk / WeCom group robot, deactivate
one, and read the record of deliveries. The address and secret entered are
never shown again (write-only fields)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import COORDINATES
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from notifications.models import Notification

from . import selectors, services
from .forms import ChannelForm
from .models import MessengerChannel, MessengerDelivery


class ChannelListView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "messenger/channels.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ChannelForm())
        return super().get_context_data(channels=selectors.channels_for_user(user=self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        form = ChannelForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                channel = services.messenger_channel_create(
                    actor=request.user, unit=data["unit"], kind=data["kind"], name=data["name"],
                    webhook_url=data["webhook_url"], secret=data["secret"],
                )
                messages.success(request, f"已添加 {channel.unit.name} 的{channel.get_kind_display()}。")
            if call.ok:
                return redirect("messenger:channels")
        return self.render_to_response(self.get_context_data(form=form))


class ChannelDeactivateView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES
    http_method_names = ["post"]

    def post(self, request, pk: int):
        channel = get_object_or_404(MessengerChannel.objects.for_user(request.user), pk=pk)
        with service_call(request):
            services.messenger_channel_deactivate(actor=request.user, channel=channel)
            messages.success(request, f"已停用 {channel}，此后不再向该群发送消息。")
        return redirect("messenger:channels")


class ChannelTestView(RoleRequiredMixin, View):
    allowed_roles = COORDINATES
    http_method_names = ["post"]

    def post(self, request, pk: int):
        channel = get_object_or_404(MessengerChannel.objects.for_user(request.user), pk=pk)
        with service_call(request) as call:
            services.messenger_channel_test(actor=request.user, channel=channel)
            messages.success(request, f"已向 {channel} 发送测试消息，结果见下方发送记录。")
        if call.ok:
            return redirect(f"{reverse('messenger:deliveries')}?channel={channel.pk}")
        return redirect("messenger:channels")


class DeliveryListView(RoleRequiredMixin, ListView):
    allowed_roles = COORDINATES
    template_name = "messenger/deliveries.html"
    context_object_name = "deliveries"
    paginate_by = 50

    def get_queryset(self):
        try:
            self.channel_id = int(self.request.GET.get("channel") or 0)
        except ValueError:
            self.channel_id = 0
        self.status = self.request.GET.get("status") or ""
        return selectors.deliveries_for_user(user=self.request.user, channel_id=self.channel_id, status=self.status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            channels=selectors.channels_for_user(user=self.request.user), channel_id=self.channel_id,
            status=self.status, statuses=MessengerDelivery.Status.choices, **kwargs,
        )
        # A message's title and body stay its recipients' (the inbox is private, even to coordinators):
        # the record shows what kind of message it was, and how its delivery went.
        labels = {**dict(Notification.Category.choices), "test": "测试消息"}
        for delivery in context["deliveries"]:
            delivery.kind_label = labels.get(delivery.category, delivery.category or "通知")
        return context
