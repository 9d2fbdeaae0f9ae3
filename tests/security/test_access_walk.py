"""The access walk: every URL of the portal × every role, own object and
another unit's / institution's object, against a table written here.

DESIGN.md: "Every page checks the role *and* the object". This test is that
rule, measured. Each URL name of the portal (enumerated from the resolver,
through every include; only the admin site's internals — except its index —
and set_language are left out) must have a row below, so nobody can add a
page without deciding who may open it: a new URL without a row fails the walk,
and so does a row whose URL is gone.

Columns (users of tests/conftest.py `users`, plus the other institution's account):
  anon    nobody signed in
  coord   coordinator 督办管理员 (区卫生健康委; staff, so the admin index is open to them)
  offi    officer 填报员 of 区人力社保局 — "our" unit, lead unit of task 1
  lead    leader 审核人 of 区人力社保局
  view    viewer 区领导/督查室
  regi    registrar 登记机关, 区市场监管局 (registers "our" institution; has no part in task 1 or 14)
  oper    institution operator of 小星星托育中心 — "our" institution
  o_of    officer of 区教委 — a user of ANOTHER unit (lead unit of task 14, nothing on task 1)
  o_op    operator of 别家托育园 — a user of ANOTHER institution (registered at 区民政局)
  su      a superuser made by `createsuperuser` (so a coordinator too) who has NOT passed the
          second factor: with two factors on, every page of the portal and of the admin site
          sends them to the two-factor step (2F); only that step itself answers.

The walk runs with two factors on, as in production (PORTAL_2FA_REQUIRED_ROLES = coordinator,
PORTAL_2FA_FOR_ADMIN): the coordinator has an authenticator and a verified session.

Rows are keyed (url name, variant). Object URLs have two variants: `own` —
the object of our unit / institution (tests/security/world.py builds them) —
and `other` — the same kind of object of 区教委 / 别家托育园; some have a third
(a draft, an export format).

Cells: 200, L (302 to a login page), 2F (302 to the two-factor step), R (302 somewhere
else), 403, 404, 405.
A 200 that is a file must be an attachment with nosniff. Every page (HTML, CSV,
JSON) shown is also searched for the marked texts of world.MARK (a draft, a
reply, a message, a phone number, a material's name …): a text shown to a role
not in world.SEEN_BY fails the cell, so lists and dashboards are walked for
what they show, not only for their status.

GET walks every row. POST walks every URL whose view accepts POST, with a
plausible, valid body (so a refusal is the permission check's doing, not a
form error), each request inside a transaction that is rolled back afterwards
(cells do not disturb each other); for every refused POST (L/403/404/405) the
rows of every table and the stored files are compared before/after: nothing
may change.

The size of the walk and its count of unexpected 200s are printed at the end
of the run (tests/security/conftest.py). ACCESS_WALK_DUMP=1 prints the outcomes
seen, in the table's own format — to draft the row of a new page, never to
copy over a difference without reading it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import STATS
from .world import MARK, SEEN_BY, build_world, pdf

pytestmark = pytest.mark.django_db

ROLES = ("anon", "coord", "offi", "lead", "view", "regi", "oper", "o_of", "o_op", "su")
USER_OF_ROLE = {
    "coord": "coordinator", "offi": "officer", "lead": "leader", "view": "viewer", "regi": "registrar",
    "oper": "operator", "o_of": "other_officer", "o_op": "other_operator", "su": "superuser",
}
# Signed in with a verified second factor (a confirmed authenticator in the session).
VERIFIED = {"coord"}

# Left out of the walk: the admin site's own pages (its index is walked); regulation, walked row by row by
# tests/security/test_access_walk_regulation.py; the API with its coordinators' pages (walked by
# tests/security/test_access_walk_api.py, with tokens instead of sessions).
EXCLUDED_NAMESPACES = ("admin", "regulation", "api")
EXCLUDED_NAMES = {"set_language"}
INCLUDED_DESPITE_NAMESPACE = {"admin:index"}

# --------------------------------------------------------------------------------------
# GET: the allowed outcome of opening each URL.
#                                                        anon coord offi lead view regi oper o_of o_op su
GET = {
    ("home", "-"):                                       "L    R     R    R    R    R    R    R    R     2F",
    ("login", "-"):                                      "200  R     R    R    R    R    R    R    R     2F",
    ("health", "-"):                                     "200  200   200  200  200  200  200  200  200   2F",
    ("admin:index", "-"):                                "L    200   L    L    L    L    L    L    L     2F",
    # accounts
    ("accounts:logout", "-"):                            "L    405   405  405  405  405  405  405  405   405",
    ("accounts:password-change", "-"):                   "L    200   200  200  200  200  200  200  200   2F",
    ("accounts:password-change-done", "-"):              "L    200   200  200  200  200  200  200  200   2F",
    ("accounts:operator-home", "-"):                     "L    403   403  403  403  403  R    403  R     2F",
    ("accounts:sessions", "-"):                          "L    200   200  200  200  200  200  200  200   2F",
    ("accounts:two-factor-setup", "-"):                  "L    2F    200  200  200  200  200  200  200   200",
    ("accounts:two-factor-verify", "-"):                 "L    200   2F   2F   2F   2F   2F   2F   2F    2F",
    # tasks
    ("tasks:list", "-"):                                 "L    200   200  200  200  200  403  200  403   2F",
    ("tasks:detail", "own"):                             "L    200   200  200  200  404  403  404  403   2F",
    ("tasks:detail", "other"):                           "L    200   404  404  200  404  403  200  403   2F",
    ("accounts:lockouts", "-"):                          "L    200   403  403  403  403  403  403  403   2F",
    ("tasks:detail", "draft"):                           "L    200   404  404  404  404  403  404  403   2F",
    # plans (lifecycle): a draft is the coordinators' own; publishing and ending are theirs alone
    ("tasks:plans", "-"):                                "L    200   403  403  200  403  403  403  403   2F",
    ("tasks:plan", "own"):                               "L    200   403  403  200  403  403  403  403   2F",
    ("tasks:plan", "draft"):                             "L    200   403  403  404  403  403  403  403   2F",
    ("tasks:plan-publish", "draft"):                     "L    200   403  403  403  403  403  403  403   2F",
    ("tasks:plan-publish", "own"):                       "L    R     403  403  403  403  403  403  403   2F",
    ("tasks:plan-end", "own"):                           "L    200   403  403  403  403  403  403  403   2F",
    ("tasks:plan-end", "draft"):                         "L    R     403  403  403  403  403  403  403   2F",
    # notifications (everyone has an inbox; a message is its recipient's only)
    ("notifications:inbox", "-"):                        "L    200   200  200  200  200  200  200  200   2F",
    ("notifications:detail", "own"):                     "L    404   200  404  404  404  404  404  404   2F",
    ("notifications:detail", "other"):                   "L    404   404  404  404  404  404  200  404   2F",
    ("notifications:mark-read", "own"):                  "L    405   405  405  405  405  405  405  405   2F",
    ("notifications:mark-read", "other"):                "L    405   405  405  405  405  405  405  405   2F",
    ("notifications:mark-all-read", "-"):                "L    405   405  405  405  405  405  405  405   2F",
    ("notifications:preferences", "-"):                  "L    200   200  200  200  200  200  200  200   2F",
    # institutions: registry
    ("institutions:list", "-"):                          "L    200   403  403  200  200  403  403  403   2F",
    ("institutions:mine", "-"):                          "L    403   403  403  403  403  R    403  R     2F",
    ("institutions:detail", "own"):                      "L    200   403  403  200  200  200  403  404   2F",
    ("institutions:detail", "other"):                    "L    200   403  403  200  404  404  403  200   2F",
    ("institutions:flags", "own"):                       "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:flags", "other"):                     "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:link-operator", "own"):               "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:link-operator", "other"):             "L    405   403  403  403  403  403  403  403   2F",
    ("institutions:filing-start", "own"):                "L    405   403  403  403  403  405  403  405   2F",
    ("institutions:filing-start", "other"):              "L    405   403  403  403  403  405  403  405   2F",
    ("institutions:roster-import", "-"):                 "L    200   403  403  403  200  403  403  403   2F",
    ("institutions:roster-export", "xlsx"):              "L    200   403  403  200  200  403  403  403   2F",
    ("institutions:roster-export", "csv"):               "L    200   403  403  200  200  403  403  403   2F",
    ("institutions:roster-export", "template"):          "L    200   403  403  200  200  403  403  403   2F",
    ("institutions:registrations", "-"):                 "L    200   403  403  200  200  403  403  403   2F",
    ("institutions:registration-create", "-"):           "L    200   403  403  403  200  403  403  403   2F",
    # institutions: filings and their materials
    ("institutions:review", "-"):                        "L    200   403  403  200  403  403  403  403   2F",
    ("institutions:filing-detail", "own"):               "L    200   403  403  200  403  200  403  404   2F",
    ("institutions:filing-detail", "other"):             "L    200   403  403  200  403  404  403  200   2F",
    ("institutions:filing-edit", "own"):                 "L    200   403  403  403  403  200  403  404   2F",
    ("institutions:filing-edit", "other"):               "L    200   403  403  403  403  404  403  200   2F",
    ("institutions:document-upload", "own"):             "L    405   403  403  403  403  405  403  405   2F",
    ("institutions:document-upload", "other"):           "L    405   403  403  403  403  405  403  405   2F",
    ("institutions:filing-submit", "own"):               "L    200   403  403  403  403  200  403  404   2F",
    ("institutions:filing-submit", "other"):             "L    200   403  403  403  403  404  403  200   2F",
    ("institutions:filing-return", "own"):               "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:filing-return", "other"):             "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:filing-approve", "own"):              "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:filing-approve", "other"):            "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:filing-reject", "own"):               "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:filing-reject", "other"):             "L    200   403  403  403  403  403  403  403   2F",
    ("institutions:receipt", "own"):                     "L    200   403  403  200  403  200  403  404   2F",
    ("institutions:receipt", "other"):                   "L    200   403  403  200  403  404  403  200   2F",
    ("institutions:document-download", "own"):           "L    200   403  403  403  403  200  403  404   2F",
    ("institutions:document-download", "other"):         "L    200   403  403  403  403  404  403  200   2F",
    ("institutions:document-delete", "own"):             "L    200   403  403  403  403  200  403  404   2F",
    ("institutions:document-delete", "other"):           "L    200   403  403  403  403  404  403  200   2F",
    ("institutions:directory", "-"):                     "200  200   200  200  200  200  200  200  200   2F",
    # progress
    ("progress:my-tasks", "-"):                          "L    403   200  200  403  403  403  200  403   2F",
    ("progress:review", "-"):                            "L    200   403  200  403  403  403  403  403   2F",
    ("progress:assignment", "own"):                      "L    200   200  200  200  404  403  404  403   2F",
    ("progress:assignment", "other"):                    "L    200   404  404  200  404  403  200  403   2F",
    ("progress:report-create", "own"):                   "L    403   200  403  403  403  403  404  403   2F",
    ("progress:report-create", "other"):                 "L    403   404  403  403  403  403  200  403   2F",
    ("progress:completion-claim", "own"):                "L    403   405  405  403  403  403  405  403   2F",
    ("progress:completion-claim", "other"):              "L    403   405  405  403  403  403  405  403   2F",
    ("progress:completion-decide", "own"):               "L    200   403  200  403  403  403  403  403   2F",
    ("progress:completion-decide", "other"):             "L    200   403  404  403  403  403  403  403   2F",
    ("progress:report", "own"):                          "L    200   200  200  200  404  403  404  403   2F",
    ("progress:report", "other"):                        "L    200   404  404  200  404  403  200  403   2F",
    ("progress:report", "own draft"):                    "L    404   200  200  404  404  403  404  403   2F",
    ("progress:report", "other draft"):                  "L    404   404  404  404  404  403  200  403   2F",
    ("progress:report", "partner"):                      "L    200   200  200  200  404  403  404  403   2F",
    ("progress:report-edit", "own"):                     "L    403   200  403  403  403  403  404  403   2F",
    ("progress:report-edit", "other"):                   "L    403   404  403  403  403  403  200  403   2F",
    ("progress:report-edit", "own submitted"):           "L    403   R    403  403  403  403  404  403   2F",
    ("progress:report-edit", "partner"):                 "L    403   403  403  403  403  403  404  403   2F",
    ("progress:report-submit", "own"):                   "L    403   405  403  403  403  403  405  403   2F",
    ("progress:report-submit", "other"):                 "L    403   405  403  403  403  403  405  403   2F",
    ("progress:report-approve", "own"):                  "L    403   403  405  403  403  403  403  403   2F",
    ("progress:report-approve", "other"):                "L    403   403  405  403  403  403  403  403   2F",
    ("progress:report-approve", "partner"):              "L    403   403  405  403  403  403  403  403   2F",
    ("progress:report-return", "own"):                   "L    405   403  405  403  403  403  403  403   2F",
    ("progress:report-return", "other"):                 "L    405   403  405  403  403  403  403  403   2F",
    ("progress:report-return", "partner"):               "L    405   403  405  403  403  403  403  403   2F",
    ("progress:report-correct", "own"):                  "L    403   405  403  403  403  403  405  403   2F",
    ("progress:report-correct", "other"):                "L    403   405  403  403  403  403  405  403   2F",
    ("progress:report-file", "own"):                     "L    200   200  200  200  404  403  404  403   2F",
    ("progress:report-file", "other"):                   "L    200   404  404  200  404  403  200  403   2F",
    ("progress:report-file", "own draft"):               "L    404   200  200  404  404  403  404  403   2F",
    ("progress:report-file", "other draft"):             "L    404   404  404  404  404  403  200  403   2F",
    ("progress:report-file", "partner"):                 "L    200   200  200  200  404  403  404  403   2F",
    ("progress:lead", "own"):                            "L    200   200  200  200  404  403  404  403   2F",
    ("progress:lead", "other"):                          "L    200   404  404  200  404  403  200  403   2F",
    ("progress:notices", "-"):                           "L    200   200  200  200  403  403  200  403   2F",
    ("progress:notice-create", "-"):                     "L    200   403  403  403  403  403  403  403   2F",
    ("progress:notice", "own"):                          "L    200   200  200  200  403  403  404  403   2F",
    ("progress:notice", "other"):                        "L    200   404  404  200  403  403  200  403   2F",
    ("progress:notice-reply", "own"):                    "L    403   405  405  403  403  403  405  403   2F",
    ("progress:notice-reply", "other"):                  "L    403   405  405  403  403  403  405  403   2F",
    ("progress:notice-close", "own"):                    "L    405   403  403  403  403  403  403  403   2F",
    ("progress:notice-close", "other"):                  "L    405   403  403  403  403  403  403  403   2F",
    ("progress:notice-file", "own"):                     "L    200   200  200  200  403  403  404  403   2F",
    ("progress:notice-file", "other"):                   "L    200   404  404  200  403  403  200  403   2F",
    ("progress:milestone-confirm", "own"):               "L    200   403  403  403  403  403  403  403   2F",
    ("progress:milestone-confirm", "other"):             "L    200   403  403  403  403  403  403  403   2F",
    ("progress:milestone-file", "own"):                  "L    200   200  200  200  404  403  404  403   2F",
    ("progress:milestone-file", "other"):                "L    200   404  404  200  404  403  200  403   2F",
    # reports: dashboards, the official Excel report, background exports
    ("reports:district", "-"):                           "L    200   403  403  200  403  403  403  403   2F",
    ("reports:todo", "-"):                               "L    200   403  403  403  403  403  403  403   2F",
    ("reports:my-department", "-"):                      "L    200   200  200  404  403  403  200  403   2F",
    ("reports:department", "own"):                       "L    200   200  200  200  403  403  404  403   2F",
    ("reports:department", "other"):                     "L    200   404  404  200  403  403  200  403   2F",
    ("reports:task", "own"):                             "L    200   200  200  200  404  403  404  403   2F",
    ("reports:task", "other"):                           "L    200   404  404  200  404  403  200  403   2F",
    ("reports:excel", "-"):                              "L    200   200  200  200  403  403  200  403   2F",
    ("reports:excel", "download"):                       "L    200   200  200  200  403  403  200  403   2F",
    ("reports:exports", "-"):                            "L    200   200  200  200  403  403  200  403   2F",
    ("reports:export-detail", "own"):                    "L    404   200  404  404  403  403  404  403   2F",
    ("reports:export-detail", "other"):                  "L    404   404  404  404  403  403  200  403   2F",
    ("reports:export-status", "own"):                    "L    404   200  404  404  403  403  404  403   2F",
    ("reports:export-status", "other"):                  "L    404   404  404  404  403  403  200  403   2F",
    ("reports:export-download", "own"):                  "L    404   200  404  404  403  403  404  403   2F",
    ("reports:export-download", "other"):                "L    404   404  404  404  403  403  200  403   2F",
}

# Rows whose 200 is a file: it must be served as an attachment, nosniff.
DOWNLOADS = {
    "institutions:roster-export", "institutions:document-download", "progress:report-file", "progress:notice-file",
    "progress:milestone-file", "reports:export-download",
}
DOWNLOAD_VARIANTS = {("reports:excel", "download")}

# --------------------------------------------------------------------------------------
# POST: the outcome of a valid-looking submission. 200 here is a form shown again
# (with its message) or a page; R is the action done (or refused with a message).
#                                                        anon coord offi lead view regi oper o_of o_op su
POST = {
    ("login", "-"):                                      "200  R     R    R    R    R    R    R    R     2F",
    ("accounts:logout", "-"):                            "L    L     L    L    L    L    L    L    L     L",
    ("accounts:password-change", "-"):                   "L    R     R    R    R    R    R    R    R     2F",
    ("accounts:operator-home", "-"):                     "L    403   403  403  403  403  R    403  R     2F",
    ("accounts:sessions", "-"):                          "L    R     R    R    R    R    R    R    R     2F",
    ("accounts:two-factor-setup", "-"):                  "L    2F    200  200  200  200  200  200  200   200",
    ("accounts:two-factor-verify", "-"):                 "L    200   2F   2F   2F   2F   2F   2F   2F    2F",
    ("notifications:mark-read", "own"):                  "L    404   R    404  404  404  404  404  404   2F",
    ("notifications:mark-read", "other"):                "L    404   404  404  404  404  404  R    404   2F",
    ("notifications:mark-all-read", "-"):                "L    R     R    R    R    R    R    R    R     2F",
    ("notifications:preferences", "-"):                  "L    R     R    R    R    R    R    R    R     2F",
    ("institutions:flags", "own"):                       "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:flags", "other"):                     "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:link-operator", "own"):               "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:link-operator", "other"):             "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-start", "own"):                "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:filing-start", "other"):              "L    R     403  403  403  403  404  403  R     2F",
    ("institutions:roster-import", "-"):                 "L    200   403  403  403  200  403  403  403   2F",
    ("institutions:registration-create", "-"):           "L    R     403  403  403  R    403  403  403   2F",
    ("institutions:filing-edit", "own"):                 "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:filing-edit", "other"):               "L    R     403  403  403  403  404  403  R     2F",
    ("institutions:document-upload", "own"):             "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:document-upload", "other"):           "L    R     403  403  403  403  404  403  R     2F",
    ("institutions:filing-submit", "own"):               "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:filing-submit", "other"):             "L    R     403  403  403  403  404  403  R     2F",
    ("institutions:filing-return", "own"):               "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-return", "other"):             "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-approve", "own"):              "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-approve", "other"):            "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-reject", "own"):               "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:filing-reject", "other"):             "L    R     403  403  403  403  403  403  403   2F",
    ("institutions:document-delete", "own"):             "L    R     403  403  403  403  R    403  404   2F",
    ("institutions:document-delete", "other"):           "L    R     403  403  403  403  404  403  R     2F",
    ("progress:report-create", "own"):                   "L    403   R    403  403  403  403  404  403   2F",
    ("progress:report-create", "other"):                 "L    403   404  403  403  403  403  R    403   2F",
    ("progress:completion-claim", "own"):                "L    403   R    R    403  403  403  404  403   2F",
    ("progress:completion-claim", "other"):              "L    403   404  404  403  403  403  R    403   2F",
    ("progress:completion-decide", "own"):               "L    R     403  R    403  403  403  403  403   2F",
    ("progress:completion-decide", "other"):             "L    R     403  404  403  403  403  403  403   2F",
    ("progress:report-edit", "own"):                     "L    403   R    403  403  403  403  404  403   2F",
    ("progress:report-edit", "other"):                   "L    403   404  403  403  403  403  R    403   2F",
    ("progress:report-edit", "partner"):                 "L    403   403  403  403  403  403  404  403   2F",
    ("progress:report-submit", "own"):                   "L    403   R    403  403  403  403  404  403   2F",
    ("progress:report-submit", "other"):                 "L    403   404  403  403  403  403  R    403   2F",
    ("progress:report-approve", "own"):                  "L    403   403  R    403  403  403  403  403   2F",
    ("progress:report-approve", "other"):                "L    403   403  404  403  403  403  403  403   2F",
    ("progress:report-approve", "partner"):              "L    403   403  403  403  403  403  403  403   2F",
    ("progress:report-return", "own"):                   "L    R     403  R    403  403  403  403  403   2F",
    ("progress:report-return", "other"):                 "L    R     403  404  403  403  403  403  403   2F",
    ("progress:report-return", "partner"):               "L    R     403  403  403  403  403  403  403   2F",
    ("progress:report-correct", "own"):                  "L    403   R    403  403  403  403  404  403   2F",
    ("progress:report-correct", "other"):                "L    403   404  403  403  403  403  R    403   2F",
    ("progress:lead", "own"):                            "L    403   R    R    403  404  403  404  403   2F",
    ("progress:lead", "other"):                          "L    403   404  404  403  404  403  R    403   2F",
    ("progress:notice-create", "-"):                     "L    R     403  403  403  403  403  403  403   2F",
    ("progress:notice-reply", "own"):                    "L    403   R    R    403  403  403  404  403   2F",
    ("progress:notice-reply", "other"):                  "L    403   404  404  403  403  403  R    403   2F",
    ("progress:notice-close", "own"):                    "L    R     403  403  403  403  403  403  403   2F",
    ("progress:notice-close", "other"):                  "L    R     403  403  403  403  403  403  403   2F",
    ("progress:milestone-confirm", "own"):               "L    R     403  403  403  403  403  403  403   2F",
    ("progress:milestone-confirm", "other"):             "L    R     403  403  403  403  403  403  403   2F",
    ("reports:exports", "-"):                            "L    R     R    R    R    403  403  R    403   2F",
    ("accounts:lockouts", "-"):                          "L    R     403  403  403  403  403  403  403   2F",
    ("tasks:plan-publish", "draft"):                     "L    R     403  403  403  403  403  403  403   2F",
    ("tasks:plan-publish", "own"):                       "L    R     403  403  403  403  403  403  403   2F",
    ("tasks:plan-end", "own"):                           "L    R     403  403  403  403  403  403  403   2F",
    ("tasks:plan-end", "draft"):                         "L    R     403  403  403  403  403  403  403   2F",
}

REFUSED = {"L", "403", "404", "405"}

# --------------------------------------------------------------------------------------
# Where each (url, variant) points: args and query string, from the world's objects.


def _pk(attr):
    return lambda w: ([getattr(w, attr).pk], "")


def _own_other(own: str, other: str):
    return {"own": _pk(own), "other": _pk(other)}


def _none():
    return {"-": lambda w: ([], "")}


def _report_create(attr):
    return lambda w: ([getattr(w, attr).pk, 2026, 11], "")


TARGETS = {
    "home": _none(), "login": _none(), "health": _none(), "admin:index": _none(),
    "accounts:logout": _none(), "accounts:password-change": _none(), "accounts:password-change-done": _none(),
    "accounts:operator-home": _none(), "accounts:sessions": _none(), "accounts:lockouts": _none(),
    "accounts:two-factor-setup": _none(),
    "accounts:two-factor-verify": _none(),
    "tasks:list": _none(),
    "tasks:detail": {**_own_other("task", "other_task"), "draft": lambda w: ([w.draft_plan.items.get().pk], "")},
    "tasks:plans": _none(),
    **{name: {"own": _pk("plan"), "draft": _pk("draft_plan")}
       for name in ("tasks:plan", "tasks:plan-publish", "tasks:plan-end")},
    "notifications:inbox": _none(), "notifications:detail": _own_other("note", "other_note"),
    "notifications:mark-read": _own_other("note", "other_note"), "notifications:mark-all-read": _none(),
    "notifications:preferences": _none(),
    "institutions:list": _none(), "institutions:mine": _none(),
    "institutions:detail": _own_other("institution", "other_institution"),
    "institutions:flags": _own_other("institution", "other_institution"),
    "institutions:link-operator": _own_other("institution", "other_institution"),
    "institutions:filing-start": _own_other("institution", "other_institution"),
    "institutions:roster-import": _none(),
    "institutions:roster-export": {
        "xlsx": lambda w: ([], ""), "csv": lambda w: ([], "format=csv"), "template": lambda w: ([], "template=1"),
    },
    "institutions:registrations": _none(), "institutions:registration-create": _none(),
    "institutions:review": _none(),
    **{name: _own_other("filing", "other_filing") for name in (
        "institutions:filing-detail", "institutions:filing-edit", "institutions:document-upload",
        "institutions:filing-submit",
    )},
    # The coordinator's review acts on filings waiting for review.
    **{name: _own_other("submitted_filing", "other_submitted_filing") for name in (
        "institutions:filing-return", "institutions:filing-approve", "institutions:filing-reject",
    )},
    "institutions:receipt": _own_other("filed_filing", "other_filed_filing"),
    "institutions:document-download": _own_other("document", "other_document"),
    "institutions:document-delete": _own_other("document", "other_document"),
    "institutions:directory": _none(),
    "progress:my-tasks": _none(), "progress:review": _none(),
    "progress:assignment": _own_other("assignment", "other_assignment"),
    "progress:report-create": {"own": _report_create("assignment"), "other": _report_create("other_assignment")},
    "progress:completion-claim": _own_other("assignment", "other_assignment"),
    "progress:completion-decide": _own_other("completion", "other_completion"),
    "progress:report": {**_own_other("report", "other_report"), "own draft": _pk("draft"),
                        "other draft": _pk("other_draft"), "partner": _pk("partner_report")},
    "progress:report-edit": {**_own_other("draft", "other_draft"), "own submitted": _pk("report"),
                             "partner": _pk("partner_report")},
    "progress:report-submit": _own_other("draft", "other_draft"),
    "progress:report-approve": {**_own_other("report", "other_report"), "partner": _pk("partner_report")},
    "progress:report-return": {**_own_other("report", "other_report"), "partner": _pk("partner_report")},
    "progress:report-correct": _own_other("approved", "other_approved"),
    "progress:report-file": {**_own_other("report_file", "other_report_file"), "own draft": _pk("draft_file"),
                             "other draft": _pk("other_draft_file"), "partner": _pk("partner_report_file")},
    "progress:lead": _own_other("task", "other_task"),
    "progress:notices": _none(), "progress:notice-create": _none(),
    "progress:notice": _own_other("notice", "other_notice"),
    "progress:notice-reply": _own_other("notice", "other_notice"),
    "progress:notice-close": _own_other("notice", "other_notice"),
    "progress:notice-file": _own_other("notice_file", "other_notice_file"),
    "progress:milestone-confirm": _own_other("milestone", "other_milestone"),
    "progress:milestone-file": _own_other("milestone_file", "other_milestone_file"),
    "reports:district": _none(), "reports:my-department": _none(), "reports:todo": _none(),
    "reports:department": _own_other("unit", "other_unit"),
    "reports:task": _own_other("task", "other_task"),
    "reports:excel": {"-": lambda w: ([], ""), "download": lambda w: ([], "download=1")},
    "reports:exports": _none(),
    "reports:export-detail": _own_other("job", "other_job"),
    "reports:export-status": _own_other("job", "other_job"),
    "reports:export-download": _own_other("job", "other_job"),
}


def _url(w, name: str, variant: str) -> str:
    args, query = TARGETS[name][variant](w)
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


# The body each POST sends: what the form would accept from the right person.
def _post_body(w, name: str, variant: str) -> dict:
    other = variant == "other"
    today = dt.date.today()
    bodies = {
        "login": lambda: {"username": "nobody", "password": "wrong-password"},
        "accounts:password-change": lambda: {
            "old_password": "Portal-test-2026!", "new_password1": "Anders-Neu-2026!x",
            "new_password2": "Anders-Neu-2026!x",
        },
        "accounts:two-factor-setup": lambda: {"token": "000000"},
        "accounts:lockouts": lambda: {"attempt": "0"},
        "notifications:preferences": lambda: {"email_preference": "digest"},
        "accounts:two-factor-verify": lambda: {"token": "000000"},
        "institutions:flags": lambda: {"is_inclusive": "on", "is_demonstration": "on",
                                       "demonstration_on": "2026-11-01"},
        "institutions:link-operator": lambda: {"user": w.spare_operator.pk},
        "institutions:filing-start": lambda: {"kind": "change"},
        "institutions:roster-import": lambda: {"file": _roster_csv()},
        "institutions:registration-create": lambda: _registration_body(w),
        "institutions:filing-edit": lambda: _filing_body(),
        "institutions:document-upload": lambda: {"kind": "other", "file": pdf("补充材料.pdf")},
        "institutions:filing-return": lambda: {"basic": "请补充负责人信息。"},
        "institutions:filing-reject": lambda: {"reason": "场地不符合要求。"},
        "progress:report-create": lambda: {"progress": "本月完成调研。", "percent": "60", "problems": "", "next_steps": ""},
        "progress:completion-claim": lambda: {"note": "本单位任务已完成。"},
        "progress:completion-decide": lambda: {"decision": "accept", "comment": "同意。"},
        "progress:report-edit": lambda: {"progress": "修改后的进展。", "percent": "70", "problems": "", "next_steps": ""},
        "progress:report-return": lambda: {"reason": "请补充佐证材料。"},
        "progress:report-correct": lambda: {"reason": "数据有误。"},
        "progress:lead": lambda: {"text": "本期汇总情况。"},
        "progress:notice-create": lambda: {
            "assignment": (w.other_assignment if other else w.assignment).pk, "reason": "请加快进度。",
            "reply_due": (today + dt.timedelta(days=10)).isoformat(),
        },
        "progress:notice-reply": lambda: {"text": "已按要求落实。"},
        "progress:notice-close": lambda: {"comment": "办结。"},
        "progress:milestone-confirm": lambda: {"met_on": "2026-11-20", "evidence": "已达成。"},
        "reports:exports": lambda: {},
        "tasks:plan-publish": lambda: {"in_force_from": today.isoformat(), "period_months": "1",
                                       "report_due_day": "25", "confirm": "on"},
        "tasks:plan-end": lambda: {"ended_on": today.isoformat(), "closing_summary": "方案实施总结。", "confirm": "on"},
    }
    return bodies.get(name, dict)()


def _roster_csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import credit_code

    text = (
        "机构名称,统一社会信用代码,机构性质,法人类型,所属街道,地址\n"
        f"新登记托育园,{credit_code(900001)},营利性,企业,解放碑街道,渝中区邹容路1号\n"
    )
    return SimpleUploadedFile("名册.csv", text.encode("utf-8-sig"), content_type="text/csv")


def _registration_body(w) -> dict:
    from agencies.models import Department
    from tests.factories import credit_code

    street = Department.objects.get(name="解放碑街道办事处")
    return {
        "name": "新登记托育园", "credit_code": credit_code(900002), "nature": "for_profit", "legal_form": "enterprise",
        "street": street.pk, "address": "渝中区邹容路2号", "capacity": "30", "service_types": ["full_day"],
    }


def _filing_body() -> dict:
    return {
        "change_summary": "托位数调整。", "principal_name": "张园长", "contact_phone": "023-63000000",
        "public_phone": "023-63111111", "address": "渝中区民族路1号", "offers_full_day": "on", "capacity": "80",
        "premises_ownership": "leased", "lease_years": "5", "staff_count": "12", "commitment": "on",
        "classes-TOTAL_FORMS": "1", "classes-INITIAL_FORMS": "0", "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "30", "classes-0-kind": "toddler", "classes-0-children": "15",
        "classes-0-caregivers": "3",
    }


# --------------------------------------------------------------------------------------
# The URL names the portal has.


def portal_url_names() -> tuple[dict[str, object], list[str]]:
    """Every named URL (namespace:name → its view) through every include; and the routes of unnamed ones."""
    names: dict[str, object] = {}
    unnamed: list[str] = []

    def walk(resolver, prefix: str, namespace: str | None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                full = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else None
                if namespace and namespace.split(":")[0] in EXCLUDED_NAMESPACES:
                    if full in INCLUDED_DESPITE_NAMESPACE:
                        names[full] = pattern.callback
                    continue
                if route.startswith(django_settings.STATIC_URL.lstrip("/")):
                    continue
                if full is None:
                    unnamed.append(route)
                elif full not in EXCLUDED_NAMES:
                    names[full] = pattern.callback

    walk(get_resolver(), "", None)
    return names, unnamed


def accepts_post(view) -> bool:
    view_class = getattr(view, "view_class", None)
    return view_class is not None and hasattr(view_class, "post") and "post" in view_class.http_method_names


# --------------------------------------------------------------------------------------
# Running the walk.


def _cells(table: dict):
    for (name, variant), row in table.items():
        tokens = row.split()
        assert len(tokens) == len(ROLES), f"{name} {variant}: {len(tokens)} cells, expected {len(ROLES)}"
        yield from ((name, variant, role, token) for role, token in zip(ROLES, tokens, strict=True))


def _outcome(response) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        logins = (reverse("login"), reverse("admin:login"))
        path = location.split("?")[0]
        if path in logins:
            return "L"
        return "2F" if path in (reverse("accounts:two-factor-setup"), reverse("accounts:two-factor-verify")) else "R"
    return str(status)


def _is_attachment(response) -> bool:
    return (
        response.get("Content-Disposition", "").startswith("attachment")
        and response.get("X-Content-Type-Options") == "nosniff"
    )


TRACKED_APPS = ("accounts", "audit", "agencies", "tasks", "institutions", "progress", "notifications", "reports",
                "otp_totp", "auth")
UNTRACKED_MODELS = {"accounts.usersession"}  # "last seen" of the signed-in browser: every request may touch it


def db_fingerprint() -> str:
    """Every row of every table of the portal (not the session bookkeeping), hashed."""
    digest = hashlib.sha256()
    for config in apps.get_app_configs():
        if config.label not in TRACKED_APPS:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label_lower in UNTRACKED_MODELS:
                continue
            rows = model._base_manager.order_by("pk").values_list() if model._meta.pk else []
            digest.update(model._meta.label_lower.encode())
            digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def world(users, settings, tmp_path):
    from reports.cache import clear

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Two factors on, as in production (the test settings switch them off for feature tests).
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = True
    clear()
    w = build_world(users)
    w.spare_operator = type(w.operator).objects.create_user(
        username="spare-operator", password="Portal-test-2026!", role="operator"
    )
    w.superuser = type(w.operator).objects.create_superuser(
        username="root", email="root@example.cn", password="Portal-test-2026!"
    )
    yield w
    clear()


def _clients(w) -> dict[str, Client]:
    clients = {"anon": Client(raise_request_exception=False)}
    for role, attr in USER_OF_ROLE.items():
        client = Client(raise_request_exception=False)
        client.force_login(getattr(w, attr))
        if role in VERIFIED:
            _verify(client, getattr(w, attr))
        clients[role] = client
    return clients


def _verify(client: Client, user) -> None:
    """What a successful TOTP step leaves in the session (django_otp.login)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _in_rollback(client: Client, do):
    """Run one request inside a transaction rolled back afterwards; the
    client's cookies (its session) are put back as they were."""
    cookies = client.cookies.copy()
    try:
        with transaction.atomic():
            result = do()
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return result


