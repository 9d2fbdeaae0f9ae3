"""core.service_calls: where a service's refusal shows (the field, the top of the form, or a message)."""
import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.service_calls import StateConflict, add_service_errors, service_call


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _bound():
    form = NoteForm({"note": "x"})
    assert form.is_valid()
    return form


def _texts(request):
    return [str(m) for m in get_messages(request)]


def test_field_errors_go_beside_their_fields_and_the_rest_on_top():
    form = _bound()
    add_service_errors(form, ValidationError({"note": "太短", "other": "不在表单上"}))
    assert form.errors["note"] == ["太短"]
    assert form.non_field_errors() == ["不在表单上"]


def test_an_error_without_a_field_goes_on_top():
    form = _bound()
    add_service_errors(form, ValidationError(["一", "二"]))
    assert form.non_field_errors() == ["一", "二"]


def test_success_runs_the_block_and_reports_ok():
    request = _request()
    with service_call(request, form=_bound()) as call:
        done = True
    assert done and call.ok and not call.failed and not call.conflict
    assert _texts(request) == []


def test_a_refusal_with_a_form_goes_on_the_form_not_into_messages():
    request, form = _request(), _bound()
    with service_call(request, form=form) as call:
        raise ValidationError({"note": "不对"})
    assert call.failed and not call.conflict
    assert form.errors["note"] == ["不对"] and _texts(request) == []


def test_a_state_conflict_is_a_message_even_with_a_form():
    request, form = _request(), _bound()
    with service_call(request, form=form) as call:
        raise StateConflict("已被他人处理")
    assert call.failed and call.conflict
    assert not form.errors and _texts(request) == ["已被他人处理"]


def test_without_a_form_the_reasons_are_one_message_or_one_each():
    request = _request()
    with service_call(request):
        raise ValidationError(["甲", "乙"])
    assert _texts(request) == ["甲；乙"]
    request = _request()
    with service_call(request, each=True, intro="未能提交："):
        raise ValidationError(["甲", "乙"])
    assert _texts(request) == ["未能提交：", "甲", "乙"]


def test_other_exceptions_pass_through():
    with pytest.raises(KeyError), service_call(_request()):
        raise KeyError("x")
