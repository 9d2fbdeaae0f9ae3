import pytest

from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db


def test_every_list_answers(world, tokens):
    client = api_client(tokens["coord"])
    for path in ["plans", "items", "assignments", "reports", "milestones", "notices", "directory", "institutions",
                 "filings", "indicators"]:
        r = client.get(f"/api/v1/{path}/")
        print(path, r.status_code, r.content.decode()[:200])
        assert r.status_code == 200