def _leaks(response, role: str) -> list[str]:
    """Marked texts (world.MARK) in a page that this role may not see."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return []
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(("text/", "application/json")):
        return []
    body = response.content.decode("utf-8", "replace")
    return [key for key, text in MARK.items() if text in body and role not in SEEN_BY[key]]


def _report(kind: str, table: dict, results: list[tuple]) -> None:
    mismatches = [r for r in results if r[3] != r[4]]
    unexpected_200 = [r for r in results if r[4] == "200" and r[3] != "200"]
    urls = {name for name, _ in table}
    STATS[kind] = {"urls": len(urls), "rows": len(table), "roles": len(ROLES), "cells": len(results),
                   "unexpected_200": len(unexpected_200), "mismatches": len(mismatches)}
    print(f"\naccess walk {kind}: {len(urls)} URLs, {len(table)} rows × {len(ROLES)} roles = {len(results)} cells; "
          f"{len(unexpected_200)} unexpected 200s; {len(mismatches)} cells differ from the table")
    if os.environ.get("ACCESS_WALK_DUMP"):
        actual: dict = {}
        for name, variant, role, _expected, got, _note in results:
            actual.setdefault((name, variant), {})[role] = got
        for (name, variant), cells in actual.items():
            key = f'("{name}", "{variant}"):'
            print(f'    {key:53}"' + " ".join(f"{cells[r]:<4}" for r in ROLES).rstrip() + '",')
    lines = [f"  {name} [{variant}] as {role}: expected {expected}, got {got} {note}"
             for name, variant, role, expected, got, note in mismatches]
    assert not mismatches, f"{len(mismatches)} {kind} cells differ from the table:\n" + "\n".join(lines)
    assert not unexpected_200


def extension_walks():
    """Walks of later pages kept in files of their own (tests/security/test_access_walk_<name>.py, each with
    GET, POST and TARGETS tables in this file's format): their rows count as this table's."""
    modules = []
    for path in sorted(Path(__file__).parent.glob("test_access_walk_*.py")):
        modules.append(importlib.import_module(f"{__package__}.{path.stem}"))
    return modules


def test_every_url_has_a_row():
    """A new page must be decided: its URL needs a row in GET (and in POST if it takes POST)."""
    GET, POST, TARGETS = dict(globals()["GET"]), dict(globals()["POST"]), dict(globals()["TARGETS"])  # noqa: N806
    for module in extension_walks():
        # A walk of a whole namespace (api, regulation) checks its URLs itself: EXCLUDED_NAMESPACES;
        # a file of other permission tests (no tables) adds no rows.
        if getattr(module, "NAMESPACE", None) in EXCLUDED_NAMESPACES or not hasattr(module, "TARGETS"):
            continue
        GET.update(module.GET)
        POST.update(module.POST)
        TARGETS.update(module.TARGETS)
    names, unnamed = portal_url_names()
    assert not unnamed, f"URL patterns without a name cannot be walked: {unnamed}"
    tabled = {name for name, _ in GET}
    missing, stale = sorted(set(names) - tabled), sorted(tabled - set(names))
    assert not missing, f"URLs the access table does not list (decide who may open them): {missing}"
    assert not stale, f"Rows for URLs the portal no longer has: {stale}"
    assert set(TARGETS) == set(names)
    for name, variant in GET:
        assert variant in TARGETS[name], (name, variant)
    post_names = {name for name, view in names.items() if accepts_post(view)}
    posted = {name for name, _ in POST}
    assert post_names == posted, (
        f"POST rows missing for {sorted(post_names - posted)}; "
        f"rows for views without POST: {sorted(posted - post_names)}"
    )
    for name, variant in POST:
        assert (name, variant) in GET, (name, variant)


def walk_get(world, table, url_of, label: str) -> None:
    """Open every GET cell of `table` as its role (the URL from `url_of(world, name, variant)`),
    each in a rolled-back transaction, and report cells that differ, leak, or serve a download inline.
    The extension walks (tests/security/test_access_walk_<name>.py) walk their tables through it too."""
    clients = _clients(world)
    results = []
    for name, variant, role, expected in _cells(table):
        url = url_of(world, name, variant)
        client = clients[role]
        response = _in_rollback(client, lambda: client.get(url))
        got, note = _outcome(response), ""
        if got == "200" and (name in DOWNLOADS or (name, variant) in DOWNLOAD_VARIANTS):
            if not _is_attachment(response):
                got, note = "200-inline", "(a download must be an attachment with nosniff)"
        leaked = _leaks(response, role)
        if leaked:
            got, note = got + "+leak", f"(shows what {role} may not see: {leaked})"
        if getattr(response, "streaming", False):
            # Read a file to its end: the test client then closes it (never response.close() here:
            # its request_finished signal would close the database connection inside the test's transaction).
            b"".join(response.streaming_content)
        results.append((name, variant, role, expected, got, note))
    _report(label, table, results)


def test_get_walk(world):
    walk_get(world, GET, _url, "GET")


def test_post_walk(world):
    """POST as every role: the refused ones (L/403/404/405) change no row and store no file."""
    clients = _clients(world)
    baseline_rows, baseline_files = db_fingerprint(), stored_files()
    results = []
    for name, variant, role, expected in _cells(POST):
        url = _url(world, name, variant)
        client = clients[role]

        def post():
            response = client.post(url, _post_body(world, name, variant))
            got = _outcome(response)
            # Refused, or stopped at the two-factor step (except the enrolment step itself,
            # which keeps a pending authenticator): nothing may change.
            stopped = got in REFUSED or (got == "2F" and name != "accounts:two-factor-setup")
            changed = stopped and (db_fingerprint() != baseline_rows or stored_files() != baseline_files)
            return got, changed

        got, changed = _in_rollback(client, post)
        results.append((name, variant, role, expected, got, "(and it CHANGED data)" if changed else ""))
        if changed:
            results[-1] = (*results[-1][:4], got + "+changed", results[-1][5])
        for path in stored_files() - baseline_files:  # files of allowed, rolled-back uploads
            (Path(django_settings.MEDIA_ROOT) / path).unlink()
    _report("POST", POST, results)
    assert db_fingerprint() == baseline_rows
