"""The pages a role meets, found the way a user finds them: from the home page and
the menu, following links, one URL per page (URL name) so a list of 200 reports
costs one visit. Shared by the phone-width walk, the axe walk and the keyboard test.

Files, downloads, JSON and the sign-out form are left out: they are not screens."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# Demo accounts (accounts/demo.py), one per role; the coordinator passes the second factor.
ROLES = {
    "coordinator": "demo-coordinator",
    "officer": "demo-officer",
    "leader": "demo-leader",
    "viewer": "demo-viewer",
    "registrar": "demo-registrar",
    "operator": "demo-institution",
}
NOT_SCREENS = {
    "accounts:logout", "health", "progress:report-file", "progress:notice-file", "progress:milestone-file",
    "institutions:roster-export", "institutions:document-download", "reports:export-status",
    "reports:export-download", "reports:excel", "regulation:evidence", "regulation:staff-document",
    "regulation:ban-decision", "regulation:staff-export",
}
PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screens"


@dataclass
class Walk:
    role: str
    pages: dict[str, str] = field(default_factory=dict)  # URL name → the first URL seen for it
    too_wide: list[str] = field(default_factory=list)
    dead_links: list[str] = field(default_factory=list)  # a link on a page to a page its reader may not open


def page_name(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.path.startswith("/static/") or (parts.path.startswith("/admin/") and parts.path != "/admin/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    # The API answers machines (JSON, its schema), not people; its documentation pages are walked.
    if name.startswith("api:") and name not in ("api:docs", "api:redoc", "api:clients", "api:calls"):
        return None
    return None if name in NOT_SCREENS else name


def sign_in(page, base: str, username: str, password: str, *, totp=None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    if "/two-factor/verify/" in page.url and totp is not None:
        page.fill("#id_token", totp())
        page.click("main button[type=submit]")
        page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url and "/two-factor/" not in page.url, page.inner_text("main")


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header a[href], main a[href]", "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)"
    )
    return [h.split("#")[0] for h in hrefs if h.startswith(base)]


def too_wide(page) -> bool:
    """The page scrolls sideways: wider than the viewport."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def wide_elements(page) -> list[str]:
    """What sticks out past the right edge, to name in a failure."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .filter(e => { const box = e.closest('table.grid, .scroll-x');
                     return !box || box.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                            || getComputedStyle(e).position === 'absolute'; })
      .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className
                        + ' right=' + Math.round(e.getBoundingClientRect().right))""")


def walk_role(page, base: str, role: str, *, on_page=None, limit: int = 45) -> Walk:
    """Breadth-first from home; `on_page(name, url)` is called on every new page once it is loaded."""
    walk = Walk(role)
    queue = [(f"{base}/", "")]
    while queue and len(walk.pages) < limit:
        url, found_on = queue.pop(0)
        name = page_name(url)
        if name is None or name in walk.pages:
            continue
        response = page.goto(url)
        page.wait_for_load_state("load")
        if response is not None and response.status >= 400:
            walk.dead_links.append(f"{role}: {url.removeprefix(base)} ({response.status}) linked from {found_on}")
        landed = page_name(page.url) or name
        if landed in walk.pages and landed != name:
            walk.pages[name] = url  # a redirect to a page already seen (home → 我的任务)
            continue
        walk.pages[name] = url
        if landed != name:
            walk.pages[landed] = page.url
        if too_wide(page):
            walk.too_wide.append(f"{role} {name} {page.url} {wide_elements(page)}")
        if on_page is not None:
            on_page(landed, page.url)
        here = page.url.removeprefix(base)
        queue.extend((link, here) for link in links_on(page, base) if page_name(link) not in walk.pages)
    return walk
