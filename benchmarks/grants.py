#!/usr/bin/env python
"""Grants benchmark (part of `make bench`): the per-call grants dashboard over 1,000 grants and
10,000 ledger rows, next to the raw SQL aggregate of the same rows, in the same run, with no cache.

1. Builds a fresh SQLite database in a temporary folder: one call, 1,000 awarded applications with
   a cash pledge each, 1,000 active grants (two sources, two budget lines, two tranches, two
   reports each), and 10,000 ledger rows: 4,000 paid disbursements, 1,000 reversals of them, 5,000
   expenses (every tenth a negative, reversing row) — inserted in bulk through SQLAlchemy Core.
   A second call of 10 grants shows that the number of queries does not grow with the grants.
2. Times, in the same run (median of several interleaved runs after a warm-up): (a) the service,
   portal.grants.dashboards.call_dashboard — every figure, chart series and list the page shows;
   (b) hand-written raw SQL of the same figures from the same rows (FULL_SQL: the per-grant GROUP BYs
   LEFT JOINed, the overdue lists, the latest evaluations, the categories, the months; all rows
   fetched) through the bare DB-API connection — the target's baseline, ≤ 2×; and, for
   information, (b') the raw SQL of the ledger sums alone (RAW_SQL: each grant's sources, payments
   less reversals, releases, expenses in one statement) and (c) the whole page GET through the
   Flask test client as a committee member.
3. Prints the times, the ratios, MET / NOT MET, the number of SQL statements of both calls'
   dashboards (constant, or not); writes bench-results/grants.json.

Usage: .venv/bin/python benchmarks/grants.py [--runs 7] [--grants 1000] [--rows 10000]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "grants.json"
PASSWORD = "bench-password-1"
TARGET_RATIO = 2.0

sys.path.insert(0, str(ROOT))

from scratch import scratch_app  # noqa: E402 - benchmarks/ is the script's folder

RAW_SQL = """
SELECT g.id, g.reference, s.amount, d.committed, d.paid, r.released, e.spent
FROM grants g
LEFT JOIN (SELECT grant_id, SUM(amount) AS amount FROM grant_sources WHERE withdrawn_at IS NULL
           GROUP BY grant_id) s ON s.grant_id = g.id
LEFT JOIN (SELECT d.grant_id, SUM(d.amount - COALESCE(v.amount, 0)) AS committed,
                  SUM(CASE WHEN d.status = ? THEN d.amount - COALESCE(v.amount, 0) ELSE 0 END) AS paid
           FROM disbursements d LEFT JOIN disbursement_reversals v ON v.disbursement_id = d.id
           WHERE d.status IN (?, ?, ?) GROUP BY d.grant_id) d ON d.grant_id = g.id
