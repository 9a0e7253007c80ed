#!/usr/bin/env python
"""Judging benchmark (part of `make bench`): the committee's ranking page of a large round, next to
the bare SQL that any ranking has to run.

1. Builds a fresh SQLite database in a temporary folder: one call in judging, a round with a rubric
   of 6 criteria, 2,000 applications × 5 judges (10,000 submitted sheets, 60,000 scores), inserted
   in bulk through SQLAlchemy Core.
2. Times, in the same run: (a) GET of the ranking page through the Flask test client as a committee
   member (the median of several runs, after a warm-up; the ranking is reused while the round's
   version is unchanged, see portal/judging/results.py), (a') the same page when the ranking must be
   recomputed (as right after a score changed), and (b) the raw SQL GROUP BY over the same
   score table (SELECT application_id, judge_id, SUM(value × weight) … GROUP BY sheet, all rows
   fetched) through the bare DB-API connection.
3. Prints both, the ratio page / raw (target ≤ 1.5) and the page's number of SQL statements; writes
   bench-results/judging.json.

Usage: .venv/bin/python benchmarks/judging.py [--runs 7] [--applications 2000] [--judges 5]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "judging.json"
PASSWORD = "bench-password-1"
TARGET_RATIO = 1.5
RUBRIC = [("必要性", 20), ("可行性", 20), ("创新性", 20), ("团队能力", 15), ("预算合理性", 10), ("社会效益", 15)]

sys.path.insert(0, str(ROOT))

from scratch import scratch_app  # noqa: E402 - benchmarks/ is the script's folder

RAW_SQL = """
SELECT s.application_id, s.judge_id, SUM(sc.value * c.weight) AS total
FROM score_sheets s
JOIN scores sc ON sc.sheet_id = s.id
JOIN criteria c ON c.id = sc.criterion_id
WHERE s.round_id = ? AND s.status = ?
GROUP BY s.id, s.application_id, s.judge_id
"""


class JudgingBenchError(RuntimeError):
    pass


def build(app, n_applications: int, n_judges: int) -> dict:
    """The call, round, judges (ORM) and the applications, entries, assignments, sheets and scores (Core)."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from portal.accounts.models import MemberRole, Membership, OrgKind, Organization, OrgStatus, User
    from portal.applications.models import Application, ApplicationStatus
    from portal.calls.models import Call, CallStatus
    from portal.judging.models import Criterion, Round, RoundStatus
    from portal.extensions import db
    from portal.judging.models import Assignment, CallJudge, RoundEntry, Score, ScoreSheet, SheetStatus
    from portal.types import utcnow

    rng = random.Random(2026)
    now = utcnow()
    with app.app_context():
        db.create_all()
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        committee = Organization(kind=OrgKind.COMMITTEE, name="共青团平湖市委员会", legal_form="群团组织",
                                 status=OrgStatus.VERIFIED)
        user = User(email="bench-judging@example.cn", name="陈晓燕", password_hash=hashed)
        db.session.add_all([committee, user, Membership(user=user, organization=committee, role=MemberRole.OWNER)])
        call = Call(committee=committee, title="2026 年平湖市青年公益创投大赛", code="JB01",
                    funding_min=Decimal("10000.00"), funding_max=Decimal("50000.00"), total_pool=Decimal("2000000.00"),
                    opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=10),
                    status=CallStatus.JUDGING, published_at=now - timedelta(days=60))
        round_ = Round(call=call, position=1, name="初审", status=RoundStatus.OPEN, judges_per_application=n_judges)
        round_.criteria = [Criterion(position=i, name=name, max_score=Decimal(m), weight=Decimal("1.00"))
                           for i, (name, m) in enumerate(RUBRIC)]
        judges = [User(email=f"judge{i}@example.cn", name=f"评委{i + 1}", password_hash=hashed, is_judge=True)
                  for i in range(n_judges)]
        db.session.add_all([call, round_, *judges])
        db.session.flush()
        db.session.add_all([CallJudge(call_id=call.id, user_id=j.id, email=j.email) for j in judges])
        ngos = [{"kind": OrgKind.NGO, "name": f"平湖市第{n}公益服务中心", "legal_form": "社会组织",
                 "status": OrgStatus.VERIFIED} for n in range(1, 401)]
        db.session.execute(sa.insert(Organization), ngos)
        org_ids = list(db.session.scalars(sa.select(Organization.id).where(Organization.kind == OrgKind.NGO)))
        db.session.execute(sa.insert(Application), [
            {"call_id": call.id, "organization_id": org_ids[n % len(org_ids)], "status": ApplicationStatus.ELIGIBLE,
             "sequence": n, "reference": f"JB01-{n:04d}", "title": f"四点半课堂（{n}）", "submitted_at": now}
            for n in range(1, n_applications + 1)
        ])
        app_ids = list(db.session.scalars(sa.select(Application.id).where(Application.call_id == call.id)
                                          .order_by(Application.id)))
        db.session.execute(sa.insert(RoundEntry), [
            {"round_id": round_.id, "application_id": a, "position": i + 1} for i, a in enumerate(app_ids)])
        db.session.execute(sa.insert(Assignment), [
            {"round_id": round_.id, "application_id": a, "judge_id": j.id} for a in app_ids for j in judges])
        db.session.execute(sa.insert(ScoreSheet), [
            {"round_id": round_.id, "application_id": a, "judge_id": j.id, "status": SheetStatus.SUBMITTED,
             "started_at": now, "submitted_at": now, "updated_at": now} for a in app_ids for j in judges])
        sheet_ids = list(db.session.scalars(sa.select(ScoreSheet.id).where(ScoreSheet.round_id == round_.id)))
        criteria = [(c.id, c.max_score) for c in round_.criteria]
        leaning = {j.id: rng.uniform(-0.1, 0.1) for j in judges}
        judge_of = dict(db.session.execute(sa.select(ScoreSheet.id, ScoreSheet.judge_id)).all())
        scores = []
        for sheet_id in sheet_ids:
            share = min(0.98, max(0.3, rng.gauss(0.75, 0.1) + leaning[judge_of[sheet_id]]))
            for criterion_id, maximum in criteria:
                value = (maximum * Decimal(str(round(share + rng.uniform(-0.05, 0.05), 3)))).quantize(Decimal("0.5"))
                scores.append({"sheet_id": sheet_id, "criterion_id": criterion_id, "value": min(value, maximum)})
        db.session.execute(sa.insert(Score), scores)
        db.session.commit()
        status = db.session.execute(sa.text("SELECT status FROM score_sheets LIMIT 1")).scalar()
        return {"round_id": round_.id, "email": user.email, "sheets": len(sheet_ids), "scores": len(scores),
                "status": status}


