#!/usr/bin/env python
"""The matching pages of `make bench` (benchmarks/run.py builds, serves and loads them beside the
baselines, in the same rounds):

- the venue board's JSON state (大屏, polled once a second by every screen in the room) of an open
  session of 50 projects and 2,000 pledges (pending, confirmed with match funding and receipts,
  withdrawn, in kind), read anonymously — as the projector reads it — and with no cache anywhere;
  target: ≥ 50 % of the requests/s of the Flask + SQLAlchemy + Jinja baseline;
- the sponsors' catalogue (matching.catalogue) of a standing catalogue of 500 projects, 20 a page,
  as a verified sponsor. Measured when the route exists (it is skipped with a note otherwise).

build() adds the rows to the bench database run.py built (its committee, Core inserts); pages() says
what to load; report() prints the targets and writes bench-results/matching.json.

Run only these pages (and the baselines): .venv/bin/python benchmarks/matching.py [run.py options]
"""
from __future__ import annotations

import http.client
import json
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "matching.json"
PASSWORD = "bench-password-1"
SPONSOR_EMAIL = "bench-sponsor@example.cn"
N_BOARD_PROJECTS = 50
N_BOARD_PLEDGES = 2000
N_CATALOGUE_PROJECTS = 500
N_SPONSORS = 100
TARGET_RATIO = 0.5  # the board state must reach half the Flask + Jinja + SQLAlchemy baseline
BOARD_LABEL = f"board state ({N_BOARD_PROJECTS} projects, {N_BOARD_PLEDGES:,} pledges)"
BOARD_304_LABEL = "board state unchanged (If-None-Match → 304)"
CATALOGUE_LABEL = f"sponsor catalogue ({N_CATALOGUE_PROJECTS} projects, 20/page)"

sys.path.insert(0, str(ROOT))


def _applications(db, sa, call, org_ids: list[int], n: int, prefix: str, categories, now) -> list[int]:
    from portal.applications.models import Application, ApplicationStatus, BudgetLine

    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Application.id), 0)))
    db.session.execute(sa.insert(Application), [
        {"call_id": call.id, "organization_id": org_ids[i % len(org_ids)], "status": ApplicationStatus.ELIGIBLE,
         "sequence": first + i + 1, "reference": f"{prefix}-{i + 1:03d}", "title": f"{['银龄食堂', '四点半学校', '社区花园', '助残工坊'][i % 4]}（{prefix}{i + 1}）",
         "category_id": categories[i % len(categories)].id, "service_area": ["平湖市当湖街道", "平湖市钟埭街道", "嘉兴市南湖区"][i % 3],
         "summary": "为社区独居老人和双职工家庭的孩子提供日常服务。", "target_group": "社区居民", "beneficiaries_count": 100 + i,
         "declaration_accepted": True, "submitted_at": now, "created_at": now, "updated_at": now}
        for i in range(n)
    ])
    ids = list(db.session.scalars(sa.select(Application.id).where(Application.id > first).order_by(Application.id)))
    db.session.execute(sa.insert(BudgetLine), [
        {"application_id": a, "position": k, "category": category, "item": item, "unit_price": price,
         "quantity": Decimal("10"), "amount": price * 10, "self_funded": Decimal("0.00")}
        for a in ids
        for k, (category, item, price) in enumerate([("活动费", "活动材料", Decimal("3000.00")),
                                                     ("人员费", "社工补贴", Decimal("2000.00")),
                                                     ("宣传费", "宣传海报", Decimal("600.00"))])
    ])
    return ids


