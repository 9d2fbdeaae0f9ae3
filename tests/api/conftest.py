"""API clients for the tests: one registered client per kind of bound user, through the coordinators' service,
each with its one-time token; and the world of tests/security (our unit / the other unit) to read."""
from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.conftest import pinned_to
from tests.security.world import WORLD_DAY, build_world

_pinned = pinned_to(WORLD_DAY)

READ_ALL = ["plans", "assignments", "reports", "milestones", "notices", "directory", "institutions", "indicators"]
# Kind of client → the world's user it is bound to.
BOUND = {
    "coord": "coordinator", "view": "viewer", "offi": "officer", "lead": "leader", "regi": "registrar",
    "oper": "operator", "o_of": "other_officer", "o_op": "other_operator",
}


def register(w, user, scopes=None, *, name="测试系统", expires_on=None):
    from api.services import api_client_register

    return api_client_register(
        actor=w.coordinator, name=name, owner_unit=user.department or w.coordinator.department, user=user,
        scopes=scopes or (READ_ALL + (["reports:write"] if user.role == "officer" else [])),
        expires_on=expires_on or WORLD_DAY + dt.timedelta(days=30),
    )


def api_client(token: str | None) -> APIClient:
    client = APIClient(raise_request_exception=True)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def world(users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world(users)


@pytest.fixture
def tokens(world):
    """kind → token (each client registered through api_client_register)."""
    return {kind: register(world, getattr(world, attr), name=f"系统-{kind}").token for kind, attr in BOUND.items()}
