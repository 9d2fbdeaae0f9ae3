import datetime as dt

import pytest

from tests.conftest import pinned_to

from .receiver import start

# The reminder world of tests/notifications is dated November 2026.
_on_the_worlds_day = pinned_to(dt.date(2026, 11, 28))


@pytest.fixture
def receiver(settings):
    """A running local robot endpoint; the portal may send to it (http, 127.0.0.1) for this test."""
    settings.MESSENGER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MESSENGER_HTTPS_ONLY = False
    receiver, server = start()
    yield receiver
    server.shutdown()
    server.server_close()
