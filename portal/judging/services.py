"""Judging's shared lookups and helpers; who may do what is judging.permissions', and the rules
themselves live in the modules named in judging.views (scoring, assignment, results, awards, notice …)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ..accounts.models import Membership, User
from ..accounts.permissions import acting_user, require
from ..calls.models import Call
from .models import Conflict, Round, RoundEntry
from ..extensions import db
from ..locks import lock_row  # noqa: F401 - judging services lock through it
from .permissions import can_manage_judging


def conflicted_org_ids(judge_ids: list[int]) -> dict[int, set[int]]:
    """Organizations each judge must not judge: declared conflicts plus the judge's own memberships."""
    result: dict[int, set[int]] = {judge_id: set() for judge_id in judge_ids}
    if not judge_ids:
        return result
    for judge_id, org_id in db.session.execute(
        sa.select(Conflict.judge_id, Conflict.organization_id).where(Conflict.judge_id.in_(judge_ids))
    ):
        result[judge_id].add(org_id)
    for judge_id, org_id in db.session.execute(
        sa.select(Membership.user_id, Membership.organization_id).where(Membership.user_id.in_(judge_ids))
    ):
        result[judge_id].add(org_id)
    return result


def is_conflicted(judge: User, organization_id: int) -> bool:
    """Declared, or a member of it (conflicted_org_ids has both)."""
    return organization_id in conflicted_org_ids([judge.id])[judge.id]


def get_round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


def managed_call_or_404(call_id: int) -> Call:
    """For the committee's views: the call of the URL (404), which the user's committee runs (403)."""
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    require(can_manage_judging(acting_user(), call))
    return call


def managed_round_or_404(round_id: int) -> Round:
    """For the committee's views: the round of the URL (404), of a call the user's committee runs (403)."""
    round_ = get_round_or_404(round_id)
    require(can_manage_judging(acting_user(), round_.call))
    return round_


def get_entry_or_404(round_: Round, application_id: int) -> RoundEntry:
    entry = db.session.scalar(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.application_id == application_id)
    )
    if entry is None:
        abort(404)
    return entry


def sync_rows(collection: list, rows: list[dict], make) -> None:
    """Make an ordered child collection (criteria, tiers) match the rows: existing rows are updated
    in place (their ids, and what refers to them, survive), missing ones added, extra ones removed."""
    existing = list(collection)
    for position, row in enumerate(rows):
        item = existing[position] if position < len(existing) else make()
        item.position = position
        for field, value in row.items():
            setattr(item, field, value)
        if position >= len(existing):
            collection.append(item)
    for item in existing[len(rows):]:
        collection.remove(item)
