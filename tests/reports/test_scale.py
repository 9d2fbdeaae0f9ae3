"""The generated dataset is deterministic and consistent with the rules."""
import pytest

from reports.scale import Scale, generate

pytestmark = pytest.mark.django_db


def test_same_seed_same_data(django_db_blocker):
    from progress.models import ProgressReport, ReportTransition

    counts = generate(Scale(plans=1, units_per_plan=6, months=4, institutions=10, seed=3))
    fingerprint = sorted(ProgressReport.objects.values_list("assignment__department__name", "period__start",
                                                            "percent", "state", "version"))
    assert counts["reports"] == len(fingerprint) > 0
    assert ReportTransition.objects.count() == counts["transitions"]
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    again = generate(Scale(plans=1, units_per_plan=6, months=4, institutions=10, seed=3))
    assert again == counts
    assert sorted(ProgressReport.objects.values_list("assignment__department__name", "period__start",
                                                     "percent", "state", "version")) == fingerprint


def test_credit_codes_are_valid():
    from institutions.models import Institution
    from institutions.validators import validate_credit_code

    generate(Scale(plans=1, units_per_plan=6, months=2, institutions=25, seed=4))
    for code in Institution.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
