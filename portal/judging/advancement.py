"""Locking a round and advancing its best applications into the next round (晋级).

- proposed_advancers(results): the round's rule applied to its ranking — the top N ranks (an
  application tied 并列 at the N-th rank goes through with it), every aggregate at or above the
  threshold, or nothing for a manual round. Applications without a submitted sheet never qualify.
- lock_round(actor, round_): OPEN → LOCKED; the audit event keeps the ranking as it stood.
- advance(actor, round_, ids): only from a LOCKED round into the round at position + 1. New entries
  get the running order of their rank, after whatever the next round already holds; applications
  already there are left as they are (advancing twice adds only the missing ones).
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import record
from .models import Advancement, Round, RoundEntry, RoundStatus
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..types import utcnow
from .results import round_results
from .permissions import can_manage_judging


def proposed_advancers(results) -> list[int]:
    """Application ids the round's advancement rule selects, in rank order."""
    round_ = results.round
    value = round_.advancement_value
    ranked = [row for row in results.rows if row.rank is not None and row.aggregate is not None]
    if round_.advancement == Advancement.TOP_N and value is not None:
        return [row.application_id for row in ranked if row.rank <= int(value)]
    if round_.advancement == Advancement.THRESHOLD and value is not None:
        return [row.application_id for row in ranked if row.aggregate >= Decimal(value)]
    return []


def next_round(round_: Round) -> Round | None:
    return db.session.scalar(
        sa.select(Round).where(Round.call_id == round_.call_id, Round.position == round_.position + 1)
    )


def _check_manager(actor: User, round_: Round) -> None:
    if not can_manage_judging(actor, round_.call):
        raise PermissionDenied(N_("只有本次征集的主办方可以操作评审结果。"))


def lock_round(actor: User, round_: Round) -> None:
    """Lock the round (评分中 → 已锁定): no score may change afterwards; the ranking is kept in the log."""
    _check_manager(actor, round_)
    round_.status.check_transition(RoundStatus.LOCKED)
    results = round_results(round_)
    ranking = [
        {"application_id": row.application_id, "aggregate": row.aggregate, "rank": row.rank}
        for row in results.rows
    ]
    drafts = sum(judge.drafts for judge in results.judges)
    round_.status = RoundStatus.LOCKED
    round_.locked_at = utcnow()
    summary = f"锁定“{round_.name}”：{len(ranking)} 个项目的排名已确定"
    if drafts:
        summary += f"（{drafts} 份未提交的评分表不计入）"
    record(actor, "round.locked", round_, summary, {"ranking": ranking, "drafts": drafts})
    db.session.commit()


def _parse_ids(application_ids) -> list[int]:
    ids: list[int] = []
    for raw in application_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 0 < value < 2**31:
            raise DomainError(N_("所选项目无效，请刷新页面后重新选择。"))
        if value not in ids:
            ids.append(value)
    return ids


def advance(actor: User, round_: Round, application_ids) -> int:
    """Put the chosen applications into the next round, in rank order; returns how many were added."""
    _check_manager(actor, round_)
    if round_.status != RoundStatus.LOCKED:
        raise DomainError(N_("请先锁定本轮评分，再确定晋级项目。"))
    target = next_round(round_)
    if target is None:
        raise DomainError(N_("本轮已是最后一轮，没有可以晋级的下一轮。"))
    if target.status == RoundStatus.LOCKED:
        raise DomainError(N_("下一轮“%(name)s”已锁定，不能再加入项目。", name=target.name))
    ids = _parse_ids(application_ids)
    if not ids:
        raise DomainError(N_("请至少选择一个晋级项目。"))

    entries = {
        entry.application_id: entry
        for entry in db.session.scalars(
            sa.select(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.application_id.in_(ids))
        )
    }
    missing = [app_id for app_id in ids if app_id not in entries]
    if missing:
        raise DomainError(N_("有 %(n)s 个所选项目不在本轮中，请刷新页面后重新选择。", n=len(missing)))

    order = {row.application_id: index for index, row in enumerate(round_results(round_).rows)}
    ids.sort(key=lambda app_id: (order.get(app_id, len(order)), app_id))
    present = dict(db.session.execute(
        sa.select(RoundEntry.application_id, RoundEntry.position).where(RoundEntry.round_id == target.id)
    ).all())
    position = max(present.values(), default=0)
    added = []
    for app_id in ids:
        entries[app_id].advanced = True
        if app_id in present:
            continue
        position += 1
        db.session.add(RoundEntry(round_id=target.id, application_id=app_id, position=position, added_by_id=actor.id))
        added.append(app_id)
    already = [app_id for app_id in ids if app_id in present]
    summary = f"从“{round_.name}”晋级 {len(added)} 个项目到“{target.name}”"
    if already:
        summary += f"（{len(already)} 个已在下一轮）"
    try:
        record(actor, "round.advanced", round_, summary, {
            "to_round_id": target.id, "application_ids": added, "already_in_next_round": already,
        })
        db.session.commit()
    except IntegrityError:  # someone advanced the same applications a moment ago
        db.session.rollback()
        raise DomainError(N_("晋级名单刚刚被其他人修改，请刷新页面后重试。")) from None
    return len(added)
