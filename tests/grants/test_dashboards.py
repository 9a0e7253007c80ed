"""Dashboards per call, session, funder and fund: every figure equals ledger.py's for its grant and
the totals equal the sums of the rows — with reversals, a terminated grant's releases and reversing
expense rows — read in a number of queries that does not grow with the number of grants."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from portal.applications.models import ApplicationStatus
from portal.extensions import db
from portal.grants import dashboards, disbursements, ledger, services
from portal.grants.models import Grant
from portal.grants.report_models import (
    Evaluation,
    EvaluationConclusion,
    Expense,
    GrantReport,
    ReportStatus,
)
from portal.judging.models import Award, AwardTier
from portal.matching.models import (
    MatchAllocation,
    MatchingSession,
    Pledge,
    PledgeStatus,
    SessionKind,
    SessionProject,
    SessionStatus,
)
from portal.types import utcnow

from ..factories import make_application
from .helpers import funded_project, ready_to_sign, signed_grant

D = Decimal
LATER = date(2031, 1, 1)  # every planned tranche and scheduled report is overdue by then


def pay(world, tranche, source, amount: str):
    d = disbursements.prepare(world.maker, tranche, {"source_id": str(source.id), "amount": amount,
                                                     "pay_on": date.today().isoformat()})
    disbursements.approve(world.checker, d)
    return disbursements.mark_paid(world.maker, d, f"NS{d.id:06d}")


def expense(grant, category: str, amount: str, reverses: Expense | None = None) -> Expense:
    row = Expense(grant=grant, category=category, item="物资" if reverses is None else "更正", amount=D(amount),
                  spent_on=date.today(), reverses_id=reverses.id if reverses else None)
    db.session.add(row)
    db.session.commit()
    return row


def another_grant(world, title: str, award: str = "10000.00") -> Grant:
    """A second project of the same call, awarded and paid by the committee's fund alone."""
    application = make_application(call=world.call, org=world.ngo, status=ApplicationStatus.ELIGIBLE, title=title)
    tier = AwardTier(call=world.call, position=1, name=f"{title}奖", places=1, amount=D(award))
    db.session.add(tier)
    db.session.flush()
    db.session.add(Award(call=world.call, tier=tier, application=application, rank=2))
    db.session.commit()
    grant = services.draft_grant(world.maker, application)
    ready_to_sign(world, grant)
    services.sign_grant(world.maker, grant)
    return grant


def evaluate(grant, report: GrantReport, conclusion: EvaluationConclusion, total: str, evaluator) -> Evaluation:
    report.status = ReportStatus.EVALUATED
    row = Evaluation(report=report, grant=grant, evaluator_id=evaluator.id, total=D(total), pass_mark=D("60"),
                     conclusion=conclusion)
    db.session.add(row)
    db.session.commit()
    return row


def busy_call(extra_grants: int = 1):
    """Grant 1 (two sponsors): payments, one reversed; expenses, one reversed by a negative row; its
    mid-term report evaluated twice (rectify, then passed). Grant 2 (the committee's fund): paid in
    part, then terminated (the rest released). More grants, signed and untouched, when asked."""
    world, first = signed_grant(funded_project())
    a, b = ledger.live_sources(first)
    tranche = first.tranches[0]
    pay(world, tranche, a, "5000.00")
    wrong = pay(world, tranche, b, "2000.00")
    disbursements.reverse(world.maker, wrong, "重复付款")
    pay(world, tranche, b, "1500.00")
    wrong_expense = expense(first, "活动费", "1200.00")
    expense(first, "活动费", "-1200.00", reverses=wrong_expense)
    expense(first, "活动费", "800.00")
    expense(first, "管理费", "300.00")
    midterm = next(r for r in first.reports if r.kind.value == "midterm")
    evaluate(first, midterm, EvaluationConclusion.RECTIFY, "55", world.checker)
    evaluate(first, midterm, EvaluationConclusion.PASSED, "78", world.checker)
    second = another_grant(world, "四点半课堂")
    pay(world, second.tranches[0], ledger.live_sources(second)[0], "3000.00")
    expense(second, "活动费", "450.50")
    services.terminate_grant(world.maker, second, "机构注销")
    grants = [first, second] + [another_grant(world, f"项目{n}", "8000.00") for n in range(extra_grants - 1)]
    return SimpleNamespace(world=world, grants=grants, first=first, second=second, sponsors=(a, b))


def assert_agrees_with_ledger(board, grants):
    rows = {row.grant_id: row for row in board.rows}
    assert set(rows) == {g.id for g in grants}
    for grant in grants:
        figures, a = ledger.grant_figures(grant), rows[grant.id].amounts
        assert (a.amount, a.committed, a.disbursed, a.released, a.spent) == (
            figures.amount, figures.committed, figures.paid, figures.released, figures.spent)
        assert a.remaining == figures.undisbursed and a.held_by_ngo == figures.held_by_ngo
    for name in dashboards.AMOUNT_FIELDS:
        assert getattr(board.totals, name) == sum((getattr(r.amounts, name) for r in board.rows), D("0.00"))


