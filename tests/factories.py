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
