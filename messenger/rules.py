"""Who may do what with the work-messenger robots."""
from __future__ import annotations

from accounts.roles import COORDINATES, has_role


def can_manage_channels(user) -> bool:
    """Add and deactivate robots, read the deliveries: the coordinators (the robots reach every unit)."""
    return has_role(user, COORDINATES)
