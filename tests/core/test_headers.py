"""Security headers on every response."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_security_headers_on_the_login_page(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, users):
    client.force_login(users["viewer"])
    page = client.get(reverse("tasks:list")).content.decode()
    assert "<script>" not in page and " style=" not in page
