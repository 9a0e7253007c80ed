"""The session report (page, A4 PDF, Excel) for the committee that runs the session, and a
sponsor's statement (page, Excel) for its members: read-only views of report.py and statement.py."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user, require
from ..downloads import file_response
from ..extensions import db
from ..i18n import translate
from ..request_args import int_arg
from . import report_export
from .models import MatchingSession
from .permissions import can_manage_session, sponsor_organizations
from .report import session_report
from .statement import sponsor_statement
from .views import bp


def _managed_session_or_404(session_id: int) -> MatchingSession:
    session = db.get_or_404(MatchingSession, session_id)
    require(can_manage_session(acting_user(), session))
    return session


@bp.route("/sessions/<int:session_id>/report")
@access("committee")
def session_report_page(session_id: int):
    session = _managed_session_or_404(session_id)
    return render_template("matching/report.html", report=session_report(session))


@bp.route("/sessions/<int:session_id>/report.pdf")
@access("committee")
def session_report_pdf(session_id: int):
    from ..pdf import PdfFontError, render_pdf

    session = _managed_session_or_404(session_id)
    try:
        data = render_pdf("matching/report_pdf.html", report=session_report(session))
    except PdfFontError as exc:
        return render_template("errors/error.html", code=503, title=_("暂时无法生成 PDF"), text=translate(exc.message)), 503
    return file_response(data, "application/pdf", f"{session.title}-对接会总结.pdf", inline=True,
                         fallback=f"session-{session.id}-report.pdf")


@bp.route("/sessions/<int:session_id>/report.xlsx")
@access("committee")
def session_report_xlsx(session_id: int):
    report = session_report(_managed_session_or_404(session_id))
    return file_response(report_export.report_workbook(report), report_export.XLSX,
                         report_export.report_download_name(report), fallback=f"session-{session_id}-report.xlsx")


def _statement_sponsor():
    """The sponsor whose statement is asked for (?org=…): one of the user's verified sponsors, the
    first by default; None when the user has none verified; 404 for anyone else's."""
    sponsors = sponsor_organizations(acting_user())
    wanted = int_arg("org")
    if wanted is None:
        return sponsors[0] if sponsors else None, sponsors
    for sponsor in sponsors:
        if sponsor.id == wanted:
            return sponsor, sponsors
    abort(404)


@bp.route("/statement")
@access("company")
def statement():
    sponsor, sponsors = _statement_sponsor()
    return render_template("matching/statement.html", sponsor=sponsor, sponsors=sponsors,
                           statement=sponsor_statement(sponsor) if sponsor else None)


@bp.route("/statement.xlsx")
@access("company")
def statement_xlsx():
    sponsor, _sponsors = _statement_sponsor()
    if sponsor is None:
        abort(404)
    statement = sponsor_statement(sponsor)
    return file_response(report_export.statement_workbook(statement), report_export.XLSX,
                         report_export.statement_download_name(statement), fallback=f"statement-{sponsor.id}.xlsx")
