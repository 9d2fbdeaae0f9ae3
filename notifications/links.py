"""Links from a reminder to the page where the item is handled.

The pages belong to other apps. A link is a list of options, each a URL name
with the object id it takes (or None), the first that resolves wins; each URL
name is resolved once per `Links` instance, so a 100,000-item run does not
call `reverse` 100,000 times. E-mails use absolute links (settings.PORTAL_BASE_URL)."""
from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

_MARK = 987654321987


class Links:
    def __init__(self):
        self._cache: dict[tuple[str, bool], str | None] = {}

    def _template(self, name: str, takes_id: bool) -> str | None:
        key = (name, takes_id)
        if key not in self._cache:
            try:
                if takes_id:
                    self._cache[key] = reverse(name, args=[_MARK]).replace(str(_MARK), "{}")
                else:
                    self._cache[key] = reverse(name)
            except NoReverseMatch:
                self._cache[key] = None
        return self._cache[key]

    def first(self, *options: tuple[str, int | None]) -> str:
        for name, pk in options:
            template = self._template(name, pk is not None)
            if template is not None:
                return template.format(pk) if pk is not None else template
        return ""

    # The items reminders point at.
    def report(self, *, assignment_id: int, task_id: int) -> str:
        return self.first(("progress:assignment", assignment_id), ("tasks:detail", task_id))

    def milestone(self, *, task_id: int | None) -> str:
        if task_id is None:
            return self.first(("reports:district", None), ("tasks:list", None))
        return self.first(("tasks:detail", task_id))

    def notice(self, *, notice_id: int, task_id: int) -> str:
        return self.first(("progress:notice", notice_id), ("tasks:detail", task_id))

    def filing(self, *, filing_id: int) -> str:
        return self.first(
            ("institutions:filing-detail", filing_id), ("institutions:review", None),
            ("admin:institutions_filing_change", filing_id),
        )

    def enrolment(self, *, institution_id: int) -> str:
        return self.first(("institutions:enrolment", institution_id), ("institutions:detail", institution_id))


def absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_BASE_URL + (path if path.startswith("/") else "/" + path)
