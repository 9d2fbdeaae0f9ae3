"""The hostile-input suite: counts every generated case it tries and prints
the total, so the figure in the README comes from a run, not a guess."""
from collections import Counter

import pytest

from tests.conftest import pinned_to
from tests.security.world import WORLD_DAY

TRIED: Counter = Counter()
# Refused cases that nonetheless changed rows (tests/hostile/helpers.refused_unchanged); must stay 0.
PARTIAL: Counter = Counter()


@pytest.fixture
def tried(request):
    name = request.node.name

    def _count():
        TRIED[name] += 1

    return _count


def pytest_terminal_summary(terminalreporter):
    if TRIED:
        total = sum(TRIED.values())
        terminalreporter.write_line(
            f"hostile input: {total} generated cases tried in {len(TRIED)} tests; "
            f"{PARTIAL['writes']} partial writes"
        )


def _world(users, settings, tmp_path, **parts):
    from reports.cache import clear
    from tests.security.world import build_world

    from .helpers import signed_in

    settings.MEDIA_ROOT = str(tmp_path / "media")
    clear()
    w = build_world(users, **parts)
    # Signed in once, outside any case's rolled-back transaction (the session row must survive the cases).
    for user in (w.coordinator, w.officer, w.leader, w.viewer, w.registrar, w.operator, w.other_officer,
                 w.other_operator):
        if user is not None:
            signed_in(user)
    return w


@pytest.fixture
def world(users, settings, tmp_path):
    """The access walk's portal (tests/security/world.py): our unit and another,
    our institution and another, with an object of every kind."""
    yield _world(users, settings, tmp_path)
    from reports.cache import clear

    clear()


@pytest.fixture
def progress_world(users, settings, tmp_path):
    """Its progress side only (reports, notices, milestones, completions, inbox, exports)."""
    yield _world(users, settings, tmp_path, institutions=False)


@pytest.fixture
def registry_world(users, settings, tmp_path):
    """Its registry side only (institutions, registrations, filings, materials)."""
    yield _world(users, settings, tmp_path, progress=False)


# The world (tests/security/world.py) is dated: late November 2026. Its tests run there.
_pinned_to_the_worlds_day = pinned_to(WORLD_DAY)
