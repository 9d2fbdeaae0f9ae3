import pytest

from tests.factories import (
    FilingClassFactory,
    FilingDocumentFactory,
    FilingFactory,
    InstitutionFactory,
    UserFactory,
)


@pytest.fixture
def operator(users):
    """users["operator"] linked to an institution of 解放碑街道 registered at 区市场监管局."""
    user = users["operator"]
    user.institution = InstitutionFactory(name="小星星托育中心")
    user.save(update_fields=["institution"])
    return user


@pytest.fixture
def other_institution(plan_2020):
    return InstitutionFactory(name="别家托育园", street__name="七星岗街道办事处", street__kind="street")


@pytest.fixture
def other_operator(other_institution):
    return UserFactory(role="operator", department=None, institution=other_institution)


def complete_filing(institution, *, kind="new", status="draft", documents=("license", "premises", "staff", "hygiene", "fire"),
                    **fields):
    """A filing with everything a submission needs (classes, materials, 承诺书)."""
    filing = FilingFactory(institution=institution, kind=kind, status=status, commitment_accepted=True, **fields)
    FilingClassFactory(filing=filing)
    for doc in documents:
        FilingDocumentFactory(filing=filing, kind=doc)
    return filing


@pytest.fixture
def make_complete_filing():
    return complete_filing