def test_the_call_dashboard_equals_the_ledger_of_each_grant(app):
    c = busy_call()
    board = dashboards.call_dashboard(c.world.call)
    assert_agrees_with_ledger(board, c.grants)
    t = board.totals
    assert t.amount == D("35000.00") and t.disbursed == D("9500.00")  # 5000 + 1500 (2000 reversed) + 3000
    assert t.released == D("7000.00") and t.remaining == D("18500.00")
    assert t.spent == D("1550.50")  # 800 + 300 + 450.50: the reversed 1,200 counts for nothing
    assert t.awarded == D("35000.00") and t.pledged == D("25000.00") and t.matched == D("0.00")
    first = next(r for r in board.rows if r.grant_id == c.first.id)
    assert first.conclusion == EvaluationConclusion.PASSED  # the latest of the report's two evaluations
    assert [(e, n) for e, n in board.conclusions if n] == [(EvaluationConclusion.PASSED, 1)]
    categories = {row.category: row for row in board.categories}
    assert categories["活动费"].spent == D("1250.50") and categories["管理费"].spent == D("300.00")
    assert sum(r.budget for r in board.categories) == sum(line.amount for g in c.grants for line in g.budget_lines)
    assert sum(m.net for m in board.months) == t.disbursed
    assert sum(m.reversed for m in board.months) == D("2000.00")


def test_overdue_tranches_and_reports_are_flagged(app):
    c = busy_call()
    now = dashboards.call_dashboard(c.world.call, today=date(2000, 1, 1))
    assert now.overdue_tranches == [] and now.overdue_reports == []
    board = dashboards.call_dashboard(c.world.call, today=LATER)
    planned = [t for g in c.grants for t in g.tranches if t.status.value == "planned" and t.due_on]
    scheduled = [r for g in c.grants for r in g.reports if r.is_overdue(LATER)]
    assert sorted(t.label for t in board.overdue_tranches) == sorted(t.label for t in planned)
    assert len(board.overdue_reports) == len(scheduled) > 0
    assert sum(r.overdue_reports for r in board.rows) == len(scheduled)
    assert all(r.grant_id != c.second.id for r in board.overdue_tranches)  # a terminated grant's tranches are stopped


def test_a_funder_sees_its_own_sources_only(app):
    c = busy_call()
    a, b = c.sponsors
    board = dashboards.funder_dashboard(a.funder)
    assert [row.grant_id for row in board.rows] == [c.first.id]
    row = board.rows[0].amounts
    assert row.amount == a.amount and row.disbursed == ledger.paid_of_source(a) == D("5000.00")
    assert row.committed == ledger.committed_of_source(a) and row.remaining == a.amount - D("5000.00")
    assert row.pledged == a.amount and row.awarded == D("0.00")
    other = dashboards.funder_dashboard(b.funder)
    assert other.totals.disbursed == ledger.paid_of_source(b) == D("1500.00")
    assert sum(m.net for m in other.months) == D("1500.00")
    assert dashboards.funder_dashboard(a.funder, committee_ids={-1}).rows == []


def test_the_committee_fund_counts_its_sources_and_releases(app):
    c = busy_call()
    board = dashboards.fund_dashboard(c.world.committee)
    assert [row.grant_id for row in board.rows] == [c.second.id]
    source = ledger.live_sources(c.second)[0]
    assert board.totals.amount == source.amount and board.totals.released == ledger.released_of_source(source)
    assert board.totals.remaining == D("0.00") and board.totals.pledged == D("0.00")


def test_the_session_dashboard_counts_the_sessions_pledges_and_match(app):
    c = busy_call()
    world = c.world
    session = MatchingSession(committee_id=world.committee.id, title="2027 公益创投对接会", kind=SessionKind.EVENT,
                              status=SessionStatus.SETTLED)
    project = SessionProject(session=session, application=world.application, goal=D("30000.00"))
    db.session.add_all([session, project])
    db.session.flush()
    pledge = Pledge(session=session, project=project, application=world.application, sponsor=world.sponsors[0].org,
                    amount=D("4000.00"), status=PledgeStatus.CONFIRMED, decided_at=utcnow())
    db.session.add(pledge)
    db.session.flush()
    db.session.add(MatchAllocation(session=session, project_id=project.id, pledge_id=pledge.id,
                                   sponsor_id=world.sponsors[0].org.id, amount=D("2000.00")))
    c.first.session_id = session.id
    db.session.commit()
    board = dashboards.session_dashboard(session)
    assert [r.grant_id for r in board.rows] == [c.first.id]
    assert board.totals.pledged == D("4000.00") and board.totals.matched == D("2000.00")
    assert dashboards.call_dashboard(world.call).totals.pledged == D("29000.00")
    assert_agrees_with_ledger(board, [c.first])


def test_an_empty_call_has_an_empty_dashboard(app):
    world = funded_project()
    board = dashboards.call_dashboard(world.call)
    assert board.rows == [] and board.totals.amount == D("0.00") and board.months == [] and board.categories == []


def test_the_number_of_queries_does_not_grow_with_the_grants(app, count_queries):
    small = busy_call(extra_grants=1)
    _ = small.world.call.title  # loaded before counting: what is counted is the dashboard's own statements
    with count_queries() as one:
        dashboards.call_dashboard(small.world.call)
    large = busy_call(extra_grants=4)
    _ = large.world.call.title
    with count_queries() as several:
        board = dashboards.call_dashboard(large.world.call)
    assert len(board.rows) == 5
    assert one.count == several.count == 6, several.statements
    sponsor = large.sponsors[0].funder
    _ = sponsor.name  # loaded before counting, as the call is
    with count_queries() as funder:
        dashboards.funder_dashboard(sponsor)
    assert funder.count == one.count


def test_a_grant_without_rows_shows_zeros(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    board = dashboards.call_dashboard(world.call, today=date.today() + timedelta(days=1))
    row = board.rows[0]
    assert row.grant_id == grant.id and row.amounts.amount == D("25000.00")
    assert (row.amounts.disbursed, row.amounts.spent, row.amounts.committed) == (D("0.00"),) * 3
