"""The access walk of the API: every endpoint × a client bound to each role and unit, on our side's and the other
side's objects, against the table below (the pages' table, tests/security/test_access_walk.py, for the API).

Columns: anon (no token), then a client bound to each user of tests/security/world.py — coord, view, offi and lead
(区人力社保局, lead unit of task 1), regi (区市场监管局), oper (小星星托育中心), o_of (区教委, task 14), o_op
(别家托育园). Each client holds every read scope, and the officers' the write scope too, so a refusal here is the
bound user's role or scope doing (the same role sets and for_user as the pages). Every JSON body shown is searched
for world.MARK's texts like the pages' walk. A revoked, an expired and an unknown token get 401 on every endpoint.
The size of the walk and its unexpected 200s are printed at the end of the run."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from api.services import api_client_revoke
from tests.api.conftest import BOUND, api_client, register
from tests.conftest import on_day

from . import STATS
from .world import MARK, SEEN_BY, WORLD_DAY, build_world, pdf

pytestmark = pytest.mark.django_db

# Walks the whole api namespace itself (test_access_walk.EXCLUDED_NAMESPACES).
NAMESPACE = "api"
ROLES = ("anon", "coord", "offi", "lead", "view", "regi", "oper", "o_of", "o_op")  # world.SEEN_BY's names

#                                   anon coord offi lead view regi oper o_of o_op
GET = {
    ("plans", "-"):                 "401  200   200  200  200  200  403  200  403",
    ("items", "-"):                 "401  200   200  200  200  200  403  200  403",
    ("item", "own"):                "401  200   200  200  200  404  403  404  403",
    ("item", "other"):              "401  200   404  404  200  404  403  200  403",
    ("item", "draft"):              "401  200   404  404  404  404  403  404  403",
    ("assignments", "-"):           "401  200   200  200  200  200  403  200  403",
    ("assignment", "own"):          "401  200   200  200  200  404  403  404  403",
    ("assignment", "other"):        "401  200   404  404  200  404  403  200  403",
    ("reports", "-"):               "401  200   200  200  200  200  403  200  403",
    ("report", "own"):              "401  200   200  200  200  404  403  404  403",
    ("report", "other"):            "401  200   404  404  200  404  403  200  403",
    # Not approved yet: the API reads approved reports only.
    ("report", "submitted"):        "401  404   404  404  404  404  403  404  403",
    ("report", "draft"):            "401  404   404  404  404  404  403  404  403",
    ("report-file-download", "own"):   "401  200   200  200  200  404  403  404  403",
    ("report-file-download", "other"): "401  200   404  404  200  404  403  200  403",
    # A draft's evidence: its own unit only (the pages' rule, ReportFile.objects.for_user).
    ("report-file-download", "draft"): "401  404   200  200  404  404  403  404  403",
    ("milestones", "-"):            "401  200   200  200  200  200  403  200  403",
    ("notices", "-"):               "401  200   200  200  200  403  403  200  403",
    ("notice", "own"):              "401  200   200  200  200  403  403  404  403",
    ("notice", "other"):            "401  200   404  404  200  403  403  200  403",
    ("directory", "-"):             "401  200   200  200  200  200  200  200  200",
    ("institutions", "-"):          "401  200   403  403  200  200  200  403  200",
    ("institution", "own"):         "401  200   403  403  200  200  200  403  404",
    ("institution", "other"):       "401  200   403  403  200  404  404  403  200",
    ("filings", "-"):               "401  200   403  403  200  403  200  403  200",
    ("filing", "own"):              "401  200   403  403  200  403  200  403  404",
    ("filing", "other"):            "401  200   403  403  200  403  404  403  200",
    ("indicators", "-"):            "401  200   403  403  200  403  403  403  403",
}
# The one write: a report for November on our unit's / the other unit's assignment.
POST = {
    ("reports", "own"):             "401  403   201  403  403  403  403  404  403",
    ("reports", "other"):           "401  403   404  403  403  403  403  201  403",
}
# Documentation is public (it holds no data).
PUBLIC = ("schema", "docs", "redoc")
# The coordinators' pages: anon to the login page, coordinators 200, everyone else 403.
PAGES = ("clients", "client-create", "client-revoke", "calls")

TARGETS = {
    "item": {"own": lambda w: w.task.pk, "other": lambda w: w.other_task.pk,
             "draft": lambda w: w.draft_plan.items.get().pk},
    "assignment": {"own": lambda w: w.assignment.pk, "other": lambda w: w.other_assignment.pk},
    "report": {"own": lambda w: w.approved.pk, "other": lambda w: w.other_approved.pk,
               "submitted": lambda w: w.report.pk, "draft": lambda w: w.draft.pk},
    "report-file-download": {"own": lambda w: w.report_file.pk, "other": lambda w: w.other_report_file.pk,
                             "draft": lambda w: w.draft_file.pk},
    "notice": {"own": lambda w: w.answered_notice.pk, "other": lambda w: w.other_answered_notice.pk},
    "institution": {"own": lambda w: w.institution.pk, "other": lambda w: w.other_institution.pk},
    "filing": {"own": lambda w: w.filing.pk, "other": lambda w: w.other_filing.pk},
}
LISTS = [name for (name, variant) in GET if variant == "-"]


def url(name, variant, w):
    from django.urls import reverse

    if variant == "-":
        return reverse(f"api:{name}")
    return reverse(f"api:{name}", args=[TARGETS[name][variant](w)])


@pytest.fixture
def walk(users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.API_RATE = "100000/min"
    w = build_world(users)
    w.tokens = {kind: register(w, getattr(w, attr), name=f"系统-{kind}").token for kind, attr in BOUND.items()}
    return w


def _cells(table):
    for (name, variant), row in table.items():
        tokens = row.split()
        assert len(tokens) == len(ROLES), (name, variant)
        yield from ((name, variant, role, expected) for role, expected in zip(ROLES, tokens, strict=True))


def _leaks(role: str, body: str) -> list[str]:
    return [key for key, text in MARK.items() if text in body and role not in SEEN_BY[key]]


def test_every_endpoint_answers_each_client_as_the_table_says(walk):
    w, stats = walk, {"cells": 0, "unexpected_200": 0, "mismatches": 0}
    mismatches, leaks = [], []
    for name, variant, role, expected in _cells(GET):
        client = api_client(w.tokens.get(role))
        client.raise_request_exception = False
        response = client.get(url(name, variant, w))
        stats["cells"] += 1
        actual = str(response.status_code)
        if actual != expected:
            mismatches.append(f"GET {name} {variant} {role}: {actual}, expected {expected}")
            stats["unexpected_200"] += actual == "200"
        if actual == "200" and response.get("Content-Type", "").startswith("application/json"):
            leaks += [f"{name} {variant} {role}: {k}" for k in _leaks(role, response.content.decode())]
        if actual == "200" and name == "report-file-download":
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
    for name, variant, role, expected in _cells(POST):
        client = api_client(w.tokens.get(role))
        client.raise_request_exception = False
        assignment = w.assignment if variant == "own" else w.other_assignment
        with transaction.atomic():
            response = client.post(
                url(name, "-", w), {"assignment": assignment.pk, "period": "2026-11", "progress": "走查报送",
                                    "percent": 10, "evidence": [pdf()]},
                format="multipart", HTTP_IDEMPOTENCY_KEY=f"walk-{role}-{variant}",
            )
            transaction.set_rollback(True)
        stats["cells"] += 1
        if str(response.status_code) != expected:
            mismatches.append(f"POST {name} {variant} {role}: {response.status_code}, expected {expected}")
            stats["unexpected_200"] += response.status_code in (200, 201)
    stats["mismatches"] = len(mismatches)
    STATS["api"] = {"urls": len(GET) + len(POST), "rows": len(GET) + len(POST), "roles": len(ROLES), **stats}
    assert not leaks, leaks
    assert not mismatches, "\n".join(mismatches)


def test_a_client_only_reads_what_its_scopes_name(walk):
    directory_only = register(walk, walk.coordinator, scopes=["directory"]).token
    client = api_client(directory_only)
    client.raise_request_exception = False
    for name in LISTS:
        expected = 200 if name == "directory" else 403
        assert client.get(url(name, "-", walk)).status_code == expected, name


def test_revoked_expired_and_unknown_tokens_get_401_at_once(walk):
    registered = register(walk, walk.viewer, name="将吊销")
    expiring = register(walk, walk.viewer, name="将过期", expires_on=WORLD_DAY + dt.timedelta(days=1)).token
    for name in LISTS:
        assert api_client(registered.token).get(url(name, "-", walk)).status_code in (200, 403)
    api_client_revoke(actor=walk.coordinator, client=registered.client)
    unknown = registered.token[:-4] + "AAAA"
    for name in LISTS:
        for token in (registered.token, unknown, "yz_nothing", "not-a-token"):
            response = api_client(token).get(url(name, "-", walk))
            assert response.status_code == 401, (name, token)
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["detail"] == "令牌无效、已过期或已被吊销。" or token == "not-a-token"
    assert api_client(expiring).get(url("plans", "-", walk)).status_code == 200
    with on_day(WORLD_DAY + dt.timedelta(days=2)):
        for name in LISTS:
            assert api_client(expiring).get(url(name, "-", walk)).status_code == 401


def test_documentation_is_public_and_the_coordinators_pages_are_theirs(walk):
    from django.urls import reverse

    for name in PUBLIC:
        assert Client().get(reverse(f"api:{name}")).status_code == 200, name
    client_pk = register(walk, walk.viewer).client.pk
    for name in PAGES:
        path = reverse(f"api:{name}", args=[client_pk] if name == "client-revoke" else [])
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        for attr in ("officer", "leader", "viewer", "registrar", "operator", "other_officer"):
            signed_in = Client()
            signed_in.force_login(getattr(walk, attr))
            assert signed_in.get(path).status_code == 403, (name, attr)
            assert signed_in.post(path, {}).status_code == 403, (name, attr)
        coordinator = Client()
        coordinator.force_login(walk.coordinator)
        assert coordinator.get(path).status_code == 200, name
