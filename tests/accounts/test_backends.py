"""The signed-in user arrives with their unit: the header shows it on every page
without a query of its own."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_unit_without_a_query_for_it(users, client):
    officer = users["officer"]
    client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:password-change-done"))
    assert response.status_code == 200
    assert officer.department.name in response.content.decode()
    unit_only = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "agencies_department"')]
    assert unit_only == []


def test_an_inactive_user_is_signed_out(users, client):
    officer = users["officer"]
    client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD})
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
