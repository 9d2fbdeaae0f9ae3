"""Prints the access walk's size and its unexpected-200 count at the end of the run."""
import pytest

from . import STATS


def pytest_terminal_summary(terminalreporter):
    for kind, s in STATS.items():
        terminalreporter.write_line(
            f"access walk {kind}: {s['urls']} URLs, {s['rows']} rows × {s['roles']} roles = {s['cells']} cells; "
            f"{s['unexpected_200']} unexpected 200s; {s['mismatches']} cells differ from the table"
        )


@pytest.fixture(autouse=True)
def _pinned_to_the_worlds_day():
    """The world (tests/security/world.py) is dated: late November 2026. Its tests run there."""
    from tests.conftest import on_day
    from tests.security.world import WORLD_DAY

    with on_day(WORLD_DAY):
        yield
