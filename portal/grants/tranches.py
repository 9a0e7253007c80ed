"""The tranche schedule (分期拨付): a call's plan (e.g. 50/30/20), each grant's tranches set from it
by share — rounded so that they add up exactly to the grant — or by amount, adjustable before
signing; and the gates that open a tranche for payment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..audit import record
from ..calls.models import Call
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..parsing import FieldErrors, clean_text, parse_choice, parse_day, parse_decimal, row_value
from ..types import format_yuan
from . import ledger
from .models import Grant, GrantSettings, Tranche, TrancheGate, TrancheStatus
from .permissions import can_manage_grant
from .report_models import Evaluation, EvaluationConclusion, GrantReport, ReportKind

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MAX_TRANCHES = 12

DEFAULT_TRANCHE_PLAN = [
    {"label": "首期", "share": "50", "gate": TrancheGate.ON_SIGNING.value, "months": 0},
    {"label": "中期", "share": "30", "gate": TrancheGate.MIDTERM_PASSED.value, "months": 6},
    {"label": "尾款", "share": "20", "gate": TrancheGate.FINAL_PASSED.value, "months": 12},
]
DEFAULT_DIMENSIONS = [
    {"key": "execution", "label": "项目执行", "weight": "30"},
    {"key": "inputs", "label": "人员与物资投入", "weight": "20"},
    {"key": "finance", "label": "财务管理", "weight": "20"},
    {"key": "outcomes", "label": "项目成效", "weight": "30"},
]


def split_by_shares(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """`total` split by percentage `shares` (adding to 100) into amounts to the 分 that add up to it
    exactly: each share rounded down, the 分 left over given one each to the largest remainders
    (earlier tranches first on a tie)."""
    if not shares:
        return []
    exact = [total * share / HUNDRED for share in shares]
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int(((total - sum(floors)) / CENT).to_integral_value())
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += CENT
    return floors


def settings_of(call: Call | None) -> GrantSettings | None:
    if call is None:
        return None
    return db.session.scalar(sa.select(GrantSettings).where(GrantSettings.call_id == call.id))


def plan_of(call: Call | None) -> list[dict]:
    settings = settings_of(call)
    return list(settings.tranche_plan) if settings and settings.tranche_plan else [dict(row) for row in DEFAULT_TRANCHE_PLAN]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def apply_plan(grant: Grant, plan: list[dict]) -> list[Tranche]:
    """Replace the grant's tranches by the plan's, split from its amount, each paid from every source."""
    total = ledger.grant_amount(grant)
    shares = [Decimal(str(row["share"])) for row in plan]
    amounts = split_by_shares(total, shares)
    grant.tranches.clear()
    db.session.flush()
    sources = ledger.live_sources(grant)
    for position, (row, share, amount) in enumerate(zip(plan, shares, amounts), start=1):
        if amount <= 0:
            continue
        due = _add_months(grant.starts_on, int(row.get("months") or 0)) if grant.starts_on else None
        grant.tranches.append(Tranche(position=position, label=str(row["label"])[:40], amount=amount, share=share,
                                      due_on=due, gate=TrancheGate(row["gate"]), sources=list(sources)))
    db.session.flush()
    return grant.tranches


def set_tranches(actor: User, grant: Grant, rows: list[dict]) -> list[Tranche]:
    """Set the grant's schedule before signing. Each row: label, share (percent) or amount, due_on,
    gate, source_ids (blank: every source). Shares are split exactly; amounts must add up to the grant."""
    if not can_manage_grant(actor, grant):
        raise PermissionDenied(N_("只有主办方可以设置拨付计划。"))
    if not grant.is_editable:
        raise DomainError(N_("协议签订后不能再修改拨付计划。"))
    total = ledger.grant_amount(grant)
    errors, parsed = FieldErrors(), []
    if not rows:
        errors.add("tranches", N_("请至少设置一期拨付。"))
    if len(rows) > MAX_TRANCHES:
        errors.add("tranches", N_("最多 %(n)s 期。", n=MAX_TRANCHES))
    sources = {source.id: source for source in ledger.live_sources(grant)}
    for i, row in enumerate(rows[:MAX_TRANCHES]):
        label = clean_text(row.get("label"))[:40]
        if not label:
            errors.add(f"tranches-{i}-label", N_("请填写名称。"))
        share = amount = None
        if row_value(row, "share") is not None:
            share = parse_decimal(row.get("share"), errors, f"tranches-{i}-share", Decimal("0"), HUNDRED, low_open=True)
        elif row_value(row, "amount") is not None:
            amount = parse_decimal(row.get("amount"), errors, f"tranches-{i}-amount", Decimal("0"), total, low_open=True)
        else:
            errors.add(f"tranches-{i}-share", N_("请填写比例或金额。"))
        gate = parse_choice(TrancheGate, row.get("gate"), errors, f"tranches-{i}-gate")
        due_on = parse_day(row.get("due_on"), errors, f"tranches-{i}-due_on", required=False)
        chosen = [int(x) for x in (row.get("source_ids") or []) if str(x).isdigit() and int(x) in sources]
        parsed.append((label, share, amount, gate, due_on, [sources[x] for x in chosen] or list(sources.values())))
    errors.raise_if_any()
    by_share = [p for p in parsed if p[1] is not None]
    if by_share and len(by_share) != len(parsed):
        raise DomainError(N_("请统一按比例或按金额设置各期。"), field="tranches")
    if by_share:
        if sum(p[1] for p in parsed) != HUNDRED:
            raise DomainError(N_("各期比例合计须为 100%。"), field="tranches")
        amounts = split_by_shares(total, [p[1] for p in parsed])
    else:
        amounts = [p[2] for p in parsed]
        if sum(amounts) != total:
            raise DomainError(N_("各期金额合计须等于资助金额 %(total)s。", total=format_yuan(total)), field="tranches")
    if any(a <= 0 for a in amounts):
        raise DomainError(N_("每期金额须大于零。"), field="tranches")
    grant.tranches.clear()
    db.session.flush()
    for position, ((label, share, _, gate, due_on, chosen), amount) in enumerate(zip(parsed, amounts), start=1):
        grant.tranches.append(Tranche(position=position, label=label, amount=amount, share=share, due_on=due_on,
                                      gate=gate, sources=chosen))
    record(actor, "grant.tranches_set", grant, f"设置拨付计划：{grant.title}",
           {"tranches": [{"label": t.label, "amount": t.amount, "gate": t.gate.value} for t in grant.tranches]})
    db.session.commit()
    return grant.tranches


def tranches_add_up(grant: Grant) -> bool:
    return bool(grant.tranches) and sum(t.amount for t in grant.tranches) == ledger.grant_amount(grant)


# --- gates -----------------------------------------------------------------------------------------

def latest_conclusion(grant: Grant, kind: ReportKind) -> EvaluationConclusion | None:
    return db.session.scalar(
        sa.select(Evaluation.conclusion).join(GrantReport, GrantReport.id == Evaluation.report_id)
        .where(Evaluation.grant_id == grant.id, GrantReport.kind == kind)
        .order_by(Evaluation.id.desc()).limit(1))


def gate_met(tranche: Tranche) -> bool:
    grant = tranche.grant
    if tranche.gate == TrancheGate.NONE:
        return True
    if tranche.gate == TrancheGate.ON_SIGNING:
        return grant.signed_at is not None
    kind = ReportKind.MIDTERM if tranche.gate == TrancheGate.MIDTERM_PASSED else ReportKind.FINAL
    return latest_conclusion(grant, kind) == EvaluationConclusion.PASSED


@dataclass
class TrancheFigures:
    tranche: Tranche
    committed: Decimal
    paid: Decimal
    gate_met: bool

    @property
    def room(self) -> Decimal:
        return self.tranche.amount - self.committed


def tranche_figures(grant: Grant) -> list[TrancheFigures]:
    return [TrancheFigures(t, ledger.committed_of_tranche(t), ledger.paid_of_tranche(t), gate_met(t))
            for t in grant.tranches]


def stop_tranches(actor: User | None, grant: Grant, reason: str, *, after: Tranche | None = None) -> list[Tranche]:
    """Stop the grant's tranches still planned (those after `after`, when given): a failed
    evaluation or a termination. The caller commits."""
    stopped = []
    for tranche in grant.tranches:
        if tranche.status != TrancheStatus.PLANNED or (after is not None and tranche.position <= after.position):
            continue
        tranche.status.check_transition(TrancheStatus.STOPPED)
        tranche.status, tranche.stop_reason = TrancheStatus.STOPPED, reason[:500]
        stopped.append(tranche)
        record(actor, "tranche.stopped", tranche, f"停止拨付：{grant.title} {tranche.label}", {"reason": reason})
    return stopped


def stop_after_failed_evaluation(actor: User | None, grant: Grant, kind: ReportKind, reason: str) -> list[Tranche]:
    """A failed evaluation stops the tranches it gates and every later one."""
    gate = TrancheGate.MIDTERM_PASSED if kind == ReportKind.MIDTERM else TrancheGate.FINAL_PASSED
    gated = [t for t in grant.tranches if t.gate == gate]
    if not gated:
        return []
    first = min(gated, key=lambda t: t.position)
    before = next((t for t in reversed(grant.tranches) if t.position < first.position), None)
    return stop_tranches(actor, grant, reason, after=before)

