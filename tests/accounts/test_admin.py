"""The admin site cannot be turned against its users: no session key on any page;
privilege granted by superusers only (a coordinator's ticks are refused server-side);
a privileged account's password set by itself or a superuser; every change of role,
unit, privilege or password in the history and in the affected user's inbox; ending
a session signs the browser out."""
from __future__ import annotations

import pytest
from django import forms
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User, UserSession
from accounts.services import COORDINATOR_GROUP, user_create
from audit.models import ObjectChange
from notifications.models import Notification
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def staff(users):
    """A coordinator made the portal's way (staff, coordinators' group) and a superuser."""
    coordinator = user_create(username="coord-admin", password=TEST_PASSWORD, role="coordinator",
                              department=users["coordinator"].department, full_name="王督办")
    root = User.objects.create_superuser(username="root", email="root@example.cn", password=TEST_PASSWORD)
    return {"coordinator": coordinator, "superuser": root}


def signed_in(user, **extra) -> Client:
    client = Client(raise_request_exception=False, **extra)
    client.force_login(user)
    return client


def browsing_session(user) -> UserSession:
    """A real signed-in browser of the user (its session and its UserSession row)."""
    client = signed_in(user, HTTP_USER_AGENT=CHROME_UA)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    return UserSession.objects.get(user=user)


def change_form_data(client, user) -> dict:
    """The admin change form of `user` as its page fills it in (so a POST is valid)."""
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


