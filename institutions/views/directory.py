"""信息公示: the public directory of filed institutions. No login."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import ListView

from regulation.selectors import complaint_counts

from .. import selectors
from ..forms import DirectoryFilterForm
from ..models import Institution


@method_decorator(login_not_required, name="dispatch")
class DirectoryView(ListView):
    """信息公示: filed institutions, public facts only. No login."""

    template_name = "institutions/directory.html"
    context_object_name = "entries"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form = DirectoryFilterForm(self.request.GET or None)
        return selectors.directory_entries(**self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter_form=self.filter_form, query=self.request.GET.urlencode(),
            notices=selectors.public_noncompliance_notices(), total=Institution.objects.publicly_listed().count(),
            **kwargs,
        )
        # Complaints received / closed of the page's institutions (one query; never who complained).
        entries = list(context["entries"])
        counts = complaint_counts(e.pk for e in entries)
        for entry in entries:
            entry.complaints_received, entry.complaints_closed = counts.get(entry.pk, (0, 0))
        context["entries"] = entries
        return context
