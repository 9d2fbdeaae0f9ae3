from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from tasks.services import assignments_sync_for_group

from .models import Department


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_group:
            # Membership changed through the form: bring assignments in line.
            assignments_sync_for_group(group=form.instance)
