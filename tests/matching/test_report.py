"""The session report: every figure equals the sum of its rows, computed here independently from
the rows themselves; the page, the A4 PDF and the Excel export show the same figures; the report
reads in a fixed number of queries; only the session's committee reads it."""
from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import Decimal

import pdfplumber
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.judging.models import Award, AwardTier
from portal.matching import pledges as pledging
from portal.matching.models import (
    MatchAllocation,
    Need,
    NeedStatus,
    OfferStatus,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    SessionProject,
    SessionStatus,
)
from portal.matching.report import session_report
from portal.matching.services import close_session, settle_session
from portal.types import format_money

from ..conftest import login as log_in
from ..factories import make_member
from . import report_scenario
from .helpers import add_project, make_session, make_sponsor

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
LIVE = (PledgeStatus.PENDING, PledgeStatus.CONFIRMED)


def total(values) -> Decimal:
    return sum(values, ZERO)


def expected_figures(session) -> dict:
    """Every figure of the report, from the rows: plain sums over queried rows."""
    projects = db.session.scalars(sa.select(SessionProject).where(SessionProject.session_id == session.id)).all()
    shown = {p.id: p for p in projects if p.withdrawn_at is None}
    pledges = db.session.scalars(sa.select(Pledge).where(Pledge.session_id == session.id)).all()
    live = [p for p in pledges if p.status in LIVE and p.project_id in shown]
    confirmed = [p for p in live if p.status == PledgeStatus.CONFIRMED]
    allocations = db.session.scalars(sa.select(MatchAllocation).where(MatchAllocation.session_id == session.id)).all()
    receipts = [r for r in db.session.scalars(sa.select(Receipt)).all() if r.pledge.session_id == session.id]
    awarded = defaultdict(lambda: ZERO)
    for award in db.session.scalars(sa.select(Award)).all():
        awarded[award.application_id] += db.session.get(AwardTier, award.tier_id).amount
    cash = [p for p in live if p.kind == PledgeKind.CASH]
    in_kind = [p for p in live if p.kind == PledgeKind.IN_KIND]

    def money_of(project_ids=None, sponsor_id=None):
        def keep(row_project, row_sponsor):
            return (project_ids is None or row_project in project_ids) and (sponsor_id is None or row_sponsor == sponsor_id)
        return dict(
            pledged=total(p.amount for p in cash if keep(p.project_id, p.sponsor_id)),
            confirmed=total(p.amount for p in cash if p.status == PledgeStatus.CONFIRMED and keep(p.project_id, p.sponsor_id)),
            received=total(r.amount for r in receipts if keep(r.pledge.project_id, r.pledge.sponsor_id)),
            match=total(a.amount for a in allocations if keep(a.project_id, a.sponsor_id)),
            in_kind=total(p.amount for p in in_kind if keep(p.project_id, p.sponsor_id)),
        )

    per_project = {}
    for project_id, project in shown.items():
        row = money_of({project_id})
        row["goal"], row["awarded"] = project.goal, awarded[project.application_id]
        row["in_kind_accepted"] = total(p.amount for p in in_kind if p.project_id == project_id and p.value_accepted_at)
        row["gap"] = max(ZERO, row["goal"] - row["awarded"] - row["pledged"] - row["in_kind_accepted"] - row["match"])
        row["backers"] = sorted({p.sponsor.name for p in live if p.project_id == project_id})
        row["funded"] = any(p.project_id == project_id for p in confirmed)
        per_project[project_id] = row
    categories = defaultdict(list)
    for project_id, project in shown.items():
        category = project.application.category
        categories[category.name if category else "未分类"].append(project_id)
    per_category = {name: dict(money_of(set(ids)), projects=len(ids), funded=sum(per_project[i]["funded"] for i in ids),
                               goal=total(per_project[i]["goal"] for i in ids), gap=total(per_project[i]["gap"] for i in ids))
                    for name, ids in categories.items()}
    sponsors = {p.sponsor_id for p in live}
    per_sponsor = {sponsor_id: dict(money_of(sponsor_id=sponsor_id),
                                    projects=len({p.project_id for p in live if p.sponsor_id == sponsor_id}))
                   for sponsor_id in sponsors}
    needs = db.session.scalars(sa.select(Need).where(Need.session_id == session.id, Need.status == NeedStatus.AWARDED)).all()
    accepted = [o for need in needs for o in need.offers if o.status == OfferStatus.ACCEPTED]
    headline = {
        "展示项目": len(shown),
        "获得确认认捐的项目": len({p.project_id for p in confirmed}),
        "确认认捐的爱心企业": len({p.sponsor_id for p in confirmed}),
        "有认捐的爱心企业（含待确认）": len(sponsors),
        "认捐总额（待确认与已确认）": total(p.amount for p in cash),
        "其中待确认": total(p.amount for p in cash if p.status == PledgeStatus.PENDING),
        "已确认认捐": total(p.amount for p in cash if p.status == PledgeStatus.CONFIRMED),
        "已到账": total(r.amount for r in receipts),
        "配捐": total(a.amount for a in allocations),
        "配捐资金池": session.match_pool,
        "物资和服务估值": total(p.amount for p in in_kind),
        "其中核定计入缺口": total(p.amount for p in in_kind if p.value_accepted_at),
        "已失效的资金认捐": total(p.amount for p in pledges if p.status == PledgeStatus.LAPSED and p.kind == PledgeKind.CASH),
        "已撤回的资金认捐": total(p.amount for p in pledges if p.status == PledgeStatus.WITHDRAWN and p.kind == PledgeKind.CASH),
        "领办的服务需求": len(accepted),
        "领办的社会组织": len({o.ngo_id for o in accepted}),
        "领办金额": total(o.price for o in accepted),
    }
    return dict(headline=headline, projects=per_project, categories=per_category, sponsors=per_sponsor)