# --- session keys ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_no_admin_page_shows_a_session_key(users, staff, who):
    session = browsing_session(users["officer"])
    key = session.session_key
    client = signed_in(staff[who])
    pages = [
        reverse("admin:accounts_usersession_changelist"),
        reverse("admin:accounts_usersession_change", args=[session.pk]),
        reverse("admin:accounts_usersession_history", args=[session.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[users["officer"].pk]),
        reverse("admin:accounts_user_history", args=[users["officer"].pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert key not in response.content.decode(), url
    listing = client.get(pages[0]).content.decode()
    assert "Chrome · Windows" in listing and "127.0.0.1" in listing  # device and IP instead
    # The action's confirmation-free run and its message do not show it either.
    response = client.post(pages[0], {"action": "end_sessions", "_selected_action": [session.pk]}, follow=True)
    assert key not in response.content.decode()


def test_ending_a_session_signs_the_browser_out(users, staff):
    officer = users["officer"]
    browser = signed_in(officer, HTTP_USER_AGENT=CHROME_UA)
    assert browser.get(reverse("notifications:inbox")).status_code == 200
    session = UserSession.objects.get(user=officer)
    response = signed_in(staff["coordinator"]).post(
        reverse("admin:accounts_usersession_changelist"),
        {"action": "end_sessions", "_selected_action": [session.pk]},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session.session_key).exists()
    assert not UserSession.objects.filter(pk=session.pk).exists()
    assert browser.get(reverse("notifications:inbox")).status_code == 302  # signed out
    record = ObjectChange.objects.filter(object_id=str(officer.pk), comment__startswith="结束登录会话").get()
    assert record.actor == staff["coordinator"] and session.session_key not in record.comment


# --- privilege ---------------------------------------------------------------------------


def test_coordinator_cannot_grant_superuser_or_staff(users, staff):
    officer = users["officer"]
    client = signed_in(staff["coordinator"])
    page = client.get(reverse("admin:accounts_user_change", args=[officer.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    data = change_form_data(client, officer)
    group = staff["coordinator"].groups.get()
    data.update(is_superuser="on", is_staff="on", groups=[str(group.pk)], full_name="改名后")
    response = client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data)
    assert response.status_code == 302  # the form was valid: the other change is saved …
    officer.refresh_from_db()
    assert officer.full_name == "改名后"
    assert not officer.is_superuser and not officer.is_staff and not officer.groups.exists()  # … privilege is not


def test_superuser_can_grant_privilege_and_the_user_is_told(users, staff):
    officer = users["officer"]
    client = signed_in(staff["superuser"])
    data = change_form_data(client, officer)
    data.update(is_staff="on")
    assert client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data).status_code == 302
    officer.refresh_from_db()
    assert officer.is_staff
    note = Notification.objects.get(recipient=officer)
    assert "管理后台登录：否 → 是" in note.body


def test_coordinator_cannot_edit_a_superuser(staff):
    client = signed_in(staff["coordinator"])
    root = staff["superuser"]
    data = change_form_data(signed_in(root), root)
    data.update(is_active="", email="evil@example.cn")
    data.pop("is_active")
    assert client.post(reverse("admin:accounts_user_change", args=[root.pk]), data).status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.email == "root@example.cn"


# --- passwords ---------------------------------------------------------------------------


def _set_password(client, user):
    return client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                       {"password1": "Neues-Pass-2026!x", "password2": "Neues-Pass-2026!x", "usable_password": "true"})


def test_only_a_superuser_sets_another_privileged_users_password(users, staff):
    other_coordinator = users["coordinator"]
    coordinator = staff["coordinator"]
    assert _set_password(signed_in(coordinator), other_coordinator).status_code == 403
    assert _set_password(signed_in(coordinator), staff["superuser"]).status_code == 403
    other_coordinator.refresh_from_db()
    assert other_coordinator.check_password(TEST_PASSWORD)
    assert _set_password(signed_in(staff["superuser"]), other_coordinator).status_code == 302
    other_coordinator.refresh_from_db()
    assert other_coordinator.check_password("Neues-Pass-2026!x")


def test_admin_password_change_is_recorded_and_told(users, staff):
    officer = users["officer"]
    assert _set_password(signed_in(staff["coordinator"]), officer).status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Neues-Pass-2026!x")
    record = ObjectChange.objects.get(object_id=str(officer.pk), comment__contains="重设了密码")
    assert record.actor == staff["coordinator"] and "Neues" not in str(record.changes)
    note = Notification.objects.get(recipient=officer)
    assert note.title == "您的登录密码已修改" and "王督办" in note.body


def test_own_password_change_is_recorded_and_told(users):
    officer = users["officer"]
    client = signed_in(officer)
    response = client.post(reverse("accounts:password-change"), {
        "old_password": TEST_PASSWORD, "new_password1": "Anders-Neu-2026!x", "new_password2": "Anders-Neu-2026!x"})
    assert response.status_code == 302
    assert ObjectChange.objects.filter(object_id=str(officer.pk), comment="修改密码", actor=officer).exists()
    assert "本人" in Notification.objects.get(recipient=officer, title="您的登录密码已修改").body


# --- role and unit -------------------------------------------------------------------------


def test_role_and_unit_changes_are_recorded_and_told(users, staff):
    officer = users["officer"]
    new_unit = users["other_officer"].department
    client = signed_in(staff["coordinator"])
    data = change_form_data(client, officer)
    data.update(role="leader", department=str(new_unit.pk))
    assert client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data).status_code == 302
    officer.refresh_from_db()
    assert officer.role == "leader" and officer.department == new_unit
    record = ObjectChange.objects.filter(object_id=str(officer.pk), comment="管理后台").latest("pk")
    assert record.actor == staff["coordinator"]
    changed = {tuple(v) for v in record.changes.values()}
    assert ("填报员", "审核人") in changed and ("区人力社保局", new_unit.name) in changed
    body = Notification.objects.get(recipient=officer).body
    assert "角色：填报员 → 审核人" in body and f"所属单位：区人力社保局 → {new_unit.name}" in body


def test_a_coordinator_making_a_coordinator_grants_no_privilege(users, staff):
    officer = users["officer"]
    client = signed_in(staff["coordinator"])
    data = change_form_data(client, officer)
    data.update(role="coordinator")
    assert client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data).status_code == 302
    officer.refresh_from_db()
    assert officer.role == "coordinator" and not officer.is_staff and not officer.groups.exists()


def test_a_superuser_making_a_coordinator_gives_the_admin_site_and_taking_it_away(users, staff):
    officer = users["officer"]
    client = signed_in(staff["superuser"])
    data = change_form_data(client, officer)
    data.update(role="coordinator")
    client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data)
    officer.refresh_from_db()
    assert officer.is_staff and officer.groups.filter(name=COORDINATOR_GROUP).exists() and not officer.is_superuser
    data = change_form_data(client, officer)
    data.update(role="officer")
    client.post(reverse("admin:accounts_user_change", args=[officer.pk]), data)
    officer.refresh_from_db()
    assert not officer.is_staff and not officer.groups.exists()
    assert "管理后台登录：是 → 否" in Notification.objects.filter(recipient=officer).latest("pk").body
