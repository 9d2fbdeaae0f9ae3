"""The generated dataset is deterministic and consistent with the rules."""
import pytest

from reports.scale import Scale, generate

pytestmark = pytest.mark.django_db


def test_same_seed_same_data():
    from django.db import transaction

    from progress.models import ProgressReport, ReportTransition

    def fingerprint():
        return sorted(ProgressReport.objects.values_list(
            "assignment__department__name", "assignment__task__number", "period__start", "percent", "state",
            "version", "progress"))

    scale = Scale(plans=1, units_per_plan=6, months=4, institutions=10, seed=3)
    savepoint = transaction.savepoint()
    counts = generate(scale)
    first = fingerprint()
    assert counts["reports"] == len(first) > 0
    assert ReportTransition.objects.count() == counts["transitions"]
    transaction.savepoint_rollback(savepoint)
    assert ProgressReport.objects.count() == 0
    assert generate(scale) == counts
    assert fingerprint() == first


def test_credit_codes_are_valid():
    from institutions.models import Institution
    from institutions.validators import validate_credit_code

    generate(Scale(plans=1, units_per_plan=6, months=2, institutions=25, seed=4))
    for code in Institution.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
