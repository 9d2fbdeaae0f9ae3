from django.contrib import admin
from django.utils.html import format_html_join

from .models import ObjectChange


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    list_display = ["time", "actor", "action", "content_type", "object_repr", "comment"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "comment", "actor__username"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "time"
    fields = ["time", "actor", "action", "content_type", "object_id", "object_repr", "changes_in_words", "comment"]
    readonly_fields = fields

    @admin.display(description="变更内容")
    def changes_in_words(self, obj):
        return format_html_join("", "<div><strong>{}</strong>：{}</div>",
                                ((line["field"], line["text"]) for line in obj.lines)) or "—"

    # History is evidence: nobody edits or deletes it, not even admins.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