LEFT JOIN (SELECT grant_id, SUM(amount) AS released FROM grant_source_releases GROUP BY grant_id) r ON r.grant_id = g.id
LEFT JOIN (SELECT grant_id, SUM(amount) AS spent FROM grant_expenses GROUP BY grant_id) e ON e.grant_id = g.id
WHERE g.call_id = ?
ORDER BY g.reference
"""


# The same figures as the dashboard, from the same rows, written by hand: each grant's awards,
# pledges, match, sources, payments less reversals, releases and expenses; the overdue tranches and
# reports; each report's latest evaluation; budget and spending by category; payments and reversals
# by month (China time). Parameters: the call's id, today.
FULL_SQL = [
    """SELECT g.id, g.reference, g.title, o.name, g.status, aw.total, pl.total, ma.total, s.amount, d.committed, d.paid,
              r.released, e.spent
       FROM grants g JOIN organizations o ON o.id = g.recipient_id
       LEFT JOIN (SELECT g.id AS grant_id, SUM(t.amount) AS total FROM grants g JOIN awards a ON a.application_id = g.application_id
                  JOIN award_tiers t ON t.id = a.tier_id WHERE g.call_id = :call GROUP BY g.id) aw ON aw.grant_id = g.id
       LEFT JOIN (SELECT g.id AS grant_id, SUM(p.amount) AS total FROM grants g JOIN pledges p ON p.application_id = g.application_id
                  WHERE g.call_id = :call AND p.kind = 'CASH' AND p.status IN ('PENDING', 'CONFIRMED') GROUP BY g.id) pl
                 ON pl.grant_id = g.id
       LEFT JOIN (SELECT g.id AS grant_id, SUM(m.amount) AS total FROM grants g
                  JOIN session_projects sp ON sp.application_id = g.application_id JOIN match_allocations m ON m.project_id = sp.id
                  WHERE g.call_id = :call GROUP BY g.id) ma ON ma.grant_id = g.id
       LEFT JOIN (SELECT grant_id, SUM(amount) AS amount FROM grant_sources WHERE withdrawn_at IS NULL GROUP BY grant_id) s
                 ON s.grant_id = g.id
       LEFT JOIN (SELECT d.grant_id, SUM(d.amount - COALESCE(v.amount, 0)) AS committed,
                         SUM(CASE WHEN d.status = 'PAID' THEN d.amount - COALESCE(v.amount, 0) END) AS paid
                  FROM disbursements d LEFT JOIN disbursement_reversals v ON v.disbursement_id = d.id
                  WHERE d.status IN ('APPROVED', 'PAID', 'FAILED') GROUP BY d.grant_id) d ON d.grant_id = g.id
       LEFT JOIN (SELECT grant_id, SUM(amount) AS released FROM grant_source_releases GROUP BY grant_id) r ON r.grant_id = g.id
       LEFT JOIN (SELECT grant_id, SUM(amount) AS spent FROM grant_expenses GROUP BY grant_id) e ON e.grant_id = g.id
       WHERE g.call_id = :call ORDER BY g.reference, g.id""",
    """SELECT t.grant_id, g.reference, t.label, t.due_on, t.amount FROM tranches t JOIN grants g ON g.id = t.grant_id
       WHERE g.call_id = :call AND t.status = 'PLANNED' AND t.due_on < :today ORDER BY t.due_on, t.id""",
    """SELECT r.grant_id, g.reference, r.title, r.due_on FROM grant_reports r JOIN grants g ON g.id = r.grant_id
       WHERE g.call_id = :call AND r.status = 'SCHEDULED' AND r.due_on < :today ORDER BY r.due_on, r.id""",
    """SELECT e.grant_id, g.reference, r.title, e.total, e.conclusion FROM grant_evaluations e
       JOIN grants g ON g.id = e.grant_id JOIN grant_reports r ON r.id = e.report_id
       WHERE g.call_id = :call AND e.id IN (SELECT MAX(id) FROM grant_evaluations GROUP BY report_id) ORDER BY e.id""",
    """SELECT b.category, 0, SUM(b.amount) FROM grant_budget_lines b JOIN grants g ON g.id = b.grant_id
       WHERE g.call_id = :call GROUP BY b.category
       UNION ALL SELECT x.category, 1, SUM(x.amount) FROM grant_expenses x JOIN grants g ON g.id = x.grant_id
       WHERE g.call_id = :call GROUP BY x.category""",
    """SELECT strftime('%Y-%m', COALESCE(d.paid_at, d.prepared_at), '+8 hours') AS month, 0, SUM(d.amount)
       FROM disbursements d JOIN grants g ON g.id = d.grant_id WHERE g.call_id = :call AND d.status = 'PAID' GROUP BY month
       UNION ALL SELECT strftime('%Y-%m', v.created_at, '+8 hours') AS month, 1, SUM(v.amount) FROM disbursement_reversals v
       JOIN disbursements d ON d.id = v.disbursement_id JOIN grants g ON g.id = d.grant_id
       WHERE g.call_id = :call AND d.status = 'PAID' GROUP BY month""",
]

# The statuses as the (non-native) enum columns store them: the members' names.
STORED_STATUSES = ("PAID", "APPROVED", "PAID", "FAILED")


class GrantsBenchError(RuntimeError):
    pass


def _grants(db, sa, committee, call, org_ids, sponsor_id, user_id, n: int, prefix: str, rows: int, now) -> dict:
    """n awarded applications of `call` with their grants and `rows` ledger rows (Core inserts)."""
    from portal.applications.models import Application, ApplicationStatus
    from portal.grants.models import (
        Disbursement,
        DisbursementReversal,
        DisbursementStatus,
        FundingSource,
        Grant,
        GrantBudgetLine,
        GrantStatus,
        SourceKind,
        Tranche,
        TrancheGate,
        TrancheStatus,
        tranche_sources,
    )
    from portal.grants.report_models import (
        Evaluation,
        EvaluationConclusion,
        Expense,
        GrantReport,
        ReportKind,
        ReportStatus,
    )
    from portal.judging.models import Award, AwardTier
    from portal.matching.models import Pledge, PledgeStatus

    def ids(model, *where):
        return list(db.session.scalars(sa.select(model.id).where(*where).order_by(model.id)))

    tier = AwardTier(call=call, position=0, name="优秀项目", places=n, amount=Decimal("30000.00"))
    db.session.add(tier)
    db.session.flush()
    db.session.execute(sa.insert(Application), [
        {"call_id": call.id, "organization_id": org_ids[i % len(org_ids)], "status": ApplicationStatus.ELIGIBLE,
         "sequence": i + 1, "reference": f"{prefix}-{i + 1:04d}", "title": f"四点半课堂（{prefix}{i + 1}）", "submitted_at": now}
        for i in range(n)])
    apps = ids(Application, Application.call_id == call.id)
    db.session.execute(sa.insert(Award), [{"call_id": call.id, "tier_id": tier.id, "application_id": a, "rank": i + 1}
                                          for i, a in enumerate(apps)])
    db.session.execute(sa.insert(Pledge), [{"application_id": a, "sponsor_id": sponsor_id, "amount": Decimal("20000.00"),
                                            "status": PledgeStatus.CONFIRMED, "on_behalf": True} for a in apps])
    today = date.today()
    db.session.execute(sa.insert(Grant), [
        {"committee_id": committee.id, "recipient_id": org_ids[i % len(org_ids)], "application_id": a, "call_id": call.id,
         "reference": f"{prefix}-G{i + 1:04d}", "title": f"四点半课堂（{prefix}{i + 1}）", "status": GrantStatus.ACTIVE,
         "starts_on": today - timedelta(days=200), "ends_on": today + timedelta(days=165)} for i, a in enumerate(apps)])
    grants = ids(Grant, Grant.call_id == call.id)
    db.session.execute(sa.insert(FundingSource), [
        {"grant_id": g, "kind": kind, "funder_id": funder, "amount": amount, "created_at": now}
        for g in grants for kind, funder, amount in ((SourceKind.SPONSOR, sponsor_id, Decimal("20000.00")),
                                                     (SourceKind.COMMITTEE_FUND, None, Decimal("10000.00")))])
    sources = ids(FundingSource, FundingSource.grant_id.in_(grants))
    db.session.execute(sa.insert(GrantBudgetLine), [
        {"grant_id": g, "position": k, "category": c, "amount": v, "is_admin": k == 1}
        for g in grants for k, (c, v) in enumerate((("活动费", Decimal("27000.00")), ("管理费", Decimal("3000.00"))))])
    # The first tranche paid, but for every tenth grant's (overdue); the last one due later.
    db.session.execute(sa.insert(Tranche), [
        {"grant_id": g, "position": k, "label": label, "amount": Decimal("15000.00"), "gate": TrancheGate.ON_SIGNING,
         "due_on": today + timedelta(days=-150 + 200 * k),
         "status": TrancheStatus.PAID if k == 0 and i % 10 else TrancheStatus.PLANNED}
        for i, g in enumerate(grants) for k, label in enumerate(("首期", "尾款"))])
    tranches = ids(Tranche, Tranche.grant_id.in_(grants))
    db.session.execute(sa.insert(tranche_sources), [
        {"tranche_id": t, "source_id": s} for i, t in enumerate(tranches) for s in sources[i // 2 * 2:i // 2 * 2 + 2]])
    # The mid-term report filed, but for every tenth grant's (overdue), and evaluated for every other grant.
    db.session.execute(sa.insert(GrantReport), [
        {"grant_id": g, "kind": kind, "title": title, "due_on": today + timedelta(days=days),
         "status": ReportStatus.SUBMITTED if kind == ReportKind.MIDTERM and i % 10 else ReportStatus.SCHEDULED}
        for i, g in enumerate(grants) for kind, title, days in ((ReportKind.MIDTERM, "中期报告", -20), (ReportKind.FINAL, "结项报告", 165))])
    midterms = list(db.session.execute(sa.select(GrantReport.id, GrantReport.grant_id).where(
        GrantReport.grant_id.in_(grants), GrantReport.status == ReportStatus.SUBMITTED).order_by(GrantReport.id)))
    db.session.execute(sa.insert(Evaluation), [
        {"report_id": r, "grant_id": g, "evaluator_id": user_id, "total": Decimal("78.50"), "pass_mark": Decimal(60),
         "conclusion": EvaluationConclusion.PASSED if i % 5 else EvaluationConclusion.RECTIFY, "created_at": now}
        for i, (r, g) in enumerate(midterms[::2])])
    n_disbursements, n_reversals = rows * 4 // 10, rows // 10
    n_expenses = rows - n_disbursements - n_reversals
    db.session.execute(sa.insert(Disbursement), [
        {"grant_id": grants[i % n], "tranche_id": tranches[i % n * 2], "source_id": sources[i % n * 2 + (i // n) % 2],
         "amount": Decimal("1000.00") + i % 7, "pay_on": today, "status": DisbursementStatus.PAID, "prepared_by_id": user_id,
         "prepared_at": now - timedelta(days=i % 300), "paid_at": now - timedelta(days=i % 300)}
        for i in range(n_disbursements)])
    paid = ids(Disbursement, Disbursement.grant_id.in_(grants))
    db.session.execute(sa.insert(DisbursementReversal), [
        {"disbursement_id": d, "grant_id": grants[i * 4 % n], "amount": Decimal("1000.00") + i * 4 % 7,
         "reason": "重复付款", "created_at": now - timedelta(days=i % 200)} for i, d in enumerate(paid[::4][:n_reversals])])
    db.session.execute(sa.insert(Expense), [
        {"grant_id": grants[i % n], "category": ("活动费", "管理费", "宣传费")[i % 3], "item": "物资",
         "amount": Decimal("-120.00") if i % 10 == 9 else Decimal("120.00") + i % 13, "spent_on": today, "created_at": now}
        for i in range(n_expenses)])
    return {"grants": len(grants), "disbursements": n_disbursements, "reversals": n_reversals, "expenses": n_expenses}


def build(app, n_grants: int, n_rows: int) -> dict:
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from portal.accounts.models import (
        MemberRole,
        Membership,
        Organization,
        OrgKind,
        OrgStatus,
        User,
    )
    from portal.calls.models import Call, CallStatus
    from portal.extensions import db
    from portal.types import utcnow

    now = utcnow()
    with app.app_context():
        db.create_all()
        committee = Organization(kind=OrgKind.COMMITTEE, name="共青团平湖市委员会", legal_form="群团组织", status=OrgStatus.VERIFIED)
        sponsor = Organization(kind=OrgKind.COMPANY, name="平湖市慈善基金会", legal_form="基金会", status=OrgStatus.VERIFIED)
        user = User(email="bench-grants@example.cn", name="陈晓燕",
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        calls = [Call(committee=committee, title=title, code=code, funding_min=Decimal("10000.00"),
                      funding_max=Decimal("50000.00"), total_pool=Decimal("30000000.00"), opens_at=now - timedelta(days=400),
                      closes_at=now - timedelta(days=300), status=CallStatus.CLOSED, published_at=now - timedelta(days=400))
                 for title, code in (("2026 年平湖市青年公益创投大赛", "GB01"), ("2026 年社区微创投", "GB02"))]
        db.session.add_all([committee, sponsor, user, *calls, Membership(user=user, organization=committee, role=MemberRole.OWNER)])
        db.session.flush()
        db.session.execute(sa.insert(Organization), [
            {"kind": OrgKind.NGO, "name": f"平湖市第{n}公益服务中心", "legal_form": "社会组织", "status": OrgStatus.VERIFIED}
            for n in range(1, 251)])
        org_ids = list(db.session.scalars(sa.select(Organization.id).where(Organization.kind == OrgKind.NGO)))
        facts = _grants(db, sa, committee, calls[0], org_ids, sponsor.id, user.id, n_grants, "GB01", n_rows, now)
        _grants(db, sa, committee, calls[1], org_ids, sponsor.id, user.id, 10, "GB02", 100, now)
        db.session.commit()
        return {**facts, "call_id": calls[0].id, "small_call_id": calls[1].id, "email": user.email}


def median_ms(action, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def _statements(db, sa, action) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def run(runs: int = 7, n_grants: int = 1000, n_rows: int = 10000) -> dict:
    with scratch_app("grants") as app:
        import sqlalchemy as sa

        from portal.calls.models import Call
        from portal.extensions import db
        from portal.grants.dashboards import call_dashboard

        app.config["PROPAGATE_EXCEPTIONS"] = bool(os.environ.get("GRANTS_BENCH_DEBUG"))
        t0 = time.perf_counter()
        facts = build(app, n_grants, n_rows)
        built = time.perf_counter() - t0
        client = app.test_client()
        if client.post("/login", data={"email": facts["email"], "password": PASSWORD}).status_code != 302:
            raise GrantsBenchError("could not log the committee member in")
        url = f"/grants/calls/{facts['call_id']}/dashboard"

        def get_page():
            response = client.get(url)
            if response.status_code != 200:
                raise GrantsBenchError(f"GET {url} answered {response.status_code}:\n{response.get_data(as_text=True)[:600]}")

        with app.app_context():
            call, small = db.session.get(Call, facts["call_id"]), db.session.get(Call, facts["small_call_id"])
            _ = call.title, small.title  # loaded: what is counted is the dashboard's own statements
            board = call_dashboard(call)  # warm-up
            if len(board.rows) != facts["grants"]:
                raise GrantsBenchError(f"the dashboard shows {len(board.rows)} grants, expected {facts['grants']}")
            queries = _statements(db, sa, lambda: call_dashboard(call))
            small_queries = _statements(db, sa, lambda: call_dashboard(small))
            connection = db.engine.raw_connection()
            try:
                def raw():
                    cursor = connection.cursor()
                    cursor.execute(RAW_SQL, (*STORED_STATUSES, facts["call_id"]))
                    fetched = cursor.fetchall()
                    cursor.close()
                    if len(fetched) != facts["grants"]:
                        raise GrantsBenchError(f"raw SQL returned {len(fetched)} rows, expected {facts['grants']}")
                    return fetched

                fetched = raw()
                raw_paid = sum(Decimal(str(r[4] or 0)) for r in fetched).quantize(Decimal("0.01"))
                if raw_paid != board.totals.disbursed:
                    raise GrantsBenchError(f"raw SQL paid {raw_paid}, the dashboard {board.totals.disbursed}")
                full_params = {"call": facts["call_id"], "today": date.today().isoformat()}

                def raw_full():
                    cursor = connection.cursor()
                    fetched = []
                    for statement in FULL_SQL:
                        cursor.execute(statement, full_params)
                        fetched.append(cursor.fetchall())
                    cursor.close()
                    return fetched

                full = raw_full()
                if len(full[0]) != facts["grants"] or len(full[1]) != len(board.overdue_tranches) \
                        or len(full[2]) != len(board.overdue_reports) or len(full[3]) != len(board.evaluations):
                    raise GrantsBenchError("the hand-written SQL does not find what the dashboard shows")
                # Interleaved, so that a busy moment of the machine weighs on all alike.
                service_runs, raw_runs, full_runs = [], [], []
                for _ in range(runs):
                    service_runs.append(median_ms(lambda: call_dashboard(call), 1)[0])
                    full_runs.append(median_ms(raw_full, 1)[0])
                    raw_runs.append(median_ms(raw, 1)[0])
                service_ms, raw_ms = statistics.median(service_runs), statistics.median(raw_runs)
                full_ms = statistics.median(full_runs)
            finally:
                connection.close()
            db.session.remove()
            get_page()
            page_ms, page_runs = median_ms(get_page, max(3, runs // 2))
            db.engine.dispose()
        figures = {
            **{k: v for k, v in facts.items() if k not in ("email", "call_id", "small_call_id")},
            "ledger_rows": facts["disbursements"] + facts["reversals"] + facts["expenses"], "build_s": round(built, 2),
            "runs": runs, "service_ms": round(service_ms, 1), "service_runs_ms": [round(t, 1) for t in service_runs],
            "raw_sql_ms": round(raw_ms, 1), "raw_runs_ms": [round(t, 1) for t in raw_runs],
            "page_ms": round(page_ms, 1), "page_runs_ms": [round(t, 1) for t in page_runs],
            "full_sql_ms": round(full_ms, 1), "full_runs_ms": [round(t, 1) for t in full_runs],
            "ratio": round(service_ms / full_ms, 2), "ledger_ratio": round(service_ms / raw_ms, 2),
            "page_ratio": round(page_ms / full_ms, 2), "target_ratio": TARGET_RATIO,
            "queries": queries, "queries_10_grants": small_queries, "disbursed": str(board.totals.disbursed),
        }
        report(figures)
        return figures


def report(f: dict) -> bool:
    met = f["ratio"] <= TARGET_RATIO
    constant = f["queries"] == f["queries_10_grants"]
    print(f"\ngrants: the per-call dashboard of {f['grants']:,} grants over {f['ledger_rows']:,} ledger rows "
          f"({f['disbursements']:,} disbursements, {f['reversals']:,} reversals, {f['expenses']:,} expenses; "
          f"built in {f['build_s']:.1f} s)")
    print(f"  dashboard service call_dashboard (median of {f['runs']}):   {f['service_ms']:>8.1f} ms  "
          f"({f['queries']} SQL statements; {f['queries_10_grants']} for a call of 10 grants: "
          f"{'constant' if constant else 'NOT CONSTANT'})")
    print(f"  raw SQL of the same figures from the same rows, 6 statements (median of {f['runs']}): "
          f"{f['full_sql_ms']:>8.1f} ms")
    print(f"  raw SQL of the ledger sums alone, 1 statement (median of {f['runs']}): {f['raw_sql_ms']:>8.1f} ms "
          f"(dashboard / it: {f['ledger_ratio']:.2f}, for information)")
    print(f"  whole page GET (test client, committee, HTML of {f['grants']:,} rows and 3 charts): {f['page_ms']:.1f} ms "
          f"(page / raw SQL {f['page_ratio']:.2f}, for information)")
    print(f"  ratio dashboard / raw SQL of the same figures: {f['ratio']:.2f} (target ≤ {TARGET_RATIO:g}, no cache): {'MET' if met else 'NOT MET'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **f, "met": met,
                                   "constant_queries": constant}, ensure_ascii=False, indent=2) + "\n")
    return met and constant


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--grants", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args(argv)
    try:
        run(args.runs, args.grants, args.rows)
    except GrantsBenchError as exc:
        print(f"\nGRANTS BENCHMARK FAILED: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
