"""The judge's side of online review (网络评审): their calls and progress, a round's list, the score
sheet beside the (blind) application, and the application's attachments and PDF for judges.

A judge reaches only what they are assigned to; anything else answers 404 so that its existence is
not revealed. In a blind round nothing on these pages names the applicant organization or its people.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload
from wtforms import StringField, TextAreaField

from ..accounts.models import Organization
from ..accounts.permissions import access, acting_user
from ..applications.identity import identity_terms, redact
from ..applications.models import Application, Attachment
from ..calls.models import Call
from .models import Assignment, CallJudge, Round, RoundKind, RoundStatus, ScoreSheet, SheetStatus
from ..actions import attempt
from ..downloads import file_response, stored_file_response
from ..extensions import db
from ..i18n import translate
from ..types import utcnow
from .scoring import (
    COMMENT_MAX,
    field_name,
    judge_round_sheets,
    save_sheet,
    sheet_for,
    sheet_total,
)
from .services import get_entry_or_404, get_round_or_404
from .permissions import can_view_entry, is_assigned, is_call_judge
from .views import bp

SHOWN_ROUND_STATES = (RoundStatus.OPEN, RoundStatus.LOCKED)


# --- helpers -----------------------------------------------------------------------------------

def sheet_form_class(criteria):
    """A FlaskForm (CSRF on) with one text field per criterion, named like save_sheet's error keys.
    (A NUL never gets here: the app's input guard refuses it for every request.)"""

    class SheetForm(FlaskForm):
        comment = TextAreaField(_l("评语"))

    for criterion in criteria:
        setattr(SheetForm, field_name(criterion), StringField(criterion.name))
    return SheetForm


def _plain(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def scoring_notice(round_: Round) -> str | None:
    """Why the sheet is read-only now, or None while the judge may score."""
    if round_.status == RoundStatus.LOCKED:
        return _("本轮已锁定，评分不能再修改。")
    if round_.is_scoring_open_at(utcnow()):
        return None
    if round_.status == RoundStatus.OPEN and round_.closes_at is not None and utcnow() >= round_.closes_at:
        return _("本轮评分已截止，评分表只读。")
    return _("本轮评分尚未开放，评分表暂时只读。")


def _viewable_entry(round_id: int, application_id: int) -> tuple[Round, Application]:
    """The round and application for an assigned judge or the call's committee; 404 for anyone else."""
    round_ = get_round_or_404(round_id)
    if not can_view_entry(acting_user(), round_, application_id):
        abort(404)
    get_entry_or_404(round_, application_id)
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    return round_, application


def neutral_attachment_name(index: int, attachment: Attachment) -> str:
    return f"附件{index}.{attachment.kind}"


# --- judge home --------------------------------------------------------------------------------

@bp.route("/review")
@access("judge")
def judge_home():
    user = acting_user()
    invitations = list(db.session.scalars(
        sa.select(CallJudge).options(joinedload(CallJudge.call))
        .where(CallJudge.user_id == user.id).order_by(CallJudge.invited_at.desc(), CallJudge.id.desc())
    ))
    calls: list[Call] = list({i.call_id: i.call for i in invitations}.values())
    rounds_by_call: dict[int, list[Round]] = {call.id: [] for call in calls}
    progress: dict[int, dict] = {}
    if calls:
        rounds = list(db.session.scalars(
            sa.select(Round).where(Round.call_id.in_(rounds_by_call), Round.status.in_(SHOWN_ROUND_STATES))
            .order_by(Round.call_id, Round.position)
        ))
        for round_ in rounds:
            rounds_by_call[round_.call_id].append(round_)
        progress = _progress(user, [r.id for r in rounds])
    return render_template(
        "judging/judge_home.html", calls=calls, rounds_by_call=rounds_by_call, progress=progress,
        live_endpoint="judging.live_judge" in current_app.view_functions, RoundKind=RoundKind, RoundStatus=RoundStatus,
    )


def _progress(user, round_ids: list[int]) -> dict[int, dict]:
    """round id → assigned / submitted / draft counts of this judge (one GROUP BY)."""
    if not round_ids:
        return {}
    submitted = sa.func.sum(sa.case((ScoreSheet.status == SheetStatus.SUBMITTED, 1), else_=0))
    drafts = sa.func.sum(sa.case((ScoreSheet.status == SheetStatus.DRAFT, 1), else_=0))
    query = (
        sa.select(Assignment.round_id, sa.func.count(Assignment.id), submitted, drafts)
        .outerjoin(ScoreSheet, sa.and_(
            ScoreSheet.round_id == Assignment.round_id, ScoreSheet.application_id == Assignment.application_id,
            ScoreSheet.judge_id == Assignment.judge_id,
        ))
        .where(Assignment.judge_id == user.id, Assignment.round_id.in_(round_ids))
        .group_by(Assignment.round_id)
    )
    result = {round_id: {"assigned": 0, "submitted": 0, "drafts": 0} for round_id in round_ids}
    for round_id, assigned, done, draft in db.session.execute(query):
        result[round_id] = {"assigned": assigned, "submitted": int(done or 0), "drafts": int(draft or 0)}
    return result


# --- a round's list ----------------------------------------------------------------------------

@bp.route("/review/rounds/<int:round_id>")
@access("judge")
def judge_round(round_id: int):
    user = acting_user()
    round_ = get_round_or_404(round_id)
    rows = judge_round_sheets(user, round_)
    if not rows and not is_call_judge(user, round_.call):
        abort(404)
    org_names: dict[int, str] = {}
    if not round_.blind:
        org_ids = {assignment.application.organization_id for assignment, _ in rows}
        if org_ids:
            org_names = dict(db.session.execute(
                sa.select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all())
    titles = _masked_titles([assignment.application for assignment, _ in rows]) if round_.blind else {}
    items = [
        {
            "application": assignment.application,
            "title": titles.get(assignment.application_id, assignment.application.title),
            "sheet": sheet,
            "total": sheet_total(sheet) if sheet is not None and sheet.scores else None,
        }
        for assignment, sheet in rows
    ]
    submitted = sum(1 for item in items if item["sheet"] and item["sheet"].status == SheetStatus.SUBMITTED)
    return render_template(
        "judging/judge_round.html", round_=round_, items=items, submitted=submitted, org_names=org_names,
        notice=scoring_notice(round_), SheetStatus=SheetStatus,
    )


# --- the score sheet ---------------------------------------------------------------------------

@bp.route("/review/rounds/<int:round_id>/applications/<int:application_id>", methods=["GET", "POST"])
@access("judge")
def score_sheet(round_id: int, application_id: int):
    user = acting_user()
    round_ = get_round_or_404(round_id)
    if not is_assigned(user, round_.id, application_id):
        abort(404)
    application = db.get_or_404(Application, application_id)
    criteria = list(round_.criteria)
    form_class = sheet_form_class(criteria)
    here = url_for("judging.score_sheet", round_id=round_.id, application_id=application.id)
    status = 200
    if request.method == "POST":
        form = form_class()
        if not form.validate():
            flash(_("页面已过期，请刷新后重新提交。"), "error")  # only the CSRF token is validated here
            status = 400
        else:
            values = {c.id: form[field_name(c)].data for c in criteria}
            submit = request.form.get("action") == "submit"
            outcome = attempt(lambda: save_sheet(user, round_, application, values, form.comment.data or "", submit=submit),
                              form=form)
            if outcome.field_errors:  # beside the scores: the page again
                status = 400
            elif not outcome:  # the round is closed or locked: the sheet as it stands
                return redirect(here)
            elif not submit:
                flash(_("评分草稿已保存。"), "success")
                return redirect(here)
            else:
                flash(_("评分已提交。截止前仍可修改。"), "success")
                return redirect(_next_unsubmitted(user, round_, application.id))
    sheet = sheet_for(user, round_, application)  # after a refused POST: as before it (rolled back)
    if request.method != "POST":
        form = form_class(formdata=None, data=_initial(sheet, criteria))
    return render_template(
        "judging/score_sheet.html", round_=round_, application=application, sheet=sheet, form=form,
        criteria=criteria, field_name=field_name, notice=scoring_notice(round_), comment_max=COMMENT_MAX,
        total=sheet_total(sheet) if sheet is not None else None, hide_identity=round_.blind,
        redact_terms=identity_terms(application) if round_.blind else [],
        attachment_url=lambda attachment: url_for(
            "judging.entry_attachment", round_id=round_.id, application_id=application.id, attachment_id=attachment.id),
        SheetStatus=SheetStatus,
    ), status


def _masked_titles(applications) -> dict[int, str]:
    """Blind round: each title with its applicant's names masked (what identity_terms reads is
    loaded for all of them in two queries)."""
    if not applications:
        return {}
    db.session.scalars(
        sa.select(Application).where(Application.id.in_([a.id for a in applications]))
        .options(joinedload(Application.organization), joinedload(Application.created_by),
                 selectinload(Application.team_members))
    ).unique().all()
    return {a.id: redact(a.title, identity_terms(a)) for a in applications}


def _initial(sheet: ScoreSheet | None, criteria) -> dict:
    if sheet is None:
        return {}
    by_criterion = {score.criterion_id: score.value for score in sheet.scores}
    data = {field_name(c): _plain(by_criterion.get(c.id)) for c in criteria}
    data["comment"] = sheet.comment
    return data


def _next_unsubmitted(user, round_: Round, after_application_id: int) -> str:
    """The next application in running order the judge has not submitted, else the round's list."""
    rows = judge_round_sheets(user, round_)
    ids = [assignment.application_id for assignment, _ in rows]
    start = ids.index(after_application_id) + 1 if after_application_id in ids else 0
    for assignment, sheet in rows[start:] + rows[:start]:
        if assignment.application_id != after_application_id and (sheet is None or sheet.status != SheetStatus.SUBMITTED):
            return url_for("judging.score_sheet", round_id=round_.id, application_id=assignment.application_id)
    return url_for("judging.judge_round", round_id=round_.id)


# --- attachments and PDF for judges ------------------------------------------------------------

@bp.route("/review/rounds/<int:round_id>/applications/<int:application_id>/attachments/<int:attachment_id>")
@access("user")
def entry_attachment(round_id: int, application_id: int, attachment_id: int):
    round_, application = _viewable_entry(round_id, application_id)
    attachments = list(application.attachments)
    index, item = next(((i, a) for i, a in enumerate(attachments, 1) if a.id == attachment_id), (None, None))
    if item is None:
        abort(404)
    name = neutral_attachment_name(index, item) if round_.blind else item.filename
    return stored_file_response(item.storage_key, item.kind, name)


@bp.route("/review/rounds/<int:round_id>/applications/<int:application_id>/pdf")
@access("user")
def entry_pdf(round_id: int, application_id: int):
    from ..pdf import PdfFontError, render_pdf

    round_, application = _viewable_entry(round_id, application_id)
    try:
        data = render_pdf("applications/pdf.html", application=application, hide_identity=round_.blind,
                          redact_terms=identity_terms(application) if round_.blind else [])
    except PdfFontError as exc:
        return render_template("errors/error.html", code=503, title=_("暂时无法生成 PDF"), text=translate(exc.message)), 503
    return file_response(data, "application/pdf", f"申报书-{application.reference or application.id}.pdf", inline=True)
