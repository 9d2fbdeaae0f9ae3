"""Hostile input on the progress forms: report create/edit, return and
correction reasons, notices (issue, reply), milestone confirmation, completion
claim and decision, the lead unit's summary. A clear Chinese message beside the
field with not one row changed, or the text stored as typed and shown escaped —
never a 500, never a partial write."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from progress import forms
from progress.models import AssignmentCompletion, LeadSummary, ProgressReport, SupervisionNotice
from tasks.models import Milestone

from .helpers import (
    assert_clear_refusal,
    assert_escaped,
    form_errors,
    refused_unchanged,
    rolled_back,
    signed_in,
    stored_as_typed,
    table_counts,
)
from .strategies import date_text, future_date, hostile_text, month_text, mostly, number_text, past_date, small_number

pytestmark = pytest.mark.django_db


def cases(n: int):
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _int_as_typed(text: str) -> int | None:
    """How a number field reads a typed integer (Unicode digits, a trailing .0)."""
    try:
        return int(re.sub(r"\.0*\s*$", "", text.strip()))
    except ValueError:
        return None


def _date_as_typed(text: str) -> dt.date | None:
    """How a date field reads a typed date (the zh-hans input formats: 2026-12-01, 2026/12/01, 2026年12月1日 …)."""
    from django import forms as django_forms
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"):
        try:
            return django_forms.DateField().to_python(text)
        except ValidationError:
            return None


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# ---------------------------------------------------------------- reports


def _report_body(progress, percent, problems, next_steps):
    return {"progress": progress, "percent": percent, "problems": problems, "next_steps": next_steps}


def _check_report(client, report, progress, percent, problems, next_steps):
    assert report.progress == stored_as_typed(progress)
    assert report.problems == stored_as_typed(problems) and report.next_steps == stored_as_typed(next_steps)
    assert report.percent == _int_as_typed(percent) and 0 <= report.percent <= 100
    assert_escaped(_page(client, reverse("progress:report", args=[report.pk])), progress, problems, next_steps)


@cases(70)
@given(progress=hostile_text, percent=mostly(small_number(0, 100), number_text), problems=hostile_text,
       next_steps=hostile_text, submit=st.booleans())
def test_report_create(progress_world, tried, progress, percent, problems, next_steps, submit):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:report-create", args=[world.assignment.pk, 2026, 11])
    body = {**_report_body(progress, percent, problems, next_steps), **({"action": "submit"} if submit else {})}

    def case():
        before = table_counts()
        response = client.post(url, body)
        if response.status_code == 302:
            event("accepted")
            report = ProgressReport.objects.get(assignment=world.assignment, period__start=dt.date(2026, 11, 1))
            assert report.state == ("submitted" if submit else "draft")
            _check_report(client, report, progress, percent, problems, next_steps)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.ReportForm().fields)
        refused_unchanged(before)
        assert_escaped(response.content.decode(), progress, problems, next_steps)

    rolled_back(client, case)


@cases(50)
@given(progress=hostile_text, percent=mostly(small_number(0, 100), number_text), problems=hostile_text,
       next_steps=hostile_text)
def test_report_edit(progress_world, tried, progress, percent, problems, next_steps):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:report-edit", args=[world.draft.pk])

    def case():
        before = table_counts()
        old = ProgressReport.objects.values().get(pk=world.draft.pk)
        response = client.post(url, _report_body(progress, percent, problems, next_steps))
        if response.status_code == 302:
            event("accepted")
            report = ProgressReport.objects.get(pk=world.draft.pk)
            _check_report(client, report, progress, percent, problems, next_steps)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.ReportForm(files_qs=world.draft.files.all()).fields)
        refused_unchanged(before)
        assert ProgressReport.objects.values().get(pk=world.draft.pk) == old
        assert_escaped(response.content.decode(), progress, problems, next_steps)

    rolled_back(client, case)


@cases(45)
@given(reason=hostile_text, who=st.sampled_from(["leader", "coordinator"]))
def test_return_reason(progress_world, tried, reason, who):
    world = progress_world
    tried()
    client = signed_in(getattr(world, who))
    url = reverse("progress:report-return", args=[world.report.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"reason": reason})
        report = ProgressReport.objects.get(pk=world.report.pk)
        if response.status_code == 302:
            event("accepted")
            assert report.state == "returned" and report.return_reason == stored_as_typed(reason)
            assert_escaped(_page(signed_in(world.officer), reverse("progress:my-tasks")), reason)
            return
        assert response.status_code == 200 and report.state == "submitted"
        assert_clear_refusal(form_errors(response, "return_form"), forms.ReturnForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


@cases(35)
@given(reason=hostile_text)
def test_correction_reason(progress_world, tried, reason):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:report-correct", args=[world.approved.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"reason": reason})
        if response.status_code == 302:
            event("accepted")
            correction = ProgressReport.objects.get(supersedes=world.approved)
            assert correction.correction_reason == stored_as_typed(reason)
            assert_escaped(_page(client, reverse("progress:report", args=[correction.pk])), reason)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response, "correct_form"), forms.CorrectForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


# ---------------------------------------------------------------- notices


@cases(60)
@given(reason=hostile_text, reply_due=mostly(future_date(), date_text),
       assignment=mostly(st.just("own"), number_text))
def test_notice_issue(progress_world, tried, reason, reply_due, assignment):
    world = progress_world
    tried()
    client = signed_in(world.coordinator)
    chosen = str(world.assignment.pk) if assignment == "own" else assignment

    def case():
        before = table_counts()
        response = client.post(reverse("progress:notice-create"),
                               {"assignment": chosen, "reason": reason, "reply_due": reply_due})
        if response.status_code == 302:
            event("accepted")
            notice = SupervisionNotice.objects.latest("pk")
            assert notice.reason == stored_as_typed(reason) and notice.reply_due >= timezone.localdate()
            assert notice.reply_due == _date_as_typed(reply_due)
            # The notice itself, and the pages that compute lights from its reply deadline.
            for url in (reverse("progress:notice", args=[notice.pk]), reverse("progress:notices"),
                        reverse("reports:task", args=[notice.assignment.task_id])):
                assert_escaped(_page(client, url), reason)
            _reminders_still_collect()
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.NoticeForm().fields)
        refused_unchanged(before)
        assert_escaped(response.content.decode(), reason)

    rolled_back(client, case)


def _reminders_still_collect():
    """The daily digest's rules read every due date: none may break on what was just saved."""
    from notifications import rules

    rules.collect(timezone.localdate())