@pytest.fixture
def built(app):
    return report_scenario.build()


def shown_text(value) -> str:
    return format_money(value) if isinstance(value, Decimal) else str(value)


def test_the_scenario_has_rows_in_every_state(built):
    pledges = db.session.scalars(sa.select(Pledge).where(Pledge.session_id == built["session"].id)).all()
    assert {p.status for p in pledges} == set(PledgeStatus)
    in_kind = [p for p in pledges if p.kind == PledgeKind.IN_KIND]
    assert {p.value_accepted_at is not None for p in in_kind} == {True, False}
    assert any(p.is_claim for p in pledges) and any(p.on_behalf for p in pledges)
    limits = {a.limited_by for a in db.session.scalars(sa.select(MatchAllocation)).all()}
    assert {"pool", "cap_per_pledge"} <= {limit.value for limit in limits if limit}


def test_every_figure_equals_the_sum_of_its_rows(built):
    report = session_report(built["session"])
    expected = expected_figures(built["session"])
    assert {str(f.label): f.value for f in report.figures} == expected["headline"]
    assert {row.project.id: dict(goal=row.amounts.goal, awarded=row.amounts.awarded, pledged=row.amounts.pledged,
                                 confirmed=row.amounts.confirmed, received=row.amounts.received, match=row.amounts.match,
                                 in_kind=row.amounts.in_kind, in_kind_accepted=row.amounts.in_kind_accepted,
                                 gap=row.amounts.gap, backers=row.backers, funded=row.funded)
            for row in report.projects} == expected["projects"]
    assert {str(c.name): dict(pledged=c.amounts.pledged, confirmed=c.amounts.confirmed, received=c.amounts.received,
                              match=c.amounts.match, in_kind=c.amounts.in_kind, projects=c.projects, funded=c.funded,
                              goal=c.amounts.goal, gap=c.amounts.gap)
            for c in report.categories} == expected["categories"]
    assert {s.sponsor.id: dict(pledged=s.pledged, confirmed=s.confirmed, received=s.received, match=s.match,
                               in_kind=s.in_kind, projects=len(s.projects))
            for s in report.sponsors} == expected["sponsors"]
    # The totals row is the sum of the project rows.
    for name in ("goal", "awarded", "pledged", "confirmed", "received", "match", "in_kind", "gap"):
        assert getattr(report.totals, name) == total(row[name] for row in expected["projects"].values())
    for name in ("pledged", "confirmed", "received", "match", "in_kind"):  # so do the sponsors' rows
        assert getattr(report.totals, name) == total(getattr(s, name) for s in report.sponsors)
    # Award funding (no session) and the withdrawn project's lapsed pledge stay out of the shown figures.
    assert "退出的项目" not in {row.application.title for row in report.projects} and report.withdrawn_projects == 1
    assert [n.title for n in report.needs.rows] == ["独居老人助餐", "课后托管"]


def test_the_summary_reads_like_the_committees_own(app, built):
    report = session_report(built["session"])
    h = expected_figures(built["session"])["headline"]
    assert str(report.summary) == (
        f"展示 {h['展示项目']} 个项目，其中 {h['获得确认认捐的项目']} 个获得 {h['确认认捐的爱心企业']} 家爱心企业认捐，"
        "认捐总额 ¥84,000，配捐 ¥25,000；已到账 ¥37,000.50；另有物资和服务估值 ¥7,000；"
        "2 项服务需求由 2 家社会组织领办，金额 ¥91,500.50。")
    assert report.provisional
    with app.test_request_context("/?lang=en"):
        from flask_babel import refresh

        from portal.i18n import translate

        refresh()
        english = translate(report.summary)
    assert "5 projects shown" in english and "¥84,000" in english and not re.search(r"[\u4e00-\u9fff]", english)


def page_figures(html: str) -> dict[str, str]:
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    return {label.strip(): value.strip() for label, value in pairs}


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages).replace(" ", "")


