"""Every factory of the test suite, in one place."""
import factory
from factory.django import DjangoModelFactory

TEST_PASSWORD = "Portal-test-2026!"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = "agencies.Department"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "government"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "officer"
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.Plan"

    title = factory.Sequence(lambda n: f"测试方案{n}")
    document_number = factory.Sequence(lambda n: f"测试〔2026〕{n}号")
    # Plans in tests are live unless a test says otherwise (PlanFactory(status="draft")),
    # in force from their issue date like the plans that existed before the lifecycle.
    status = "in_force"
    issued_on = None
    in_force_from = factory.LazyAttribute(lambda o: o.issued_on)


class WorkItemFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.WorkItem"

    plan = factory.SubFactory(PlanFactory)
    kind = 1
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"测试任务{n}")
    content = "具体任务内容"
    lead_unit = factory.SubFactory(DepartmentFactory)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.Assignment"

    task = factory.SubFactory(WorkItemFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = "responsible"


# --- institutions (issue 4) ------------------------------------------------------------


def _today_2026_03_01():
    import datetime

    return datetime.date(2026, 3, 1)


def _now():
    from django.utils import timezone

    return timezone.now()


def credit_code(n: int, prefix: str = "91500103") -> str:
    """A genuinely valid 统一社会信用代码 (both check characters computed);
    91 = 工商·企业, 500103 = 渝中区."""
    from institutions.validators import make_credit_code

    return make_credit_code(prefix, f"MA{n:06d}")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.Institution"

    name = factory.Sequence(lambda n: f"测试托育中心{n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    nature = "for_profit"
    legal_form = "enterprise"
    registration_authority = factory.SubFactory(DepartmentFactory, name="区市场监管局")
    street = factory.SubFactory(DepartmentFactory, name="解放碑街道办事处", kind="street")
    address = factory.Sequence(lambda n: f"渝中区民族路{n}号")
    legal_representative = "张园长"
    contact_phone = "023-63000000"
    public_phone = "023-63111111"
    capacity = 60
    offers_full_day = True
    registered_on = factory.LazyFunction(_today_2026_03_01)


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.Registration"

    institution = factory.SubFactory(InstitutionFactory)
    authority = factory.SelfAttribute("institution.registration_authority")
    registered_on = factory.SelfAttribute("institution.registered_on")
    pushed_at = factory.LazyFunction(_now)


class FilingFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.Filing"

    institution = factory.SubFactory(InstitutionFactory)
    kind = "new"
    status = "draft"
    principal_name = "张园长"
    contact_phone = "023-63000000"
    public_phone = "023-63111111"
    address = factory.SelfAttribute("institution.address")
    premises_ownership = "leased"
    lease_years = 5
    capacity = 60
    offers_full_day = True


class FilingClassFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.FilingClass"

    filing = factory.SubFactory(FilingFactory)
    kind = "toddler"
    children = 15
    caregivers = 3


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FilingDocumentFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.FilingDocument"

    filing = factory.SubFactory(FilingFactory)
    kind = "license"
    file = factory.django.FileField(filename="filings/test/doc.pdf", data=PDF_BYTES)
    original_name = "营业执照.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class HolidayDayFactory(DjangoModelFactory):
    class Meta:
        model = "institutions.HolidayDay"
        django_get_or_create = ("date",)

    kind = "work"
    name = "测试调整"


# ---- progress (issue 3): periods, reports, notices, completions ----


def _date(*args):
    import datetime

    return datetime.date(*args)


def _month_spec(start):
    from progress.periods import spec_for

    return spec_for(start=start, months=1, due_day=25)


class ReportingPeriodFactory(DjangoModelFactory):
    class Meta:
        model = "progress.ReportingPeriod"
        django_get_or_create = ("plan", "start")

    plan = factory.SubFactory(PlanFactory)
    start = factory.LazyFunction(lambda: _date(2026, 11, 1))
    end = factory.LazyAttribute(lambda o: _month_spec(o.start).end)
    due_date = factory.LazyAttribute(lambda o: _month_spec(o.start).due_date)
    months = 1
    label = factory.LazyAttribute(lambda o: _month_spec(o.start).label)


class ProgressReportFactory(DjangoModelFactory):
    class Meta:
        model = "progress.ProgressReport"

    assignment = factory.SubFactory(AssignmentFactory)
    period = factory.SubFactory(ReportingPeriodFactory, plan=factory.SelfAttribute("..assignment.task.plan"))
    version = 1
    state = "draft"
    progress = "本期按计划推进。"
    percent = 50
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..assignment.department"))


class ReportTransitionFactory(DjangoModelFactory):
    class Meta:
        model = "progress.ReportTransition"

    report = factory.SubFactory(ProgressReportFactory)
    assignment = factory.SelfAttribute("report.assignment")
    from_state = "submitted"
    to_state = "approved"


class SupervisionNoticeFactory(DjangoModelFactory):
    class Meta:
        model = "progress.SupervisionNotice"

    year = 2026
    seq = factory.Sequence(lambda n: n + 1)
    assignment = factory.SubFactory(AssignmentFactory)
    reason = "进展滞后，请说明情况。"
    reply_due = factory.LazyFunction(lambda: _date(2026, 12, 10))
    issued_by = factory.SubFactory(UserFactory, role="coordinator")


class AssignmentCompletionFactory(DjangoModelFactory):
    class Meta:
        model = "progress.AssignmentCompletion"

    assignment = factory.SubFactory(AssignmentFactory)
    state = "claimed"
    note = "本单位承担的工作已全部完成。"
    claimed_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..assignment.department"))


# --- notifications (issue 6) ---------------------------------------------------------


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = "tasks.Milestone"

    plan = factory.SelfAttribute("task.plan")
    task = factory.SubFactory(WorkItemFactory)
    title = factory.Sequence(lambda n: f"测试节点目标{n}")
    due_date = factory.LazyFunction(lambda: _date(2026, 12, 15))


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"测试消息{n}")
    body = "消息内容"
# --- end notifications ---
