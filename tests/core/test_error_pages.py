"""The portal's own error pages (issue 14): in Chinese, in the portal's frame, each with
a way back — never Django's English pages."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def _ways_back(html):
    assert "托育机构信息公示" in html and ('返回首页' in html or '登录' in html)
    assert "Django" not in html and "Not Found" not in html and "Forbidden" not in html


def test_404_is_the_portals_page(client, users):
    client.force_login(users["officer"])
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在（404）" in html
    _ways_back(html)
    assert 'href="/"' in html  # 返回首页 for a signed-in user


def test_403_is_the_portals_page(client, users):
    client.force_login(users["officer"])
    response = client.get(reverse("institutions:list"))
    html = response.content.decode()
    assert response.status_code == 403 and "无权访问（403）" in html
    _ways_back(html)


def test_500_is_the_portals_page_without_the_database():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "系统暂时出错（500）" in html
    _ways_back(html)


def test_an_expired_form_says_so_in_chinese(users):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403 and "页面已过期，请重新提交" in html and "数据没有保存" in html
    _ways_back(html)
    assert "CSRF verification failed" not in html


def test_lockout_names_the_wait_in_minutes(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    get_user_model().objects.create_user(username="locked", password="right-Password-1")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "locked", "password": "wrong"})
    html = response.content.decode()
    assert "账号已暂时锁定" in html and f"请 {int(settings.AXES_COOLOFF_TIME * 60)} 分钟后再试" in html
    assert "PT" not in html
    _ways_back(html)
