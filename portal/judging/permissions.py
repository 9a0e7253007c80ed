"""Who may do what in judging: the call's committee manages it; a judge sees and scores only what
they are assigned. Built on the membership primitives in accounts and the call's own rule."""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..extensions import db
from .models import Assignment, CallJudge, Round


def can_manage_judging(user: User | None, call: Call) -> bool:
    """Set up rounds, assign judges, see every sheet and result: the call's committee."""
    return can_manage_call(user, call)


def is_call_judge(user: User | None, call: Call | int) -> bool:
    if user is None or not user.is_judge:
        return False
    call_id = call if isinstance(call, int) else call.id
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(CallJudge).where(CallJudge.call_id == call_id, CallJudge.user_id == user.id)
    ) > 0


def is_assigned(user: User | None, round_id: int, application_id: int) -> bool:
    if user is None:
        return False
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Assignment).where(
            Assignment.round_id == round_id,
            Assignment.application_id == application_id,
            Assignment.judge_id == user.id,
        )
    ) > 0


def can_view_entry(user: User | None, round_: Round, application_id: int) -> bool:
    """The committee, or a judge assigned to this application in this round."""
    return can_manage_judging(user, round_.call) or is_assigned(user, round_.id, application_id)