def median_ms(action, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def run(runs: int = 7, n_applications: int = 2000, n_judges: int = 5) -> dict:
    with scratch_app("judging") as app:
        import sqlalchemy as sa

        from portal.extensions import db
        from portal.judging.results import forget_cached_results

        t0 = time.perf_counter()
        facts = build(app, n_applications, n_judges)
        built = time.perf_counter() - t0
        client = app.test_client()
        if client.post("/login", data={"email": facts["email"], "password": PASSWORD}).status_code != 302:
            raise JudgingBenchError("could not log the committee member in")
        url = f"/judging/rounds/{facts['round_id']}/results"

        def get_page():
            response = client.get(url)
            if response.status_code != 200:
                raise JudgingBenchError(f"GET {url} answered {response.status_code}:\n"
                                        f"{response.get_data(as_text=True)[:600]}")
            return response

        with app.app_context():
            statements: list[str] = []

            def count(conn, cursor, statement, *args):
                statements.append(statement)

            sa.event.listen(db.engine, "before_cursor_execute", count)
            body = get_page().get_data(as_text=True)  # the warm-up, counted
            sa.event.remove(db.engine, "before_cursor_execute", count)
            rows_shown = body.count('class="result-rank"')
            page_ms, page_runs = median_ms(get_page, runs)  # the ranking as computed for the last view

            def get_page_cold():
                forget_cached_results()  # as after any score change
                get_page()

            cold_ms, cold_runs = median_ms(get_page_cold, runs)

            connection = db.engine.raw_connection()
            try:
                def raw():
                    cursor = connection.cursor()
                    cursor.execute(RAW_SQL, (facts["round_id"], facts["status"]))
                    fetched = cursor.fetchall()
                    cursor.close()
                    if len(fetched) != facts["sheets"]:
                        raise JudgingBenchError(f"raw SQL returned {len(fetched)} rows, expected {facts['sheets']}")

                raw()
                raw_ms, raw_runs = median_ms(raw, runs)
            finally:
                connection.close()
            db.engine.dispose()
        figures = {
            "applications": n_applications, "judges": n_judges, "criteria": len(RUBRIC), "sheets": facts["sheets"],
            "scores": facts["scores"], "build_s": round(built, 2), "runs": runs, "rows_on_page": rows_shown,
            "page_ms": round(page_ms, 1), "page_runs_ms": [round(t, 1) for t in page_runs],
            "raw_sql_ms": round(raw_ms, 1), "raw_runs_ms": [round(t, 1) for t in raw_runs],
            "ratio": round(page_ms / raw_ms, 2), "target_ratio": TARGET_RATIO, "page_queries": len(statements),
            "cold_page_ms": round(cold_ms, 1), "cold_runs_ms": [round(t, 1) for t in cold_runs],
            "cold_ratio": round(cold_ms / raw_ms, 2),
        }
        report(figures)
        return figures


def report(f: dict) -> None:
    met = f["ratio"] <= TARGET_RATIO
    print(f"\njudging: {f['applications']:,} applications × {f['judges']} judges × {f['criteria']} criteria "
          f"({f['sheets']:,} sheets, {f['scores']:,} scores; built in {f['build_s']:.1f} s)")
    print(f"  ranking page GET (test client, committee, median of {f['runs']}): {f['page_ms']:>8.1f} ms  "
          f"({f['page_queries']} SQL statements, {f['rows_on_page']} rows shown)")
    print(f"  ranking page GET right after a score changed (recomputed):  {f['cold_page_ms']:>8.1f} ms")
    print(f"  raw SQL GROUP BY per sheet (median of {f['runs']}):            {f['raw_sql_ms']:>8.1f} ms")
    print(f"  ratio page / raw: {f['ratio']:.2f} (target ≤ {TARGET_RATIO}): {'MET' if met else 'NOT MET'}; "
          f"recomputed page / raw: {f['cold_ratio']:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **f, "met": met},
                                  ensure_ascii=False, indent=2) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--judges", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        run(args.runs, args.applications, args.judges)
    except JudgingBenchError as exc:
        print(f"\nJUDGING BENCHMARK FAILED: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
