from django.contrib import admin

from .models import ObjectChange


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    list_display = ["time", "actor", "action", "content_type", "object_repr", "comment"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "comment", "actor__username"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "time"

    # History is evidence: nobody edits or deletes it, not even admins.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
