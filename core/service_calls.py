"""Running a service from a view: the one place where a service's refusal becomes what the user reads.

A service refuses with a ValidationError. Shown beside a form, its errors go to the fields they name
(errors tied to fields), the rest above the form; without a form, or when the refusal is a StateConflict
(the object changed under the user, so the form's input is not what is wrong), it becomes an error message.

    with service_call(request, form=form) as call:
        services.notice_reply(actor=request.user, notice=notice, text=...)
        messages.success(request, "已答复督办单。")
    if call.conflict:
        return redirect(...)
    if call.ok:
        return redirect(...)
    return self.render_to_response(...)   # the form now carries the service's errors
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm


class StateConflict(ValidationError):
    """The object changed under the user (another reviewer was faster)."""


def add_service_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's errors beside the fields they name (others on top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class service_call:  # noqa: N801 - used as a context manager, read like a `with` clause
    """Catch a service's ValidationError in the `with` block and show it; `ok`, `failed`, `conflict` say
    what happened. Messages are one joined line ("；"), or one per reason with `each=True` (after `intro`)."""

    def __init__(self, request, *, form: BaseForm | None = None, each: bool = False, intro: str = ""):
        self.request, self.form, self.each, self.intro = request, form, each, intro
        self.failed = self.conflict = False

    @property
    def ok(self) -> bool:
        return not self.failed

    def __enter__(self) -> service_call:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or not isinstance(exc, ValidationError):
            return False
        self.failed, self.conflict = True, isinstance(exc, StateConflict)
        if self.form is not None and not self.conflict:
            add_service_errors(self.form, exc)
        else:
            self.message(exc)
        return True

    def message(self, exc: ValidationError) -> None:
        if self.intro:
            messages.error(self.request, self.intro)
        if self.each:
            for text in exc.messages:
                messages.error(self.request, text)
        else:
            messages.error(self.request, "；".join(exc.messages))
