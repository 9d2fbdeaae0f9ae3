"""Chinese only (issue 14, item 12): no language switch, no half translation; a browser
asking for English still gets the portal in Chinese."""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def test_every_page_is_chinese_whatever_the_browser_asks(client, users):
    client.force_login(users["viewer"])
    page = client.get(reverse("tasks:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in page
    assert "任务清单" in page and "退出" in page
    assert "Sign out" not in page and "Responsible units" not in page


def test_there_is_no_language_switch(client):
    with pytest.raises(NoReverseMatch):
        reverse("set_language")
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans"] and settings.LANGUAGE_CODE == "zh-hans"
    assert not (Path(settings.BASE_DIR) / "locale").exists()
    assert 'name="language"' not in client.get(reverse("login")).content.decode()
