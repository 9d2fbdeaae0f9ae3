"""The committed OpenAPI document (api/openapi.yaml) is the code's: regenerated here, any difference fails.
After changing the API: `.venv/bin/python manage.py spectacular --file api/openapi.yaml`."""
from __future__ import annotations

import io
from pathlib import Path

import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"


def test_the_committed_schema_matches_the_code():
    out = io.StringIO()
    call_command("spectacular", stdout=out)
    assert out.getvalue() == COMMITTED.read_text(encoding="utf-8"), (
        "api/openapi.yaml 与代码不一致：请运行 manage.py spectacular --file api/openapi.yaml 并提交。"
    )


def test_every_operation_documents_problem_details_in_chinese():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                content = operation["responses"][code]["content"]
                assert list(content) == ["application/problem+json"], (path, method, code)
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
