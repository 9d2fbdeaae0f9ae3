"""Chinese by default; English through Django's language switch."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page and "用户登录" in page


def test_english_is_available(client, users):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(users["viewer"])
    page = client.get(reverse("tasks:list")).content.decode()
    assert '<html lang="en">' in page
    assert "Responsible units" in page and "Sign out" in page
