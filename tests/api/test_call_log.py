"""The log row of a call outside any transaction — as in production, where no test transaction wraps the request:
on PostgreSQL it is one statement string (the INSERT and this transaction's synchronous_commit off), and it must be
committed with every value, whatever the database."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from api.models import ApiCall, ApiClient
from api.services import api_call_record, api_client_register
from core import clock
from tests.conftest import on_day

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2026, 11, 20)


def test_a_call_outside_a_transaction_is_logged_and_committed(users):
    coordinator = users["coordinator"]
    with on_day(DAY, 10):
        moment = clock.now()
        client = api_client_register(actor=coordinator, name="日志测试", owner_unit=coordinator.department,
                                     user=coordinator, scopes=["plans"], expires_on=DAY + dt.timedelta(days=3)).client
        assert not connection.in_atomic_block
        api_call_record(client=client, method="GET", endpoint="plans", path="/api/v1/plans/", status=200,
                        duration_ms=12)
        api_call_record(client=None, method="GET" * 5, endpoint="e" * 150, path="/p" * 200, status=401,
                        duration_ms=-3)
    connection.close()  # a fresh connection sees only what was committed
    first, second = ApiCall.objects.order_by("id")
    assert (first.client_id, first.method, first.endpoint, first.path, first.status, first.duration_ms) == \
        (client.pk, "GET", "plans", "/api/v1/plans/", 200, 12)
    assert dt.timedelta(0) <= first.at - moment < dt.timedelta(seconds=5)  # the call's own moment
    assert (second.client_id, len(second.method), len(second.endpoint), len(second.path), second.duration_ms) == \
        (None, 8, 100, 300, 0)
    assert ApiClient.objects.count() == 1
