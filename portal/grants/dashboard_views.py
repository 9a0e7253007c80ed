"""Dashboards, ledgers and their Excel exports: read-only views of dashboards.py, ledger.py and
sponsor_view.py.

- a call's and a session's dashboard: the committee that runs it
- a funder's dashboard and its "where my money went": the funder's members (all its grants) and
  the committees whose grants it funds (their grants only)
- the committee's own fund: its members
- a grant's ledger: whoever may view the grant
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template

from ..accounts.models import Organization, OrgKind
from ..accounts.permissions import access, acting_user, is_member, org_ids, require
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..downloads import file_response
from ..extensions import db
from ..matching.models import MatchingSession
from ..matching.permissions import can_manage_session
from ..request_args import int_arg
from . import charts, export
from .dashboards import (
    call_dashboard,
    fund_dashboard,
    funder_dashboard,
    session_dashboard,
)
from .ledger import ledger, live_sources
from .lookups import visible_grant_or_404
from .models import FundingSource, Grant
from .sponsor_view import sponsor_view
from .views import bp


def _page(template: str, board, **context):
    return render_template(template, board=board, charts=charts.dashboard_charts(board), **context)


def _xlsx(board, name: str, fallback: str):
    return file_response(export.dashboard_workbook(board), export.XLSX, export.dashboard_download_name(board, name),
                         fallback=fallback)


def _managed_call(call_id: int) -> Call:
    call = db.get_or_404(Call, call_id)
    require(can_manage_call(acting_user(), call))
    return call


def _managed_session(session_id: int) -> MatchingSession:
    session = db.get_or_404(MatchingSession, session_id)
    require(can_manage_session(acting_user(), session))
    return session


@bp.route("/calls/<int:call_id>/dashboard")
@access("committee")
def call_dashboard_page(call_id: int):
    call = _managed_call(call_id)
    return _page("grants/dashboard_call.html", call_dashboard(call), call=call)


@bp.route("/calls/<int:call_id>/dashboard.xlsx")
@access("committee")
def call_dashboard_xlsx(call_id: int):
    return _xlsx(call_dashboard(_managed_call(call_id)), "资助看板", f"call-{call_id}-grants.xlsx")


@bp.route("/sessions/<int:session_id>/dashboard")
@access("committee")
def session_dashboard_page(session_id: int):
    session = _managed_session(session_id)
    return _page("grants/dashboard_session.html", session_dashboard(session), session=session)


@bp.route("/sessions/<int:session_id>/dashboard.xlsx")
@access("committee")
def session_dashboard_xlsx(session_id: int):
    return _xlsx(session_dashboard(_managed_session(session_id)), "资助看板", f"session-{session_id}-grants.xlsx")


def _funder(org_id: int) -> tuple[Organization, set[int] | None]:
    """The funder and the committees whose grants the user sees (None: all, the funder's members);
    403 for anyone else, and for a committee none of whose grants it funds."""
    funder = db.get_or_404(Organization, org_id)
    user = acting_user()
    if is_member(user, funder):
        return funder, None
    committees = org_ids(user, OrgKind.COMMITTEE)
    require(bool(committees) and db.session.scalar(
        sa.select(FundingSource.id).join(Grant, Grant.id == FundingSource.grant_id)
        .where(FundingSource.funder_id == funder.id, Grant.committee_id.in_(committees)).limit(1)) is not None)
    return funder, committees


@bp.route("/funders/<int:org_id>/dashboard")
@access("org_member")
def funder_dashboard_page(org_id: int):
    funder, committees = _funder(org_id)
    return _page("grants/dashboard_funder.html", funder_dashboard(funder, committees), funder=funder)


@bp.route("/funders/<int:org_id>/dashboard.xlsx")
@access("org_member")
def funder_dashboard_xlsx(org_id: int):
    funder, committees = _funder(org_id)
    return _xlsx(funder_dashboard(funder, committees), "资助看板", f"funder-{org_id}-grants.xlsx")


@bp.route("/funders/<int:org_id>/money")
@access("org_member")
def sponsor_money(org_id: int):
    funder, committees = _funder(org_id)
    return render_template("grants/sponsor_money.html", view=sponsor_view(funder, committees), funder=funder)


def _fund_committee(committee_id: int) -> Organization:
    committee = db.get_or_404(Organization, committee_id)
    require(committee.kind == OrgKind.COMMITTEE and is_member(acting_user(), committee))
    return committee


@bp.route("/committees/<int:committee_id>/fund")
@access("committee")
def fund_dashboard_page(committee_id: int):
    committee = _fund_committee(committee_id)
    return _page("grants/dashboard_fund.html", fund_dashboard(committee), committee=committee)


@bp.route("/committees/<int:committee_id>/fund.xlsx")
@access("committee")
def fund_dashboard_xlsx(committee_id: int):
    return _xlsx(fund_dashboard(_fund_committee(committee_id)), "创投资金看板", f"fund-{committee_id}.xlsx")


def _ledgers(grant: Grant):
    """The grant's ledger and each live source's, or only the source asked for (?source=…)."""
    sources = live_sources(grant)
    wanted = int_arg("source")
    if wanted is not None:
        sources = [s for s in sources if s.id == wanted]
        if not sources:
            abort(404)
    return ledger(grant), [(s, ledger(grant, s)) for s in sources]


def source_label(source: FundingSource) -> str:
    return source.label or (source.funder.name if source.funder else "") or str(source.kind.label)


@bp.route("/<int:grant_id>/ledger")
@access("user")
def ledger_page(grant_id: int):
    grant = visible_grant_or_404(grant_id)
    whole, per_source = _ledgers(grant)
    return render_template("grants/ledger.html", grant=grant, whole=whole, per_source=per_source,
                           source_label=source_label, one_source=int_arg("source") is not None)


@bp.route("/<int:grant_id>/ledger.xlsx")
@access("user")
def ledger_xlsx(grant_id: int):
    grant = visible_grant_or_404(grant_id)
    whole, per_source = _ledgers(grant)
    data = export.ledger_workbook(grant, whole, [(source_label(s), entries) for s, entries in per_source])
    return file_response(data, export.XLSX, export.ledger_download_name(grant), fallback=f"grant-{grant.id}-ledger.xlsx")