def build(env: dict) -> dict:
    """Add the matching rows to the bench database; return the paths and the sponsor's cookie."""
    for key in ("DATABASE_URL", "INSTANCE_PATH", "SECRET_KEY", "MAIL_BACKEND", "REDIS_URL"):
        os.environ[key] = env[key]
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
    from portal.app import create_app
    from portal.calls.models import Call, CallStatus, Category
    from portal.extensions import db
    from portal.matching.models import (
        MatchAllocation,
        MatchingSession,
        MatchMode,
        Pledge,
        PledgeKind,
        PledgeStatus,
        Receipt,
        ReceiptPayee,
        SessionKind,
        SessionProject,
        SessionStatus,
    )
    from portal.types import utcnow

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        now = utcnow()
        committee = db.session.scalar(sa.select(Organization).where(Organization.kind == OrgKind.COMMITTEE))
        categories = list(db.session.scalars(sa.select(Category).order_by(Category.id)))
        call = Call(committee=committee, title="2026 年平湖市公益项目对接会", code="MB01",
                    funding_min=Decimal("10000.00"), funding_max=Decimal("100000.00"), total_pool=Decimal("2000000.00"),
                    opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30), status=CallStatus.FINAL,
                    published_at=now - timedelta(days=90), categories=categories[:4])
        db.session.add(call)
        db.session.execute(sa.insert(Organization), [
            {"kind": OrgKind.NGO, "name": f"平湖市第{n}社会工作服务中心", "legal_form": "社会组织", "province": "浙江省",
             "city": "嘉兴市", "district": "平湖市", "status": OrgStatus.VERIFIED} for n in range(1, 61)
        ] + [
            {"kind": OrgKind.COMPANY, "name": f"平湖市爱心企业{n}有限公司", "legal_form": "企业", "status": OrgStatus.VERIFIED,
             "board_name": f"爱心企业{n}" if n % 3 == 0 else None, "board_anonymous": n % 10 == 0}
            for n in range(1, N_SPONSORS + 1)
        ])
        ngo_ids = list(db.session.scalars(sa.select(Organization.id).where(Organization.name.like("%社会工作服务中心"))))
        sponsor_ids = list(db.session.scalars(sa.select(Organization.id).where(Organization.kind == OrgKind.COMPANY)
                                              .order_by(Organization.id)))
        user = User(email=SPONSOR_EMAIL, name="王经理", password_hash=generate_password_hash(PASSWORD))
        db.session.add_all([user, Membership(user=user, organization_id=sponsor_ids[0], role=MemberRole.OWNER)])
        db.session.flush()

        def session_of(kind, title, **rule):
            session = MatchingSession(committee_id=committee.id, title=title, kind=kind, status=SessionStatus.OPEN,
                                      venue="平湖市民中心", held_at=now, opened_at=now, **rule)
            session.calls = [call]
            db.session.add(session)
            db.session.flush()
            return session

        board = session_of(SessionKind.EVENT, "2026 年平湖市公益创投项目对接会", match_ratio=Decimal("1"),
                           match_pool=Decimal("300000.00"), match_mode=MatchMode.FIRST_COME)
        catalogue = session_of(SessionKind.CATALOGUE, "常年认领项目库", open_from=now.date(),
                               open_until=(now + timedelta(days=180)).date())
        facts = {"board_session_id": board.id, "catalogue_session_id": catalogue.id}
        for session, n, prefix in ((board, N_BOARD_PROJECTS, "MB"), (catalogue, N_CATALOGUE_PROJECTS, "MC")):
            app_ids = _applications(db, sa, call, ngo_ids, n, prefix, categories, now)
            db.session.execute(sa.insert(SessionProject), [
                {"session_id": session.id, "application_id": a, "goal": Decimal(60000 + 1000 * (i % 40)),
                 "position": i + 1, "added_at": now} for i, a in enumerate(app_ids)])
        projects = {sid: list(db.session.execute(sa.select(SessionProject.id, SessionProject.application_id)
                                                 .where(SessionProject.session_id == sid).order_by(SessionProject.id)))
                    for sid in (board.id, catalogue.id)}

        def pledge_rows(session_id: int, count: int) -> list[dict]:
            rows, shown = [], projects[session_id]
            for i in range(count):
                project_id, application_id = shown[i % len(shown)]
                in_kind = i % 20 == 7
                status = (PledgeStatus.WITHDRAWN if i % 10 == 9 else
                          PledgeStatus.PENDING if i % 10 >= 6 else PledgeStatus.CONFIRMED)
                rows.append({
                    "session_id": session_id, "project_id": project_id, "application_id": application_id,
                    # about 20 sponsors behind each project, each pledging twice
                    "sponsor_id": sponsor_ids[(i // len(shown) % 20 * 5 + i) % len(sponsor_ids)], "kind": PledgeKind.IN_KIND if in_kind else PledgeKind.CASH,
                    "amount": Decimal(500 + 100 * (i % 7)), "in_kind_description": "图书" if in_kind else "",
                    "in_kind_quantity": "100 册" if in_kind else "", "status": status,
                    "created_at": now - timedelta(seconds=count - i), "decided_at": now if status != PledgeStatus.PENDING else None,
                })
            return rows

        db.session.execute(sa.insert(Pledge), pledge_rows(board.id, N_BOARD_PLEDGES) + pledge_rows(catalogue.id, 1000))
        confirmed = db.session.execute(
            sa.select(Pledge.id, Pledge.project_id, Pledge.sponsor_id, Pledge.amount)
            .where(Pledge.session_id == board.id, Pledge.status == PledgeStatus.CONFIRMED, Pledge.kind == PledgeKind.CASH)
            .order_by(Pledge.id)).all()
        left, allocations = board.match_pool, []
        for pledge_id, project_id, sponsor_id, amount in confirmed:  # first come, 1:1, until the pool runs out
            given = min(amount, left)
            left -= given
            allocations.append({"session_id": board.id, "project_id": project_id, "pledge_id": pledge_id,
                                "sponsor_id": sponsor_id, "amount": given, "created_at": now})
        db.session.execute(sa.insert(MatchAllocation), allocations)
        db.session.execute(sa.insert(Receipt), [
            {"pledge_id": pledge_id, "amount": amount, "received_on": now.date(), "reference": f"HK{pledge_id}",
             "payee": ReceiptPayee.COMMITTEE_FUND, "created_at": now}
            for pledge_id, _, _, amount in confirmed[::2]])
        db.session.commit()
        facts["board_path"] = f"/matching/sessions/{board.id}/board/state"
        facts["catalogue_path"] = None
        if "matching.catalogue" in app.view_functions:
            with app.test_request_context():
                from flask import url_for

                facts["catalogue_path"] = url_for("matching.catalogue", session_id=catalogue.id)

    client = app.test_client()
    if client.post("/login", data={"email": SPONSOR_EMAIL, "password": PASSWORD}).status_code != 302:
        raise RuntimeError("could not log the sponsor in")
    client.get("/me")  # consume the welcome flash
    facts["sponsor_cookie"] = f"session={client.get_cookie('session').value}"
    with app.app_context():
        db.engine.dispose()
    return facts


def _etag(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag") or ""
    finally:
        connection.close()


def pages(portal, facts: dict) -> tuple[list[tuple], list[str]]:
    """The pages to load: (label, server, path, headers[, expected status]); and notes on what was
    left out. The board is read as the projector reads it: anonymously, the whole state (no
    If-None-Match), and as a screen polls between two changes (its ETag sent: 304)."""
    found = [(BOARD_LABEL, portal, facts["board_path"], {}),
             (BOARD_304_LABEL, portal, facts["board_path"], {"If-None-Match": _etag(portal.port, facts["board_path"])}, 304)]
    notes = []
    if facts["catalogue_path"]:
        found.append((CATALOGUE_LABEL, portal, facts["catalogue_path"], {"Cookie": facts["sponsor_cookie"]}))
    else:
        notes.append("the sponsor catalogue (matching.catalogue) is not routed yet: not measured")
    return found, notes


def check(label: str, body: str) -> str | None:
    """What is wrong with a page's answer before it is measured, if anything."""
    if label == BOARD_LABEL:  # (the 304 answers nothing to check)
        state = json.loads(body)
        if len(state["projects"]) != N_BOARD_PROJECTS or len(state["ticker"]) == 0:
            return f"the board state shows {len(state['projects'])} projects, not {N_BOARD_PROJECTS}"
    if label == CATALOGUE_LABEL and "（MC" not in body:
        return "the catalogue shows none of the catalogue's projects"
    return None


def report(results: dict, jinja_label: str) -> bool:
    """Print the matching targets; write bench-results/matching.json. True when the board target is met."""
    jinja = results[jinja_label]["rps"]
    figures = {label: results[label] for label in (BOARD_LABEL, BOARD_304_LABEL, CATALOGUE_LABEL) if label in results}
    board_ratio = figures[BOARD_LABEL]["rps"] / jinja if BOARD_LABEL in figures else None
    if board_ratio is not None:
        met = board_ratio >= TARGET_RATIO
        print(f"target: {BOARD_LABEL} ≥ {TARGET_RATIO:.0%} of the Flask+Jinja+SQLAlchemy baseline, no cache → "
              f"{board_ratio:.0%}: {'MET' if met else 'NOT MET'}")
    else:
        met = False
    for label in (BOARD_304_LABEL, CATALOGUE_LABEL):
        if label in figures:
            print(f"        {label}: {figures[label]['rps'] / jinja:.0%} of the same baseline")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "baseline_rps": jinja,
        "pages": {label: {"rps": f["rps"], "p50_ms": f["p50_ms"], "p99_ms": f["p99_ms"], "ratio_to_jinja_baseline": f["rps"] / jinja}
                  for label, f in figures.items()},
        "target": {"page": BOARD_LABEL, "min_ratio_to_jinja_baseline": TARGET_RATIO, "ratio": board_ratio, "met": met},
    }, ensure_ascii=False, indent=2) + "\n")
    return met


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    sys.exit(run.main(["--only", "matching", "--no-judging", *sys.argv[1:]]))
