from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from audit.admin_mixins import AuditedModelAdmin

from .models import User


@admin.register(User)
class PortalUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "full_name", "role", "department", "is_active", "last_login"]
    list_filter = ["role", "is_active", "department__kind"]
    search_fields = ["username", "full_name", "email", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = UserAdmin.fieldsets + (("平台角色", {"fields": ("full_name", "role", "department", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("平台角色", {"fields": ("full_name", "role", "department")}),)
