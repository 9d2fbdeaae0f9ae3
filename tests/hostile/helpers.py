"""Checks shared by the hostile-input tests.

Each generated case is one request (or a short sequence) run inside a
transaction that is rolled back afterwards, so every case meets the same
starting state (a create is tried as a create every time, never as "already
exists"). The properties checked on each case:

- never a 500;
- refused: a clear Chinese message naming the field (the form's errors are keyed
  by field, each message in Chinese) or the row (第N行), and not one row of the
  portal's tables changed (`table_counts` before/after: a partial write);
- accepted: the text is stored as typed (only the surrounding whitespace a form
  trims is gone) and every page that shows it shows it escaped.
"""
from __future__ import annotations

import re
from collections import Counter

from django.apps import apps
from django.db import transaction
from django.test import Client

from .conftest import PARTIAL

APPS = ("accounts", "audit", "agencies", "tasks", "institutions", "progress", "notifications", "reports")
# Per-request bookkeeping, not data: the signed-in browser's "last seen".
NOT_DATA = {"accounts.usersession"}
CJK = re.compile(r"[\u4e00-\u9fff]")
TAG_LIKE = re.compile(r"<[A-Za-z/!?]")


def table_counts(*, exclude: tuple[str, ...] = ()) -> Counter:
    """Rows per table of the portal's apps."""
    counts = Counter()
    for config in apps.get_app_configs():
        if config.label not in APPS:
            continue
        for model in config.get_models(include_auto_created=True):
            label = model._meta.label_lower
            if label in NOT_DATA or label in exclude:
                continue
            counts[label] = model._base_manager.count()
    return counts


def rolled_back(client: Client | None, do):
    """Run `do()` in a transaction that is rolled back; the client's session cookie is kept."""
    cookies = client.cookies.copy() if client is not None else None
    try:
        with transaction.atomic():
            result = do()
            transaction.set_rollback(True)
    finally:
        if client is not None:
            client.cookies = cookies
    return result


def signed_in(user) -> Client:
    """A client signed in as `user`, made once per user and test (cached on the user object)."""
    client = getattr(user, "_hostile_client", None)
    if client is None:
        client = Client(raise_request_exception=True)
        client.force_login(user)
        user._hostile_client = client
    return client


def form_errors(response, name: str = "form") -> dict[str, list[str]]:
    """The errors of the form a page shows again (from the template context)."""
    context = response.context
    assert context is not None, "the page was not rendered from a template"
    form = context.get(name)
    assert form is not None, f"no {name!r} in the page's context"
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def assert_clear_refusal(errors: dict[str, list[str]], fields) -> None:
    """At least one message; each in Chinese; each beside a field of the form (or above it)."""
    assert errors, "refused without any message"
    for field, messages in errors.items():
        assert field == "__all__" or field in fields, f"message for an unknown field {field}: {messages}"
        for message in messages:
            assert CJK.search(message), f"message not in Chinese for {field}: {message!r}"


def refused_unchanged(before: Counter, *, exclude: tuple[str, ...] = ()) -> None:
    """A refused case wrote nothing: counted as a partial write otherwise."""
    after = table_counts(exclude=exclude)
    if after != before:
        PARTIAL["writes"] += 1
        diff = {k: (before[k], after[k]) for k in set(before) | set(after) if before[k] != after[k]}
        raise AssertionError(f"refused, yet rows changed: {diff}")


def assert_escaped(body: str, *values: str) -> None:
    """No value that would make a tag appears raw in the page."""
    assert "<script>alert" not in body and "<img src=x onerror" not in body
    for value in values:
        for part in re.split(r"[\r\n]+", value or ""):
            part = part.strip()
            if len(part) >= 4 and TAG_LIKE.search(part):
                assert part not in body, f"shown unescaped: {part[:80]!r}"


def stored_as_typed(value: str) -> str:
    """What a form field keeps of a typed text: Django's CharField strips it (str.strip)."""
    return (value or "").strip()


def has_nul(*values: str) -> bool:
    return any("\x00" in (v or "") for v in values)
