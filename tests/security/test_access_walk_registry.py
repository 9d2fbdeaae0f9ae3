"""The access walk of issue 15's registry pages (普惠 designation, monthly enrolment and its import,
utilisation, quality assessment): every URL × every role, own and other institution, in the format
of test_access_walk.py (whose `test_every_url_has_a_row` counts these rows too). Refused POSTs change
nothing. The public side: the directory shows the confirmed grade only."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from institutions.models import Assessment
from institutions.services import quality
from institutions.standards_path import TEMPLATE

from .test_access_walk import (
    REFUSED,
    _cells,
    _clients,
    _in_rollback,
    _outcome,
    _report,
    db_fingerprint,
    stored_files,
    walk_get,
    world,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db

#                                                        anon coord offi lead view regi oper o_of o_op su
GET = {
    ("institutions:inclusive", "own"):                   "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:inclusive", "other"):                 "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:enrolment", "own"):                   "L    200   403  403  200  200  200  403  404   2F",
    ("institutions:enrolment", "other"):                 "L    200   403  403  200  404  404  403  200   2F",
    ("institutions:enrolment-import", "-"):              "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:utilisation", "-"):                   "L    200   403  403  200  403  403  403  403   2F",
    ("institutions:quality", "own"):                     "L    200   403  403  200  403  200  403  404   2F",
    ("institutions:quality", "other"):                   "L    200   403  403  200  403  404  403  200   2F",
    ("institutions:assessment", "own"):                  "L    200   403  403  200  403  200  403  404   2F",
    ("institutions:assessment", "other"):                "L    200   403  403  200  403  404  403  200   2F",
    ("institutions:assessment-queue", "-"):              "L    200   403  403  403  403  403  403  403   2F",
}
POST = {
    ("institutions:inclusive", "own"):                   "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:inclusive", "other"):                 "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:enrolment", "own"):                   "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:enrolment", "other"):                 "L    R     403  403  403  404  404  403  R     2F",
    ("institutions:enrolment-import", "-"):              "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:quality", "own"):                     "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:quality", "other"):                   "L    R     403  403  403  403  404  403  R     2F",
    ("institutions:assessment", "own"):                  "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:assessment", "other"):                "L    R     403  403  403  403  404  403  R     2F",
}


def _pk(attr):
    return lambda w: ([getattr(w, attr).pk], "")


def _own_other(own: str, other: str):
    return {"own": _pk(own), "other": _pk(other)}


def _none():
    return {"-": lambda w: ([], "")}


TARGETS = {
    "institutions:inclusive": _own_other("institution", "other_institution"),
    "institutions:enrolment": _own_other("institution", "other_institution"),
    "institutions:enrolment-import": _none(),
    "institutions:utilisation": _none(),
    "institutions:quality": _own_other("institution", "other_institution"),
    "institutions:assessment": _own_other("assessment", "other_assessment"),
    "institutions:assessment-queue": _none(),
}


def _url(w, name: str, variant: str) -> str:
    args, query = TARGETS[name][variant](w)
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def _enrolment_csv(w):
    text = f"统一社会信用代码,月份,乳儿班,托小班,托大班,混合班\n{w.institution.credit_code},2026-11,1,2,3,0\n"
    return SimpleUploadedFile("在托人数.csv", text.encode("utf-8-sig"), content_type="text/csv")


def _post_body(w, name: str, variant: str) -> dict:
    bodies = {
        "institutions:inclusive": lambda: {"inclusive_from": "2026-11-01", "places": "1", "price": "1500"},
        "institutions:enrolment": lambda: {"period": "2026-11", "infant": "1", "toddler": "2", "preschool": "3",
                                           "mixed": "0"},
        "institutions:enrolment-import": lambda: {"file": _enrolment_csv(w)},
        "institutions:quality": dict,
        "institutions:assessment": lambda: {"action": "save"},
    }
    return bodies[name]()


@pytest.fixture
def care_world(world):  # noqa: F811  (the fixture imported above)
    quality.quality_standard_load(actor=None, text=TEMPLATE.read_text(encoding="utf-8"))
    world.assessment = quality.assessment_start(institution=world.institution, actor=world.coordinator)
    world.other_assessment = quality.assessment_start(institution=world.other_institution, actor=world.coordinator)
    return world


def test_get_walk_registry(care_world):
    walk_get(care_world, GET, _url, "GET registry")


def test_post_walk_registry(care_world):
    clients = _clients(care_world)
    baseline_rows, baseline_files = db_fingerprint(), stored_files()
    results = []
    for name, variant, role, expected in _cells(POST):
        client = clients[role]
        url = _url(care_world, name, variant)

        def post():
            response = client.post(url, _post_body(care_world, name, variant))
            got = _outcome(response)
            changed = (got in REFUSED or got == "2F") and (
                db_fingerprint() != baseline_rows or stored_files() != baseline_files)
            return got, changed

        got, changed = _in_rollback(client, post)
        results.append((name, variant, role, expected, got + ("+changed" if changed else ""), ""))
        for path in stored_files() - baseline_files:  # the file of an allowed, rolled-back upload
            (Path(settings.MEDIA_ROOT) / path).unlink()
    _report("POST registry", POST, results)
    assert db_fingerprint() == baseline_rows


def test_the_public_directory_shows_the_confirmed_grade_only(care_world):
    """Anonymous readers see a grade once the coordinator confirmed it, never a self-assessment's."""
    assessment = care_world.assessment
    values = {s.item_id: (True if s.item.is_veto else s.item.points)
              for s in assessment.scores.select_related("item")}
    quality.assessment_save(assessment=assessment, actor=care_world.operator, values=values, submit=True)
    anonymous = Client()
    page = anonymous.get(reverse("institutions:directory")).content.decode()
    assert "优秀（示例）" not in page  # submitted, not confirmed
    quality.assessment_confirm(assessment=assessment, actor=care_world.coordinator)
    assert Assessment.objects.get(pk=assessment.pk).grade == "优秀（示例）"
    page = anonymous.get(reverse("institutions:directory")).content.decode()
    assert "优秀（示例）" in page
