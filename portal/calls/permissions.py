"""Who may do what to a call: its committee's members manage it."""
from __future__ import annotations

from ..accounts.models import User
from ..accounts.permissions import is_member
from .models import Call


def can_manage_call(user: User | None, call: Call) -> bool:
    """Create, edit, publish, close: members of the committee that runs the call."""
    return is_member(user, call.committee_id)