def test_the_page_the_pdf_and_the_excel_show_the_same_figures(built, client, login_as):
    session = built["session"]
    report = session_report(session)
    shown = {str(f.label): shown_text(f.value) for f in report.figures}
    login_as(built["committee"])
    page = client.get(f"/matching/sessions/{session.id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page_figures(html) == shown
    assert "暂定" in html and str(report.summary) in html

    workbook = client.get(f"/matching/sessions/{session.id}/report.xlsx")
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(workbook.data))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["总结"] == str(report.summary) and "暂定" in summary["状态"]
    for label, value in ((str(f.label), f.value) for f in report.figures):
        assert shown_text(Decimal(str(summary[label])).quantize(CENT) if isinstance(value, Decimal) else summary[label]) \
            == shown[label], label
    sheet_rows = list(book["项目明细"].iter_rows(min_row=2, values_only=True))
    for row, project in zip(sheet_rows, report.projects):
        a = project.amounts
        assert row[2] == project.application.title
        assert [Decimal(str(v)).quantize(CENT) for v in row[5:13]] == \
            [a.goal, a.awarded, a.pledged, a.confirmed, a.received, a.match, a.in_kind, a.gap]
    assert sheet_rows[-1][0] == "合计" and Decimal(str(sheet_rows[-1][7])) == report.totals.pledged
    sponsors = {row[0]: row for row in book["爱心企业"].iter_rows(min_row=2, values_only=True)}
    for s in report.sponsors:
        assert Decimal(str(sponsors[s.sponsor.name][4])) == s.confirmed
    needs = list(book["领办项目"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in needs[:-1]] == [n.title for n in report.needs.rows]
    assert Decimal(str(needs[-1][3])) == report.needs.amount

    document = client.get(f"/matching/sessions/{session.id}/report.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = pdf_text(document.data)
    for label, value in shown.items():
        assert f"{label}{value}" in text, label
    assert str(report.summary).replace(" ", "") in text.replace("\n", "")
    assert "暂定" in text
    for row in report.projects:
        assert row.application.title in text
    assert format_money(report.totals.gap) in text and format_money(report.needs.amount) in text


def test_a_settled_session_reports_final_figures(built, client, login_as):
    session, committee = built["session"], built["committee"]
    close_session(committee, session)
    for pledge in db.session.scalars(sa.select(Pledge).where(Pledge.session_id == session.id,
                                                              Pledge.status == PledgeStatus.PENDING)).all():
        pledging.lapse_pledge(committee, pledge)
    settle_session(committee, session)
    report = session_report(session)
    assert not report.provisional and session.status == SessionStatus.SETTLED
    assert {str(f.label): f.value for f in report.figures} == expected_figures(session)["headline"]
    assert report.pending == 0 and report.totals.pledged == report.totals.confirmed
    login_as(committee)
    html = client.get(f"/matching/sessions/{session.id}/report").get_data(as_text=True)
    assert "暂定" not in html


def _session_of(n: int):
    session = make_session(match_ratio=Decimal("0.5"), match_pool=Decimal("1000000.00"))
    committee = session.test_committee_user
    sponsors = [make_sponsor(f"企业{i}") for i in range(3)]
    db.session.commit()
    for i in range(n):
        project = add_project(session, goal="20000.00", title=f"项目{i}")
        user, sponsor = sponsors[i % 3]
        pledge = pledging.pledge_cash(user, project, sponsor, {"amount": "3000"})
        pledging.confirm_pledge(committee, pledge)
        report_scenario.receive(committee, pledge, "1000")
        other_user, other = sponsors[(i + 1) % 3]
        pledging.pledge_in_kind(other_user, project, other, {"in_kind_description": "图书", "amount": "500"})
        pledging.lapse_pledge(committee, pledging.pledge_cash(other_user, project, other, {"amount": "200"}))
    return session


def test_the_report_reads_in_a_fixed_number_of_queries(app, client, count_queries):
    counts = []
    for n in (3, 30):
        session = _session_of(n)
        member = make_member(OrgKind.COMMITTEE, org=session.committee)
        db.session.commit()
        log_in(client, member)
        db.session.expire_all()
        with count_queries() as page:
            assert client.get(f"/matching/sessions/{session.id}/report").status_code == 200
        with count_queries() as workbook:
            assert client.get(f"/matching/sessions/{session.id}/report.xlsx").status_code == 200
        db.session.expire_all()
        with count_queries() as computed:
            assert session_report(db.session.get(type(session), session.id)).projects_shown == n
        counts.append((page.count, workbook.count, computed.count))
        client.post("/logout")
    assert counts[0] == counts[1], counts
    assert counts[0][2] <= 8


def test_only_the_sessions_committee_reads_its_report(built, client, login_as):
    session = built["session"]
    stranger = make_member(OrgKind.COMMITTEE, name="另一个主办方")
    login_as(stranger)
    for suffix in ("", ".pdf", ".xlsx"):
        assert client.get(f"/matching/sessions/{session.id}/report{suffix}").status_code == 403
        assert client.get(f"/matching/sessions/999999/report{suffix}").status_code == 404


def test_without_a_chinese_font_the_pdf_is_a_clear_503(built, client, login_as, monkeypatch):
    from portal import pdf

    monkeypatch.setattr(pdf, "_has_cjk_font", lambda fontconfig_file: False)
    login_as(built["committee"])
    response = client.get(f"/matching/sessions/{built['session'].id}/report.pdf")
    assert response.status_code == 503 and "没有可用的中文字体" in response.get_data(as_text=True)
