"""History for edits made in the Django admin: the admin is an actor like any
other, so its saves and deletes write ObjectChange rows explicitly."""
from django.contrib import admin

from .models import ObjectChange
from .selectors import changes_for
from .services import change_record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    change_form_template = "admin/audit/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Our history (who, when, before → after) under the form of every object.
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "audit_history": changes_for(obj) if obj else None}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Snapshot the stored row, not the form-modified instance.
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        request._audit_before = snapshot(stored)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        change_record(
            actor=request.user,
            instance=form.instance,
            action=ObjectChange.Action.UPDATE if change else ObjectChange.Action.CREATE,
            before=getattr(request, "_audit_before", {}),
            comment="管理后台",
        )

    def delete_model(self, request, obj):
        change_record(
            actor=request.user, instance=obj, action=ObjectChange.Action.DELETE,
            before=snapshot(obj), comment="管理后台",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            change_record(
                actor=request.user, instance=obj, action=ObjectChange.Action.DELETE,
                before=snapshot(obj), comment="管理后台",
            )
        super().delete_queryset(request, queryset)
