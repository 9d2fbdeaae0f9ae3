"""The access walk of regulation's pages: every URL of the `regulation` namespace × every
kind of user, own object and another's, against the table below (same cell words as
tests/security/test_access_walk.py: 200, L = to the login page, R = another redirect, 403,
404, 405). A new regulation URL without a row fails `test_every_regulation_url_has_a_row`.

Columns:
  anon  nobody signed in
  coord coordinator 督办管理员
  view  viewer 区领导/督查室
  offi  officer of 区人力社保局 — a unit with no part in inspections (wrong role for them);
        the complaint "own" is assigned to this unit
  insp  officer of 区疾控中心 — the inspecting unit of the "own" inspection
  o_in  officer of 区妇幼保健院 — another inspecting unit (the "other" inspection's)
  oper  operator of 小星星托育中心 — the "own" institution
  o_op  operator of 别家托育园 — another institution
  regi  registrar 登记机关 (区市场监管局)

POST rows are walked inside a rolled-back transaction each; a refused POST (L/403/404/405)
must change no row of regulation's tables.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from tests.conftest import on_day
from tests.factories import PDF_BYTES, InstitutionFactory, UserFactory

DAY = dt.date(2026, 12, 2)
# Walks the whole regulation namespace itself (test_access_walk.EXCLUDED_NAMESPACES).
NAMESPACE = "regulation"
ROLES = ("anon", "coord", "view", "offi", "insp", "o_in", "oper", "o_op", "regi")

GET = {
    ("inspections", "-"):            "L 200 200 403 200 200 200 200 403",
    ("inspection-create", "-"):      "L 200 403 403 200 200 403 403 403",
    ("inspection", "own"):           "L 200 200 403 200 404 200 404 403",
    ("inspection", "other"):         "L 200 200 403 404 200 404 200 403",
    ("inspection-print", "own"):     "L 200 200 403 200 404 200 404 403",
    ("rectification-notice", "own"): "L 200 200 403 200 404 200 404 403",
    ("finding-answer", "own"):       "L 403 403 403 403 403 405 405 403",
    ("finding-verify", "own"):       "L 405 403 405 405 405 403 403 403",
    ("finding-escalate", "own"):     "L 200 403 403 403 403 403 403 403",
    ("evidence", "own"):             "L 200 200 403 200 404 200 404 403",
    ("overdue", "-"):                "L 200 200 403 403 403 403 403 403",
    ("institution", "own"):          "L 200 200 403 403 403 200 404 403",
    ("institution", "other"):        "L 200 200 403 403 403 404 200 403",
    ("mine", "-"):                   "L 403 403 403 403 403 R R 403",
    ("staff", "own"):                "L 200 200 403 403 403 200 404 403",
    ("staff-add", "own"):            "L 405 403 403 403 403 405 405 403",
    ("staff-export", "own"):         "L 200 200 403 403 403 200 404 403",
    ("staff-end", "own"):            "L 405 403 403 403 403 405 405 403",
    ("staff-document-upload", "own"): "L 405 403 403 403 403 405 405 403",
    ("staff-document", "own"):       "L 200 200 403 403 403 200 404 403",
    ("bans", "-"):                   "L 200 403 403 403 403 403 403 403",
    ("ban-decision", "own"):         "L 200 403 403 403 403 403 403 403",
    ("complaints", "-"):             "L 200 200 200 200 200 403 403 403",
    ("complaint", "own"):            "L 200 200 200 404 404 403 403 403",
    ("complaint", "other"):          "L 200 200 404 404 404 403 403 403",
    ("public", "own"):               "200 200 200 200 200 200 200 200 200",
}
# 302 here is the service's success (or its refusal shown as a message and a redirect back).
POST = {
    ("inspection-create", "-"):      "L 302 403 403 302 302 403 403 403",
    ("finding-answer", "own"):       "L 403 403 403 403 403 302 404 403",
    ("finding-verify", "own"):       "L 302 403 404 302 404 403 403 403",
    ("finding-escalate", "own"):     "L 302 403 403 403 403 403 403 403",
    ("staff-add", "own"):            "L 302 403 403 403 403 302 404 403",
    ("staff-end", "own"):            "L 302 403 403 403 403 302 404 403",
    ("staff-document-upload", "own"): "L 302 403 403 403 403 302 404 403",
    ("bans", "-"):                   "L 302 403 403 403 403 403 403 403",
    ("complaint", "own"):            "L 302 403 302 404 404 403 403 403",
    ("public", "own"):               "302 302 302 302 302 302 302 302 302",
}
REFUSED = {"L", "403", "404", "405"}


def regulation_url_names() -> set[str]:
    resolver = dict(get_resolver().namespace_dict)["regulation"][1]
    return {p.name for p in resolver.url_patterns if isinstance(p, URLPattern)}


def test_every_regulation_url_has_a_row():
    assert {name for name, _ in GET} == regulation_url_names()


@pytest.fixture
def world(users):
    from regulation import services
    from regulation.personid import make
    from regulation.units import inspection_units_ensure
    from agencies.models import Department

    with on_day(DAY):
        health, cdc, _ = inspection_units_ensure()
        inst = InstitutionFactory(name="小星星托育中心", status="filed", filed_on=dt.date(2026, 2, 1))
        other = InstitutionFactory(name="别家托育园", status="filed", filed_on=dt.date(2026, 2, 1))
        oper = users["operator"]
        oper.institution = inst
        oper.save(update_fields=["institution"])
        u = {
            "coord": users["coordinator"], "view": users["viewer"], "offi": users["officer"],
            "insp": UserFactory(role="officer", department=cdc), "o_in": UserFactory(role="officer", department=health),
            "oper": oper, "o_op": UserFactory(role="operator", department=None, institution=other),
            "regi": users["registrar"],
        }
        own = services.inspection_record(actor=u["insp"], institution=inst, inspected_on=dt.date(2026, 11, 20),
                                         kind="safety", inspectors="甲", findings=[("灭火器过期", dt.date(2026, 11, 30))])
        finding = own.findings.get()
        services.finding_answer(actor=oper, finding=finding, text="已更换",
                                files=[SimpleUploadedFile("照片.pdf", PDF_BYTES, "application/pdf")])
        services.finding_reopen(actor=u["insp"], finding=finding, reason="未见新灭火器")
        theirs = services.inspection_record(actor=u["o_in"], institution=other, inspected_on=DAY, kind="health",
                                            inspectors="乙", findings=[("晨检", dt.date(2026, 12, 20))])
        staff = services.staff_add(actor=oper, institution=inst, name="张丽", post="caregiver",
                                   id_number=make("50010319900101121"), started_on=dt.date(2026, 1, 1),
                                   health_expires=dt.date(2027, 1, 1))
        document = services.staff_document_add(actor=oper, staff=staff, kind="health",
                                               upload=SimpleUploadedFile("健康证.pdf", PDF_BYTES, "application/pdf"))
        ban = services.person_ban_add(actor=u["coord"], id_number=make("50010319850505123"), name="钱某", reason="虐童",
                                      decision_number="1号", decided_on=DAY,
                                      decision_file=SimpleUploadedFile("决定书.pdf", PDF_BYTES, "application/pdf"))
        c_own = services.complaint_submit(institution=inst, category="service", text="甲", client_address="1.1.1.1")
        c_other = services.complaint_submit(institution=inst, category="service", text="乙", client_address="1.1.1.2")
        services.complaint_assign(actor=u["coord"], complaint=c_own, unit=u["offi"].department)
        services.complaint_assign(actor=u["coord"], complaint=c_other, unit=Department.objects.get(name="区教委"))
    ids = {
        "inspection": {"own": own.pk, "other": theirs.pk}, "inspection-print": {"own": own.pk},
        "rectification-notice": {"own": own.pk}, "finding-answer": {"own": finding.pk},
        "finding-verify": {"own": finding.pk}, "finding-escalate": {"own": finding.pk},
        "evidence": {"own": finding.evidence.get().pk}, "institution": {"own": inst.pk, "other": other.pk},
        "staff": {"own": inst.pk}, "staff-add": {"own": inst.pk}, "staff-export": {"own": inst.pk},
        "staff-end": {"own": staff.pk}, "ban-decision": {"own": ban.pk},
        "staff-document-upload": {"own": staff.pk}, "staff-document": {"own": document.pk},
        "complaint": {"own": c_own.pk, "other": c_other.pk}, "public": {"own": inst.pk},
    }
    return {"users": u, "ids": ids, "inst": inst, "finding": finding}


def _url(world, name, variant):
    pk = world["ids"].get(name, {}).get(variant)
    return reverse(f"regulation:{name}", args=[pk] if pk else [])


def _outcome(response) -> str:
    if response.status_code == 302:
        return "L" if "/accounts/login/" in response["Location"] else ("R" if response.request["REQUEST_METHOD"] == "GET"
                                                                       else "302")
    return str(response.status_code)


def _clients(world):
    clients = {"anon": Client(raise_request_exception=False)}
    for role, user in world["users"].items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return clients


def _body(world, name):
    from regulation.personid import make

    return {
        "inspection-create": {"institution": world["inst"].pk, "unit": world["users"]["insp"].department_id,
                              "inspected_on": "2026-12-02", "kind": "fire", "inspectors": "丙",
                              "finding_1": "通道堵塞", "deadline_1": "2026-12-10"},
        "finding-answer": {"text": "已整改"},
        "finding-verify": {"action": "close"},
        "finding-escalate": {"assignment": "", "reply_due": "2026-12-20"},
        "staff-add": {"name": "新人", "post": "cook", "id_number": make("50010319920202125"),
                      "health_expires": "2027-05-01", "started_on": "2026-12-01"},
        "staff-end": {"ended_on": "2026-12-01"},
        "staff-document-upload": {"kind": "qualification",
                                  "file": SimpleUploadedFile("资格证.pdf", PDF_BYTES, "application/pdf")},
        "bans": {"name": "孙某", "id_number": make("50010319800101127"), "reason": "虐童", "decision_number": "2号",
                 "decided_on": "2026-12-01",
                 "decision_file": SimpleUploadedFile("决定.pdf", PDF_BYTES, "application/pdf")},
        "complaint": {"action": "reply", "reply": "已核查"},
        "public": {"category": "fees", "text": "乱收费"},
    }[name]


def _fingerprint():
    from regulation import models as m

    return tuple(model.objects.count() for model in (m.Inspection, m.Finding, m.FindingEvidence, m.StaffMember,
                                                     m.StaffDocument, m.PersonBan, m.Complaint)) + (
        tuple(m.Finding.objects.values_list("state", flat=True).order_by("pk")),
        tuple(m.Complaint.objects.values_list("state", flat=True).order_by("pk")),
        tuple(m.StaffMember.objects.values_list("ended_on", flat=True).order_by("pk")))


def _walk(world, table, method):
    clients, mismatches = _clients(world), []
    for (name, variant), row in table.items():
        for role, expected in zip(ROLES, row.split(), strict=True):
            url, client = _url(world, name, variant), clients[role]
            before = _fingerprint()
            with transaction.atomic():
                if method == "get":
                    response = client.get(url)
                else:
                    body = _body(world, name)
                    if name == "finding-escalate":
                        from regulation.services.inspections import escalation_assignments

                        body["assignment"] = escalation_assignments(world["finding"], on=DAY).first().pk
                    response = client.post(url, body, REMOTE_ADDR=f"10.9.{ROLES.index(role)}.1")
                got = _outcome(response)
                if method == "post" and got in REFUSED and _fingerprint() != before:
                    got += "+changed"
                if got == "200" and response.get("Content-Disposition", "").startswith("attachment"):
                    assert response["X-Content-Type-Options"] == "nosniff"
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
            if got != expected:
                mismatches.append(f"{method.upper()} {name} [{variant}] as {role}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def test_get_walk(world):
    with on_day(DAY):
        _walk(world, GET, "get")


def test_post_walk(world):
    with on_day(DAY):
        _walk(world, POST, "post")
