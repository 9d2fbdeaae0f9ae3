"""<select> written in Python gives the markup Django's templates give, escaped."""
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.forms_renderer import PortalFormRenderer


class Filters(forms.Form):
    unit = forms.ChoiceField(required=False, choices=[
        ("", "全部"), ("1", '<script>alert("x")</script>'), ("街道", [("7", "解放碑街道 & 七星岗"), ("8", "大溪沟街道")]),
    ])
    units = forms.MultipleChoiceField(required=False, choices=[(1, "区教委"), (2, "区民政局")])
    kind = forms.ChoiceField(required=False, choices=[("a", "甲")], widget=forms.Select(attrs={"class": "wide", "disabled": True}))


def _markup(form, name) -> str:
    return re.sub(r">\s+<", "><", str(form[name]).strip())


@pytest.mark.parametrize("data", [{}, {"unit": "7", "units": ["1", "2"], "kind": "a"}, {"unit": "<bad>"}])
@pytest.mark.parametrize("name", ["unit", "units", "kind"])
def test_the_markup_is_djangos(data, name):
    ours = _markup(Filters(data or None, renderer=PortalFormRenderer()), name)
    assert ours == _markup(Filters(data or None, renderer=DjangoTemplates()), name)


def test_labels_are_escaped_and_the_choice_is_selected():
    html = _markup(Filters({"unit": "7"}, renderer=PortalFormRenderer()), "unit")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<optgroup label="街道"><option value="7" selected>解放碑街道 &amp; 七星岗</option>' in html


def test_the_portal_uses_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)