@cases(45)
@given(text=hostile_text)
def test_notice_reply(progress_world, tried, text):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:notice-reply", args=[world.notice.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"text": text})
        notice = SupervisionNotice.objects.get(pk=world.notice.pk)
        if response.status_code == 302:
            event("accepted")
            assert notice.state == "answered" and notice.reply_text == stored_as_typed(text)
            assert_escaped(_page(signed_in(world.coordinator), reverse("progress:notice", args=[notice.pk])), text)
            return
        assert response.status_code == 200 and notice.state == "open"
        assert_clear_refusal(form_errors(response, "reply_form"), forms.NoticeReplyForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


# ---------------------------------------------------------------- milestones, completion, lead summary


@cases(55)
@given(met_on=mostly(past_date(), date_text), evidence=hostile_text,
       value=mostly(st.decimals(min_value=0, max_value=9999, places=2).map(str), number_text))
def test_milestone_confirm(progress_world, tried, met_on, evidence, value):
    world = progress_world
    tried()
    client = signed_in(world.coordinator)
    milestone = world.metric_milestone if hasattr(world, "metric_milestone") else _metric_milestone(world)
    url = reverse("progress:milestone-confirm", args=[milestone.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"met_on": met_on, "evidence": evidence, "current_value": value})
        saved = Milestone.objects.get(pk=milestone.pk)
        if response.status_code == 302:
            event("accepted")
            assert saved.evidence == stored_as_typed(evidence) and saved.met_on == _date_as_typed(met_on)
            assert saved.met_on <= timezone.localdate()
            assert_escaped(_page(client, reverse("tasks:detail", args=[saved.task_id])), evidence)
            _reminders_still_collect()
            return
        assert response.status_code == 200 and saved.met_on is None
        assert_clear_refusal(form_errors(response), forms.MilestoneConfirmForm(milestone=saved).fields)
        refused_unchanged(before)

    rolled_back(client, case)


def _metric_milestone(world):
    """A measurable milestone typed by hand (no metric source): the form shows 当前值."""
    from tests.factories import MilestoneFactory

    world.metric_milestone = MilestoneFactory(task=world.task, plan=world.plan, target_value=50, value_unit="%",
                                              due_date=dt.date(2026, 12, 31))
    return world.metric_milestone


@cases(40)
@given(note=hostile_text)
def test_completion_claim(progress_world, tried, note):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:completion-claim", args=[world.assignment.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"note": note})
        if response.status_code == 302:
            event("accepted")
            completion = AssignmentCompletion.objects.get(assignment=world.assignment)
            assert completion.note == stored_as_typed(note)
            page = _page(signed_in(world.coordinator), reverse("progress:assignment", args=[world.assignment.pk]))
            assert_escaped(page, note)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response, "claim_form"), forms.CompletionClaimForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


@cases(35)
@given(decision=mostly(st.sampled_from(["accept", "reject"]), hostile_text), comment=hostile_text)
def test_completion_decision(progress_world, tried, decision, comment):
    world = progress_world
    tried()
    client = signed_in(world.leader)  # the lead unit decides on a responsible unit's claim
    url = reverse("progress:completion-decide", args=[world.completion.pk])

    def case():
        before = table_counts()
        response = client.post(url, {"decision": decision, "comment": comment})
        completion = AssignmentCompletion.objects.get(pk=world.completion.pk)
        if response.status_code == 302:
            event("accepted")
            assert completion.state == {"accept": "accepted", "reject": "rejected"}[decision]
            assert completion.decision_comment == stored_as_typed(comment)
            assert_escaped(_page(client, reverse("progress:assignment", args=[completion.assignment_id])), comment)
            return
        assert response.status_code == 200 and completion.state == "claimed"
        assert_clear_refusal(form_errors(response, "decision_form"), forms.CompletionDecisionForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


@cases(45)
@given(text=hostile_text, period=mostly(st.sampled_from(["", "2026-10", "2020-07", "2026-11"]), month_text))
def test_lead_summary(progress_world, tried, text, period):
    world = progress_world
    tried()
    client = signed_in(world.officer)
    url = reverse("progress:lead", args=[world.task.pk]) + (f"?period={period}" if period else "")

    def case():
        before = table_counts()
        shown = client.get(url)
        assert shown.status_code in (200, 404)  # 404: no such period, or not begun yet
        response = client.post(url, {"text": text})
        if shown.status_code == 404:
            assert response.status_code == 404
            refused_unchanged(before)
            return
        if response.status_code == 302:
            event("accepted")
            summary = LeadSummary.objects.filter(task=world.task).latest("updated_at")
            assert summary.text == stored_as_typed(text)
            assert_escaped(_page(client, response["Location"]), text)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.LeadSummaryForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)
