"""No dead ends: every link a page shows opens for the one who reads it.

Signed in as each role of the security world (tests/security/world.py: our unit, another
unit, a responsible unit on our task, two institutions, the registrar), starting at the
role's home (what signing in lands on), breadth-first: every internal link (href starting
with "/") of every page reached is followed once, redirects included, and must not end in
403 or 404 (nor a server error, nor a page that refuses GET). A link is only shown when the
rule guarding its target lets the reader in (the same for_user scope / rules.py predicate).

Not followed: logging out, static files, the language switch (POST only), and the admin
site's inner pages (its index is followed; Django's admin draws its own links from the
user's model permissions, tests/security/test_admin_walk.py walks it). Downloads are fetched
and read to their end, but not parsed.
"""
from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from . import CRAWL
from .test_access_walk import _verify
from .world import build_world

pytestmark = pytest.mark.django_db

# The world's users, and who of them signs in with a verified second factor.
ROLES = {
    "coordinator": "coordinator", "officer": "officer", "leader": "leader", "viewer": "viewer",
    "registrar": "registrar", "operator": "operator", "other_officer": "other_officer",
    "other_leader": "other_leader", "union_officer": "union_officer", "other_operator": "other_operator",
}
VERIFIED = {"coordinator"}
MAX_PAGES_PER_ROLE = 1500  # a runaway (a link that makes new links forever) fails instead of hanging


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if not href.startswith("/") or href.startswith("//"):
            continue  # only the portal's own pages ("#…", mailto:, tel: and other sites are not ours)
        found.append(urldefrag(urljoin(base, href))[0])
    return found


def _path_of(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a portal without a language switch
        return None


def _skipped(url: str) -> bool:
    path = urlsplit(url).path
    return path in {_path_of("accounts:logout"), _path_of("set_language")} or path.startswith(
        django_settings.STATIC_URL
    )


def _inside_admin(path: str) -> bool:
    return path.startswith(reverse("admin:index")) and path != reverse("admin:index")


def crawl(client: Client, start: str) -> tuple[int, int, list[tuple[str, str, int]]]:
    """(pages read, links checked, dead ends as (page, link, status))."""
    seen = {start}
    queue = deque([(None, start)])
    pages = links = 0
    dead: list[tuple[str, str, int]] = []
    while queue:
        source, url = queue.popleft()
        response = client.get(url, follow=True)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # read to the end: the client then closes the file
        status = response.status_code
        if source is not None:
            links += 1
        if status in (403, 404, 405) or status >= 500:
            dead.append((source or "(home)", url, status))
            continue
        final = response.request["PATH_INFO"]
        if response.redirect_chain:
            seen.add(final)
        if _inside_admin(final) or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.get("Content-Disposition", "").startswith("attachment"):
            continue
        pages += 1
        assert pages <= MAX_PAGES_PER_ROLE, f"more than {MAX_PAGES_PER_ROLE} pages from {start}"
        query = response.request.get("QUERY_STRING")
        here = final + (f"?{query}" if query else "")
        for link in links_in(response.content.decode("utf-8", "replace"), here):
            if link in seen or _skipped(link):
                continue
            seen.add(link)
            queue.append((here, link))
    return pages, links, dead


@pytest.fixture
def world(users, settings, tmp_path):
    from reports.cache import clear

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Two factors on, as in production; the coordinator has passed the second step.
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = True
    clear()
    yield build_world(users)
    clear()


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_no_page_links_to_a_page_its_reader_may_not_open(world, role):
    """From the role's home (anonymous: the public directory), breadth-first, every link once."""
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        start = reverse("institutions:directory")
    else:
        user = getattr(world, ROLES[role])
        client.force_login(user)
        if role in VERIFIED:
            _verify(client, user)
        start = reverse("home")
    pages, links, dead = crawl(client, start)
    CRAWL[role] = {"pages": pages, "links": links, "dead": len(dead)}
    print(f"\nlink crawl {role}: {pages} pages, {links} links checked, {len(dead)} dead ends")
    assert pages > 1 or role == "anonymous", f"{role}: its home leads nowhere"
    assert not dead, f"{len(dead)} links lead to a page {role} may not open:\n" + "\n".join(
        f"  {page} → {link} ({status})" for page, link, status in dead
    )
