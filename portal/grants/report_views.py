"""report_views (see grants.views): a grant's report schedule, the NGO's report form (activities with
photos, expenses with receipts), the report page with its budget against actual and evaluations,
the committee's evaluation, and the photos and receipts served behind the permission check."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user, require
from ..actions import attempt, perform
from ..downloads import stored_file_response
from ..extensions import db
from ..i18n import translate
from ..parsing import MAX_ROWS
from ..storage import MAX_FILE_SIZE
from . import evaluations, expenses, reports
from .lookups import managed_grant_or_404, visible_grant_or_404
from .permissions import can_evaluate, can_file_report, can_manage_grant, can_view_grant
from .report_forms import EvaluationForm, ReportForm, ReverseExpenseForm, ScheduleEditForm, ScheduleForm
from .report_models import Expense, GrantReport, ReportFile
from .views import bp

ACTIVITY_FIELDS = ("id", "held_on", "place", "participants", "description")
EXPENSE_FIELDS = ("category", "item", "amount", "spent_on")


def _report_or_404(report_id: int, allowed=can_view_grant) -> GrantReport:
    report = db.get_or_404(GrantReport, report_id)
    require(allowed(acting_user(), report.grant))
    return report


def _photo_or_404(report: GrantReport, file_id: int) -> ReportFile:
    photo = db.session.get(ReportFile, file_id)
    if photo is None or photo.report_id != report.id:
        abort(404)
    return photo


def _report_url(report: GrantReport) -> str:
    return url_for("grants.report_page", report_id=report.id)


def _schedule_url(grant_id: int) -> str:
    return url_for("grants.reports", grant_id=grant_id)


# --- the schedule -----------------------------------------------------------------------------------

def _render_schedule(grant, form, status=200):
    user = acting_user()
    rows = reports.reports_of(grant)
    return render_template("grants/reports.html", grant=grant, rows=rows, form=form, today=date.today(),
                           can_manage=can_manage_grant(user, grant), can_file=can_file_report(user, grant),
                           open_reports={r.id for r in rows if reports.is_open_for_filing(r)},
                           milestones=reports.milestone_options(grant),
                           closed=grant.status in reports.SCHEDULING_CLOSED), status


@bp.route("/<int:grant_id>/reports", endpoint="reports")
@access("user")
def reports_list(grant_id: int):
    return _render_schedule(visible_grant_or_404(grant_id), ScheduleForm())


@bp.route("/<int:grant_id>/reports/schedule", methods=["POST"])
@access("committee")
def report_schedule(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    form = ScheduleForm()
    outcome = attempt(lambda: reports.schedule_reports(acting_user(), grant, form.values()), form=form)
    if outcome:
        flash(_("已安排 %(n)s 份报告。", n=len(outcome.value)), "success")
        return redirect(_schedule_url(grant.id))
    return _render_schedule(grant, form, status=400)


@bp.route("/reports/<int:report_id>/schedule", methods=["GET", "POST"])
@access("committee")
def report_reschedule(report_id: int):
    report = _report_or_404(report_id, can_manage_grant)
    form = ScheduleEditForm()
    if request.method == "GET":
        form.load(report)
        return render_template("grants/report_schedule.html", report=report, form=form)
    outcome = attempt(lambda: reports.update_schedule(acting_user(), report, form.values()), form=form)
    if outcome:
        flash(_("报告安排已修改。"), "success")
    if outcome or not outcome.on_form:
        return redirect(_schedule_url(report.grant_id))
    return render_template("grants/report_schedule.html", report=report, form=form), 400


@bp.route("/reports/<int:report_id>/remove", methods=["POST"])
@access("committee")
def report_remove(report_id: int):
    report = _report_or_404(report_id, can_manage_grant)
    grant_id = report.grant_id
    return perform(lambda: reports.remove_scheduled(acting_user(), report), done=_("已取消这份报告的安排。"),
                   then=_schedule_url(grant_id))


# --- the report -------------------------------------------------------------------------------------

@bp.route("/reports/<int:report_id>")
@access("user")
def report_page(report_id: int):
    report = _report_or_404(report_id)
    user = acting_user()
    rows = expenses.expenses_of(report.grant, report)
    done = expenses.reversed_of(expenses.expenses_of(report.grant))
    return render_template(
        "grants/report.html", report=report, grant=report.grant, expense_rows=rows, reversed=done,
        reversible={e.id for e in rows if expenses.can_reverse(user, e, done)}, today=date.today(),
        budget=expenses.budget_vs_actual(report.grant), can_edit=reports.can_edit_report(user, report),
        can_evaluate=can_evaluate(user, report.grant) and evaluations.can_be_evaluated(report),
        reverse_form=ReverseExpenseForm(), photos_by_activity=_photos_by_activity(report))


def _photos_by_activity(report: GrantReport) -> dict:
    grouped: dict = {}
    for photo in report.files:
        grouped.setdefault(photo.activity_id, []).append(photo)
    return grouped


def _read_rows(prefix: str, fields: tuple[str, ...], file_field: str, many: bool) -> list[dict]:
    """Rows named "<prefix>-<i>-<field>" with their uploads, in index order; rows left wholly blank
    (no text, no file) dropped, the rest renumbered from 0 so that errors match the rows shown again."""
    indices = set()
    for key in list(request.form.keys()) + list(request.files.keys()):
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit() and len(parts[1]) <= 4:
            indices.add(int(parts[1]))
    rows = []
    for index in sorted(indices)[:MAX_ROWS]:
        row = {field: request.form.get(f"{prefix}-{index}-{field}", "") for field in fields}
        uploads = [(f.filename or "", f.read(MAX_FILE_SIZE + 1))
                   for f in request.files.getlist(f"{prefix}-{index}-{file_field}") if f and f.filename]
        if not any(str(row[f]).strip() for f in fields if f != "id") and not uploads:
            continue
        row[file_field] = uploads if many else (uploads[0] if uploads else None)
        rows.append(row)
    return rows


def _render_form(report, form, activities, new_expenses, errors=None, status=200):
    grant = report.grant
    return render_template(
        "grants/report_form.html", report=report, grant=grant, form=form, activities=activities,
        new_expenses=new_expenses, errors=errors or {},
        category_options=[("", _("请选择"))] + [(c, _(c)) for c in expenses.categories(grant)],
        photos_by_activity=_photos_by_activity(report), recorded=expenses.expenses_of(grant, report),
        today=date.today().isoformat()), status


@bp.route("/reports/<int:report_id>/file", methods=["GET", "POST"])
@access("ngo")
def report_file(report_id: int):
    report = _report_or_404(report_id, can_file_report)
    user = acting_user()
    if not reports.is_open_for_filing(report):
        flash(_("这份报告处于“%(status)s”状态，不能修改。", status=translate(report.status.label)), "info")
        return redirect(_report_url(report))
    form = ReportForm()
    if request.method == "GET":
        form.load(report)
        activities = [{"id": a.id, "held_on": a.held_on.isoformat(), "place": a.place,
                       "participants": a.participants, "description": a.description} for a in report.activities]
        return _render_form(report, form, activities, [])
    activities = _read_rows("activities", ACTIVITY_FIELDS, "photos", many=True)
    new_expenses = _read_rows("expenses", EXPENSE_FIELDS, "receipt", many=False)
    submit = request.form.get("action") == "submit"
    data = {"narrative": form.narrative.data, "beneficiaries_reached": form.beneficiaries_reached.data,
            "activities": activities, "expenses": new_expenses}
    outcome = attempt(lambda: reports.save_report(user, report, data, submit=submit), form=form, rows=True)
    if outcome:
        flash(_("报告已提交，等待主办方评估。") if submit else _("报告草稿已保存。"), "success")
        return redirect(_report_url(report) if submit else url_for("grants.report_file", report_id=report.id))
    if not outcome.field_errors:  # refused as a whole (the report is no longer open): flashed
        return redirect(_report_url(report))
    errors = {key: [translate(m) for m in messages] for key, messages in outcome.field_errors.items()}
    for name in ("narrative", "beneficiaries_reached"):
        form[name].errors = list(form[name].errors) + errors.get(name, [])
    report = db.session.get(GrantReport, report_id)
    return _render_form(report, form, activities, new_expenses, errors, status=400)


@bp.route("/reports/<int:report_id>/photos/<int:file_id>/delete", methods=["POST"])
@access("ngo")
def report_photo_delete(report_id: int, file_id: int):
    report = _report_or_404(report_id, can_file_report)
    photo = _photo_or_404(report, file_id)
    return perform(lambda: reports.remove_photo(acting_user(), photo), done=_("照片已删除。"),
                   then=url_for("grants.report_file", report_id=report.id))


@bp.route("/expenses/<int:expense_id>/reverse", methods=["POST"])
@access("org_member")
def expense_reverse(expense_id: int):
    expense = db.get_or_404(Expense, expense_id)
    grant = expense.grant
    require(can_file_report(acting_user(), grant) or can_manage_grant(acting_user(), grant))
    form = ReverseExpenseForm()
    back = url_for("grants.report_page", report_id=expense.report_id) if expense.report_id else _schedule_url(grant.id)
    return perform(lambda: expenses.reverse_expense(acting_user(), expense, form.reason.data or ""),
                   done=_("已冲销这笔支出。"), then=back)


# --- files ------------------------------------------------------------------------------------------

@bp.route("/reports/<int:report_id>/photos/<int:file_id>")
@access("user")
def report_photo(report_id: int, file_id: int):
    report = _report_or_404(report_id)
    photo = _photo_or_404(report, file_id)
    return stored_file_response(photo.storage_key, photo.content_type, photo.filename)


@bp.route("/expenses/<int:expense_id>/receipt")
@access("user")
def expense_receipt(expense_id: int):
    expense = db.get_or_404(Expense, expense_id)
    require(can_view_grant(acting_user(), expense.grant))
    if not expense.receipt_key:
        abort(404)
    return stored_file_response(expense.receipt_key, expense.receipt_type, expense.receipt_name)


# --- evaluation -------------------------------------------------------------------------------------

@bp.route("/reports/<int:report_id>/evaluate", methods=["GET", "POST"])
@access("committee")
def report_evaluate(report_id: int):
    report = _report_or_404(report_id, can_evaluate)
    if not evaluations.can_be_evaluated(report):
        flash(_("这份报告处于“%(status)s”状态，不能评估。", status=translate(report.status.label)), "info")
        return redirect(_report_url(report))
    form = EvaluationForm()
    dimensions = evaluations.dimensions_of(report.grant)
    scores = {d.key: request.form.get(f"score-{d.key}", "") for d in dimensions}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        status = 400
        data = {"scores": scores, "conclusion": form.conclusion.data, "rectify_by": form.rectify_by.data,
                "comments": form.comments.data}
        outcome = attempt(lambda: evaluations.evaluate(acting_user(), report, data), form=form, rows=True)
        if outcome:
            flash(_("评估已保存，已通知机构和资助方。"), "success")
            return redirect(_report_url(report))
        errors = {key: [translate(m) for m in messages] for key, messages in outcome.field_errors.items()}
        for name in ("conclusion", "rectify_by", "comments"):
            form[name].errors = list(form[name].errors) + errors.get(name, [])
        if not errors and not outcome.on_form:
            return redirect(_report_url(report))
    return render_template("grants/evaluation_form.html", report=report, grant=report.grant, form=form,
                           dimensions=dimensions, scores=scores, errors=errors), status
