"""The back office for accounts. It cannot be turned against its users: no page
shows a session key; privilege (superuser, staff, groups, permissions) is granted
by superusers only, and a privileged account's password is set by itself or a
superuser (accounts.rules); every change of role, unit, privilege or password is
in the history and told to the person affected (accounts.services)."""
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.admin_mixins import AuditedModelAdmin

from . import rules, services
from .models import User, UserSession
from .roles import grants_admin_site
from .sessions import device_label, sessions_end


@admin.register(User)
class PortalUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "full_name", "role", "department", "is_active", "last_login"]
    list_filter = ["role", "is_active", "department__kind"]
    search_fields = ["username", "full_name", "email", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = UserAdmin.fieldsets + (("平台角色", {"fields": ("full_name", "role", "department", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("平台角色", {"fields": ("full_name", "role", "department")}),)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not rules.can_change_privileges(request.user):
            fields += [f for f in rules.PRIVILEGE_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not rules.can_edit_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not rules.can_edit_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        # Server-side, whatever the form held: only a superuser changes privilege.
        if not rules.can_change_privileges(request.user):
            for field in ("is_superuser", "is_staff"):
                if getattr(obj, field) != (getattr(stored, field) if stored else False):
                    raise PermissionDenied("只有超级管理员可以授予或取消管理权限。")
        request._account_before = services.account_state(stored)
        super().save_model(request, obj, form, change)
        if (stored is None or stored.role != obj.role) and rules.can_change_privileges(request.user):
            # After the form's groups are saved, before the history row is written: a new
            # role brings what it needs (coordinators: staff and their group). Only when a
            # superuser changes the role: a coordinator's change never grants privilege.
            save_m2m = form.save_m2m

            def save_m2m_then_role():
                save_m2m()
                services.role_privileges_apply(user=obj)

            form.save_m2m = save_m2m_then_role
        elif stored is not None and stored.role != obj.role and grants_admin_site(obj.role):
            self.message_user(request, "角色已改为督办管理员；管理后台权限须由超级管理员授予。", messages.WARNING)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # and the history row (AuditedModelAdmin)
        if change:
            services.user_account_changed(actor=request.user, user=form.instance, before=request._account_before)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and not rules.can_set_password(request.user, target):
            raise PermissionDenied("只有超级管理员可以重设其他管理人员的密码。")
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and target is not None:
                services.user_password_changed(actor=request.user, user=target)
        return response


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Signed-in browsers: who, which device, where from, when last seen — and an
    action that signs them out. The session key is never shown."""

    list_display = ["user", "device", "ip_address", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "ip_address"]
    fields = ["user", "device", "user_agent", "ip_address", "created_at", "last_seen_at"]
    readonly_fields = fields
    actions = ["end_sessions"]

    @admin.display(description="设备")
    def device(self, obj):
        return device_label(obj.user_agent)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only; ending a session is the action below

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="结束所选会话（强制下线）", permissions=["delete"])
    def end_sessions(self, request, queryset):
        ended = sessions_end(actor=request.user, session_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已结束 {ended} 个登录会话。", messages.SUCCESS)

    def delete_model(self, request, obj):
        sessions_end(actor=request.user, session_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        sessions_end(actor=request.user, session_ids=list(queryset.values_list("pk", flat=True)))
