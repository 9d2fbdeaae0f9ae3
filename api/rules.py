"""Who may register, revoke and watch API clients."""
from __future__ import annotations

from accounts.roles import is_coordinator


def can_manage_clients(user) -> bool:
    return is_coordinator(user)
