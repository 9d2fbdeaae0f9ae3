"""Who may open the work-messenger pages (工作消息): the coordinators only.
Anonymous → the login page; every other role → 403, the staff of the robot's
own unit included (a robot posts into a unit's group, but configuring it and
reading its record is the district's); a robot that does not exist → 404.
A refused POST changes nothing.

The GET, POST and TARGETS tables are in test_access_walk.py's format (its
`test_every_url_has_a_row` counts these rows too) and are walked here over the
walk's world, with our unit's robot and a delivery of a marked inbox message:
the deliveries page must not show the message's text, even to a coordinator."""
from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from messenger import services
from messenger.models import MessengerChannel, MessengerDelivery
from notifications.services import inbox_notify

from .test_access_walk import (
    REFUSED,
    _cells,
    _clients,
    _in_rollback,
    _outcome,
    _report,
    db_fingerprint,
    walk_get,
    world,  # noqa: F401  (the fixture)
)
from .world import MARK

pytestmark = pytest.mark.django_db

URL = "https://oapi.dingtalk.com/robot/send?access_token=walk-token"
REFUSED_ROLES = ("officer", "leader", "viewer", "registrar", "operator", "other_officer")

#                                                        anon coord offi lead view regi oper o_of o_op su
GET = {
    ("messenger:channels", "-"):                         "L    200   403  403  403  403  403  403  403   2F",
    ("messenger:deliveries", "-"):                       "L    200   403  403  403  403  403  403  403   2F",
    ("messenger:channel-deactivate", "own"):             "L    405   403  403  403  403  403  403  403   2F",
    ("messenger:channel-test", "own"):                   "L    405   403  403  403  403  403  403  403   2F",
}
POST = {
    ("messenger:channels", "-"):                         "L    R     403  403  403  403  403  403  403   2F",
    ("messenger:channel-deactivate", "own"):             "L    R     403  403  403  403  403  403  403   2F",
    ("messenger:channel-test", "own"):                   "L    R     403  403  403  403  403  403  403   2F",
}


def _robot(w):
    return ([w.messenger_channel.pk], "")


TARGETS = {
    "messenger:channels": {"-": lambda w: ([], "")},
    "messenger:deliveries": {"-": lambda w: ([], "")},
    "messenger:channel-deactivate": {"own": _robot},
    "messenger:channel-test": {"own": _robot},
}


def _url(w, name: str, variant: str) -> str:
    args, query = TARGETS[name][variant](w)
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def _post_body(w, name: str) -> dict:
    bodies = {
        "messenger:channels": {"unit": w.unit.pk, "kind": "wecom", "name": "工作群",
                               "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=walk"},
    }
    return bodies.get(name, {})


@pytest.fixture
def messenger_world(world):  # noqa: F811  (the fixture imported above)
    """Our unit's robot, and one of our officer's (marked, private) messages recorded for it."""
    world.messenger_channel = services.messenger_channel_create(
        actor=world.coordinator, unit=world.unit, kind="dingtalk", name="工作群", webhook_url=URL,
        secret="SECwalk-secret",
    )
    with transaction.atomic():  # never committed under the test's transaction: nothing is sent
        inbox_notify(user=world.officer, title=MARK["own message"], category="notice")
    assert MessengerDelivery.objects.filter(channel=world.messenger_channel).count() == 1
    return world


def test_get_walk_messenger(messenger_world):
    walk_get(messenger_world, GET, _url, "GET messenger")


def test_post_walk_messenger(messenger_world):
    clients = _clients(messenger_world)
    baseline_rows = db_fingerprint()
    results = []
    for name, variant, role, expected in _cells(POST):
        client = clients[role]
        url = _url(messenger_world, name, variant)

        def post():
            response = client.post(url, _post_body(messenger_world, name))
            got = _outcome(response)
            changed = (got in REFUSED or got == "2F") and db_fingerprint() != baseline_rows
            return got, changed

        got, changed = _in_rollback(client, post)
        results.append((name, variant, role, expected, got + ("+changed" if changed else ""), ""))
    _report("POST messenger", POST, results)
    assert db_fingerprint() == baseline_rows


# ---------------------------------------------------------------- the same, spelled out per role


@pytest.fixture
def channel(users):
    # A robot of 区人力社保局: the unit of `officer` and `leader`.
    return services.messenger_channel_create(
        actor=users["coordinator"], unit=users["officer"].department, kind="dingtalk", name="工作群",
        webhook_url=URL, secret="SECwalk-secret",
    )


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pages(channel):
    return [reverse("messenger:channels"), reverse("messenger:deliveries")]


def test_anonymous_is_sent_to_the_login_page(channel):
    client = _client()
    for url in _pages(channel):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    for name in ("messenger:channel-deactivate", "messenger:channel-test"):
        response = client.post(reverse(name, args=[channel.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert MessengerChannel.objects.get(pk=channel.pk).active
    assert MessengerDelivery.objects.count() == 0


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_every_other_role_is_refused_the_robots_own_unit_included(users, channel, role):
    client = _client(users[role])
    for url in _pages(channel):
        assert client.get(url).status_code == 403, (role, url)
    assert client.post(reverse("messenger:channel-deactivate", args=[channel.pk])).status_code == 403
    assert client.post(reverse("messenger:channel-test", args=[channel.pk])).status_code == 403
    response = client.post(reverse("messenger:channels"), {
        "unit": users[role].department_id or users["officer"].department_id, "kind": "wecom", "name": "私建",
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": "",
    })
    assert response.status_code == 403
    assert list(MessengerChannel.objects.values_list("pk", "active")) == [(channel.pk, True)]
    assert MessengerDelivery.objects.count() == 0


def test_a_robot_that_does_not_exist_is_a_404(users, channel):
    client = _client(users["coordinator"])
    assert client.post(reverse("messenger:channel-deactivate", args=[channel.pk + 1000])).status_code == 404
    assert client.post(reverse("messenger:channel-test", args=[channel.pk + 1000])).status_code == 404
    assert client.get(reverse("messenger:channel-deactivate", args=[channel.pk])).status_code == 405


def test_the_coordinator_opens_the_pages_tests_and_deactivates(users, channel, monkeypatch):
    client = _client(users["coordinator"])
    for url in _pages(channel):
        response = client.get(url)
        assert response.status_code == 200
        assert "walk-token" not in response.content.decode() and "SECwalk-secret" not in response.content.decode()
    monkeypatch.setattr(services, "delivery_dispatch", lambda pk: None)  # no robot is called here
    assert client.post(reverse("messenger:channel-test", args=[channel.pk])).status_code == 302
    assert MessengerDelivery.objects.get().channel == channel
    assert client.post(reverse("messenger:channel-deactivate", args=[channel.pk])).status_code == 302
    assert not MessengerChannel.objects.get(pk=channel.pk).active
