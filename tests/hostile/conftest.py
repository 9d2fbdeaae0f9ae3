"""The hostile-input suite: counts every generated case it tries and prints
the total, so the figure in the README comes from a run, not a guess."""
from collections import Counter

import pytest

TRIED: Counter = Counter()


@pytest.fixture
def tried(request):
    name = request.node.name

    def _count():
        TRIED[name] += 1

    return _count


def pytest_terminal_summary(terminalreporter):
    if TRIED:
        total = sum(TRIED.values())
        terminalreporter.write_line(f"hostile input: {total} generated cases tried in {len(TRIED)} tests")
