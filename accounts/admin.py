from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from audit.admin_mixins import AuditedModelAdmin

from .models import User, UserSession


@admin.register(User)
class PortalUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "full_name", "role", "department", "is_active", "last_login"]
    list_filter = ["role", "is_active", "department__kind"]
    search_fields = ["username", "full_name", "email", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = UserAdmin.fieldsets + (("平台角色", {"fields": ("full_name", "role", "department", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("平台角色", {"fields": ("full_name", "role", "department")}),)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip_address", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip_address"]
    readonly_fields = ["user", "session_key", "ip_address", "user_agent", "created_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False
