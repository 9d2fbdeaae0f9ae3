"""Schemathesis against a live server: requests generated from the committed schema (api/openapi.yaml) for every
operation, with a token of each kind of client; 0 server errors and 0 responses that do not match the schema.
API_FUZZ_EXAMPLES (default 12) bounds the cases per operation for the coordinator's client, API_FUZZ_EXAMPLES_EACH
(default 3) for each other kind of client; the number run is printed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.db import connection
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import BOUND, register
from tests.security.world import build_world

SCHEMA = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
EXAMPLES_EACH = int(os.environ.get("API_FUZZ_EXAMPLES_EACH", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db(transaction=True)
def test_generated_requests_find_no_server_error_and_no_response_off_the_schema(live_server, users, settings,
                                                                                 tmp_path, capsys):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.API_RATE = "1000000/min"
    w = build_world(users)
    tokens = {kind: register(w, getattr(w, attr), name=f"模糊测试-{kind}").token for kind, attr in BOUND.items()}
    schema = schemathesis.openapi.from_dict(yaml.safe_load(SCHEMA.read_text(encoding="utf-8")))
    operations = [result.ok() for result in schema.get_all_operations()]
    cases, failures = {"n": 0}, []

    for kind, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        for operation in operations:
            @hypothesis_settings(max_examples=EXAMPLES if kind == "coord" else EXAMPLES_EACH, deadline=None, database=None, derandomize=True,
                                 phases=[Phase.explicit, Phase.generate],
                                 suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case):
                response = case.call(base_url=live_server.url, headers=headers)
                cases["n"] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Exception, BaseExceptionGroup) as exc:  # collected: every failure is reported, not only the first
                    failures.append(f"{kind} {operation.label}: {str(exc)[:400]}")

            run()
    with capsys.disabled():
        print(f"\nschemathesis ({connection.vendor}): {cases['n']} generated cases over {len(operations)} operations "
              f"× {len(tokens)} kinds of client; {len(failures)} failures")
    assert cases["n"] >= len(operations) * len(tokens)
    assert not failures, "\n\n".join(failures[:20])
