"""History in words: field labels, 是/否, choice names, related objects by name;
one entry per action listing only what changed (no "（空） → （空）")."""
import pytest
from django.template.loader import render_to_string

from audit.models import ObjectChange
from core import clock
from audit.selectors import changes_for
from audit.services import change_record, diff, snapshot
from institutions import services as institutions
from institutions.models import Filing, Institution
from tests.factories import FilingFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def test_snapshot_uses_labels_yes_no_choice_names_and_names_of_related_objects():
    filing = FilingFactory(institution=InstitutionFactory(name="小星星托育中心"), kind="change", serves_meals=True)
    data = snapshot(filing)
    assert data[_label(Filing, "serves_meals")] == "是"
    assert data[_label(Filing, "kind")] == Filing.Kind.CHANGE.label  # by its name, not "change"
    assert data[_label(Filing, "institution")] == "小星星托育中心"  # by name, not its id
    assert not any(isinstance(v, bool) for v in data.values())
    assert not any(key.isascii() for key in data)  # every key is a Chinese label


def test_an_update_lists_only_what_changed_and_no_empty_to_empty():
    before = {"备注": None, "电话": "", "托位数": 30, "是否普惠": "否", "班级": []}
    after = {"备注": "", "电话": None, "托位数": 40, "是否普惠": "是", "班级": []}
    assert diff(before, after) == {"托位数": [30, 40], "是否普惠": ["否", "是"]}


def test_one_action_writes_one_entry_with_only_its_changes(users):
    institution = InstitutionFactory(name="小星星托育中心")
    institutions.institution_update_flags(institution=institution, actor=users["coordinator"], is_inclusive=False,
                                          is_demonstration=True)
    entries = list(changes_for(institution))
    assert len(entries) == 1
    lines = {line["field"]: line["text"] for line in entries[0].lines}
    # What the action changed (the flag and the date it is recognised from), nothing unchanged listed.
    assert lines == {_label(Institution, "is_demonstration"): "否 → 是",
                     _label(Institution, "demonstration_on"): f"设为 {clock.today():%Y-%m-%d}"}


def test_a_new_object_lists_its_values_without_empty_arrows(users):
    filing = FilingFactory(institution=InstitutionFactory(name="小星星托育中心"), change_summary="")
    change = change_record(actor=users["coordinator"], instance=filing, action=ObjectChange.Action.CREATE)
    texts = [line["text"] for line in change.lines]
    assert texts and not any("→" in t or "（空）" in t for t in texts)
    assert not any(line["field"] == _label(Filing, "change_summary") for line in change.lines)  # empty at creation: not listed


def test_rows_written_before_the_fix_read_in_words_too(users):
    legacy = ObjectChange.objects.create(
        actor=users["coordinator"], action=ObjectChange.Action.UPDATE, content_type_id=1, object_id="1",
        object_repr="旧记录",
        changes={"提供膳食": [False, True], "备注": [None, ""], "变更事项": ["", None], "托位数": [None, 30],
                 "电话": ["023-1", None]},
    )
    assert {line["field"]: line["text"] for line in legacy.lines} == {
        "提供膳食": "否 → 是", "托位数": "设为 30", "电话": "清空（原为 023-1）",
    }
    html = render_to_string("audit/_history.html", {"changes": [legacy]})
    assert "否 → 是" in html and "True" not in html and "False" not in html
    assert "（空） → （空）" not in html and "备注" not in html and "变更事项" not in html
