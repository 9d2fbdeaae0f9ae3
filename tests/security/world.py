"""A portal with one object of every kind for "our" side and for "the other"
side, built through the apps' own services, so the access walk and the
hostile-input suite read and write real rows.

Our side:   unit 区人力社保局 (officer, leader) — leads task 1 of the 2020 plan;
            institution 小星星托育中心 (operator), registered at 区市场监管局 (registrar).
Other side: unit 区教委 (other_officer, other_leader) — leads task 14, has no part in task 1;
            institution 别家托育园 (other_operator), a social organisation registered at 区民政局.
Task 1 and task 14 are both outside 区市场监管局's tasks (8, 10, 11, 13), so the
registrar reads neither.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    PDF_BYTES,
    FilingClassFactory,
    FilingDocumentFactory,
    FilingFactory,
    InstitutionFactory,
    MilestoneFactory,
    RegistrationFactory,
    UserFactory,
)

D = dt.date

# Texts only some roles may ever see, on any page: the access walk looks for each
# in every page it is shown and fails if it appears to anyone not listed in SEEN_BY.
MARK = {
    "own report": "甲方已提交进展-标记A1",
    "own draft": "甲方草稿进展-标记A2",
    "own reply": "甲方督办答复-标记A3",
    "own message": "甲方站内消息-标记A4",
    "own phone": "023-6100-0001",
    "own document": "甲方场地证明-标记A6.pdf",
    "other report": "乙方已提交进展-标记B1",
    "other draft": "乙方草稿进展-标记B2",
    "other reply": "乙方督办答复-标记B3",
    "other message": "乙方站内消息-标记B4",
    "other phone": "023-6200-0002",
    "other document": "乙方场地证明-标记B6.pdf",
    "draft plan": "草案方案-标记D1",
    "draft task": "草案任务-标记D2",
}
# Who may see each marked text (access-walk column names).
SEEN_BY = {
    "own report": {"coord", "view", "offi", "lead"},
    "own draft": {"offi", "lead"},
    "own reply": {"coord", "view", "offi", "lead"},
    "own message": {"offi"},
    "own phone": {"coord", "view", "regi", "oper"},
    # The files are the coordinator's and the institution's only (FilingDocumentQuerySet); their
    # names also appear in the filing's history, which the viewer reads (the viewer reads everything).
    "own document": {"coord", "oper", "view"},
    "other report": {"coord", "view", "o_of"},
    "other draft": {"o_of"},
    "other reply": {"coord", "view", "o_of"},
    "other message": {"o_of"},
    "other phone": {"coord", "view", "o_op"},
    "other document": {"coord", "o_op", "view"},
    # A draft plan (with a task our unit leads) is the coordinators' own until it is published.
    "draft plan": {"coord"},
    "draft task": {"coord"},
}
REQUIRED_DOCUMENTS = ("license", "premises", "staff", "hygiene", "fire")


def pdf(name: str = "佐证材料.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _task(plan, number: int):
    from tasks.models import WorkItem

    return WorkItem.objects.get(plan=plan, kind=1, number=number)


def _assignment(task, department_name: str):
    from tasks.models import Assignment

    return Assignment.objects.get(task=task, department__name=department_name)


def _submitted_filing(institution, *, actor):
    """A new filing with everything a submission needs, submitted for review."""
    from institutions import services

    filing = FilingFactory(institution=institution, kind="new", status="draft", commitment_accepted=True)
    FilingClassFactory(filing=filing)
    for kind in REQUIRED_DOCUMENTS:
        FilingDocumentFactory(filing=filing, kind=kind)
    return services.filing_submit(filing=filing, actor=actor)


def _filed_filing(institution, *, operator, coordinator):
    """… and filed (备案回执)."""
    from institutions import services

    return services.filing_approve(filing=_submitted_filing(institution, actor=operator), actor=coordinator)


def build_world(users, *, progress: bool = True, institutions: bool = True) -> SimpleNamespace:
    """Everything (the access walk), or only the progress side or the registry side."""
    from accounts.services import coordinator_group_ensure
    from tasks.models import Plan

    plan = Plan.objects.get(document_number="渝中府办〔2020〕28号")
    w = SimpleNamespace(plan=plan, **users)

    # The coordinator may open the admin site (its index is part of the walk).
    w.coordinator.is_staff = True
    w.coordinator.save(update_fields=["is_staff"])
    w.coordinator.groups.add(coordinator_group_ensure())

    w.unit, w.other_unit = w.officer.department, w.other_officer.department
    w.other_leader = UserFactory(role="leader", department=w.other_unit)
    w.union_officer = UserFactory(role="officer", department__name="区总工会")
    w.other_operator = None
    w.draft_plan = _draft_plan(w)
    if progress:
        _build_progress(w)
    if institutions:
        _build_institutions(w)
    return w


def _draft_plan(w):
    """A draft plan whose one task our unit leads (and 区教委 shares)."""
    from tasks.models import Responsibility
    from tasks.services import assignments_sync
    from tests.factories import PlanFactory, WorkItemFactory

    draft = PlanFactory(status="draft", title=MARK["draft plan"], document_number="", issued_on=D(2026, 11, 1))
    task = WorkItemFactory(plan=draft, number=1, lead_unit=w.unit, title=MARK["draft task"])
    Responsibility.objects.create(task=task, department=w.other_unit, position=1)
    assignments_sync(task=task)
    return draft


def _build_progress(w) -> None:
    from notifications.services import inbox_notify
    from progress import services as prog
    from reports.services import export_job_create, export_job_run

    plan = w.plan

    # --- tasks and assignments ----------------------------------------------------------
    w.task, w.other_task = _task(plan, 1), _task(plan, 14)
    w.assignment = _assignment(w.task, "区人力社保局")
    w.other_assignment = _assignment(w.other_task, "区教委")
    union_on_task = _assignment(w.task, "区总工会")  # a responsible unit of the task we lead

    # --- progress reports: submitted (with evidence), draft (with evidence), approved ---
    def report(actor, assignment, month, *, submit, text=""):
        return prog.report_create(
            actor=actor, assignment=assignment, period=D(2026, month, 1), progress=text or f"{month}月进展。",
            percent=40, problems="无", next_steps="继续推进", files=[pdf(f"{month}月佐证.pdf")], submit=submit,
        )

    w.report = report(w.officer, w.assignment, 10, submit=True, text=MARK["own report"])
    w.draft = report(w.officer, w.assignment, 9, submit=False, text=MARK["own draft"])
    w.approved = prog.report_approve(actor=w.leader, report=report(w.officer, w.assignment, 8, submit=True))
    w.other_report = report(w.other_officer, w.other_assignment, 10, submit=True, text=MARK["other report"])
    w.other_draft = report(w.other_officer, w.other_assignment, 9, submit=False, text=MARK["other draft"])
    w.other_approved = prog.report_approve(
        actor=w.other_leader, report=report(w.other_officer, w.other_assignment, 8, submit=True)
    )
    # A responsible unit's report on the task we lead: our unit reads it, never writes or approves it.
    w.partner_report = report(w.union_officer, union_on_task, 10, submit=True)
    w.report_file, w.draft_file = w.report.files.get(), w.draft.files.get()
    w.other_report_file, w.other_draft_file = w.other_report.files.get(), w.other_draft.files.get()
    w.partner_report_file = w.partner_report.files.get()

    w.summary = prog.lead_summary_save(actor=w.officer, task=w.task, period=D(2026, 10, 1), text="本期汇总。")

    # --- supervision notices: one open, one answered with a file, per unit ---------------
    due = D(2026, 12, 31)

    def notices(assignment, answerer, reply):
        open_ = prog.notice_issue(actor=w.coordinator, assignment=assignment, reason="请报送进展。", reply_due=due)
        answered = prog.notice_issue(actor=w.coordinator, assignment=assignment, reason="请说明滞后原因。", reply_due=due)
        answered = prog.notice_reply(actor=answerer, notice=answered, text=reply, files=[pdf("答复.pdf")])
        return open_, answered, answered.files.get()

    w.notice, w.answered_notice, w.notice_file = notices(w.assignment, w.officer, MARK["own reply"])
    w.other_notice, w.other_answered_notice, w.other_notice_file = notices(
        w.other_assignment, w.other_officer, MARK["other reply"]
    )

    # --- completions: a responsible unit of our task claims (our leader decides); the other unit claims its own --
    w.completion = prog.completion_claim(actor=w.union_officer, assignment=union_on_task, note="已完成。")
    w.other_completion = prog.completion_claim(actor=w.other_officer, assignment=w.other_assignment, note="已完成。")

    # --- milestones on each task, confirmed with a file ---------------------------------
    def milestone(task):
        m = MilestoneFactory(task=task, plan=plan, due_date=D(2026, 12, 15))
        prog.milestone_confirm(actor=w.coordinator, milestone=m, met_on=D(2026, 11, 2), evidence="已达成。",
                               files=[pdf("节点佐证.pdf")])
        return m

    w.milestone, w.other_milestone = milestone(w.task), milestone(w.other_task)
    w.milestone_file, w.other_milestone_file = w.milestone.evidence_files.get(), w.other_milestone.evidence_files.get()

    # --- inbox ---------------------------------------------------------------------------
    w.note = inbox_notify(user=w.officer, title=MARK["own message"], body="本月25日截止。")
    w.other_note = inbox_notify(user=w.other_officer, title=MARK["other message"], body="本月25日截止。")

    # --- background exports (done, with a file) ------------------------------------------
    w.job = export_job_run(job_id=export_job_create(actor=w.officer).pk)
    w.other_job = export_job_run(job_id=export_job_create(actor=w.other_officer).pk)



def _build_institutions(w) -> None:
    from institutions import services as inst

    # --- institutions, registrations, filings, materials ----------------------------------
    w.institution = InstitutionFactory(name="小星星托育中心")
    w.other_institution = InstitutionFactory(
        name="别家托育园", nature="non_profit", legal_form="social_organisation",
        registration_authority__name="区民政局", street__name="七星岗街道办事处", street__kind="street",
    )
    RegistrationFactory(institution=w.institution)
    RegistrationFactory(institution=w.other_institution)
    w.operator.institution = w.institution
    w.operator.save(update_fields=["institution"])
    w.other_operator = UserFactory(role="operator", department=None, institution=w.other_institution)

    def filings(institution, operator, document_name, phone):
        filed = _filed_filing(institution, operator=operator, coordinator=w.coordinator)
        # Filing takes the declared phone into the registry; the marked one goes in afterwards.
        type(institution).objects.filter(pk=institution.pk).update(contact_phone=phone)
        institution.refresh_from_db()
        change = inst.filing_start(institution=institution, kind="change", actor=operator)
        document = inst.filing_document_add(filing=change, actor=operator, kind="premises", upload=pdf(document_name))
        return filed, change, document

    w.filed_filing, w.filing, w.document = filings(w.institution, w.operator, MARK["own document"], MARK["own phone"])
    w.other_filed_filing, w.other_filing, w.other_document = filings(
        w.other_institution, w.other_operator, MARK["other document"], MARK["other phone"]
    )
    # Filings waiting for review (the coordinator's return / approve / reject act on these),
    # of a second institution at each side's registration authority.
    w.submitted_filing = _submitted_filing(
        InstitutionFactory(name="待审托育中心"), actor=w.coordinator
    )
    w.other_submitted_filing = _submitted_filing(
        InstitutionFactory(name="待审托育园", nature="non_profit", legal_form="social_organisation",
                           registration_authority__name="区民政局"),
        actor=w.coordinator,
    )
    for item in (w.institution, w.other_institution):
        item.refresh_from_db()


# The world is the portal as it stood in late November 2026 (reports for August–October,
# notices due by the end of December): its tests run with the clock pinned there.
WORLD_DAY = D(2026, 11, 20)
