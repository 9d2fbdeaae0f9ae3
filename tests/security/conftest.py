"""Prints the access walk's size and its unexpected-200 count at the end of the run."""

from tests.conftest import pinned_to
from tests.security.world import WORLD_DAY

from . import CRAWL, STATS


def pytest_terminal_summary(terminalreporter):
    for kind, s in STATS.items():
        terminalreporter.write_line(
            f"access walk {kind}: {s['urls']} URLs, {s['rows']} rows × {s['roles']} roles = {s['cells']} cells; "
            f"{s['unexpected_200']} unexpected 200s; {s['mismatches']} cells differ from the table"
        )
    if CRAWL:
        pages, links = sum(c["pages"] for c in CRAWL.values()), sum(c["links"] for c in CRAWL.values())
        dead = sum(c["dead"] for c in CRAWL.values())
        each = ", ".join(f"{role} {c['pages']}/{c['links']}" for role, c in CRAWL.items())
        terminalreporter.write_line(
            f"link crawl: {pages} pages, {links} links checked, {dead} dead ends (pages/links per role: {each})"
        )


# The world (tests/security/world.py) is dated: late November 2026. Its tests run there.
_pinned_to_the_worlds_day = pinned_to(WORLD_DAY)
