"""The committee's global audit log (操作日志), with filters, CSV export and per-record history."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from . import audit
from .accounts.models import OrgKind
from .accounts.permissions import access, acting_user, org_ids
from .audit import AuditEvent
from .extensions import db
from .i18n import N_
from .pagination import PageNumbers
from .request_args import page_arg
from .types import SHANGHAI, to_local

bp = Blueprint("audit", __name__, url_prefix="/committee/audit")

PER_PAGE = 50
EXPORT_LIMIT = 100_000
MIN_YEAR, MAX_YEAR = 2000, 2199

ENTITY_LABELS = {
    "applications": N_("申报书"),
    "organizations": N_("组织"),
    "users": N_("用户"),
    "calls": N_("项目征集"),
    "categories": N_("服务领域"),
    "memberships": N_("成员"),
    "invitations": N_("邀请"),
}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    action = SelectField(_l("操作"), choices=[("", _l("全部操作"))], validators=[Optional()], validate_choice=False)
    entity_type = SelectField(_l("对象类型"), choices=[("", _l("全部类型"))], validators=[Optional()], validate_choice=False)
    actor = StringField(_l("操作人包含"), validators=[Optional(), Length(max=100, message=_l("不能超过 100 个字。"))])
    date_from = DateField(_l("起始日期"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("截止日期"), validators=[Optional()], format="%Y-%m-%d")


@dataclass
class Page(PageNumbers):
    items: list
    total: int
    page: int
    per_page: int = PER_PAGE


def _my_committees() -> set[int]:
    """Committee members read their own committees' events (and those of no committee)."""
    return org_ids(acting_user(), OrgKind.COMMITTEE)


def _start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _parse_filters() -> tuple[AuditFilterForm, list, dict]:
    """The filter form, its SQL conditions and the query-string args to keep when paging.

    Bad values (an invalid date, a reversed range) are marked on the form and left out of the filter.
    """
    form = AuditFilterForm(request.args)
    actions = list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    types = list(db.session.scalars(sa.select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))
    form.action.choices = [("", _("全部操作"))] + [(a, a) for a in actions]
    form.entity_type.choices = [("", _("全部类型"))] + [(t, f"{_(ENTITY_LABELS.get(t, t))}（{t}）") for t in types]
    form.validate()
    for field in (form.date_from, form.date_to):
        if field.errors or (request.args.get(field.name) and field.data is None):
            field.errors = [_("日期格式不正确，请按 2026-05-01 的格式填写。")]
            field.data = None
        elif field.data and not (MIN_YEAR <= field.data.year <= MAX_YEAR):
            field.errors = [_("日期应在 %(first)s 年到 %(last)s 年之间。", first=MIN_YEAR, last=MAX_YEAR)]
            field.data = None
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data:
        form.date_to.errors = list(form.date_to.errors) + [_("截止日期不能早于起始日期。")]
        form.date_to.data = None
    conditions = [audit.visible_to(_my_committees())]
    if form.action.data:
        conditions.append(AuditEvent.action == form.action.data[:80])
    if form.entity_type.data:
        conditions.append(AuditEvent.entity_type == form.entity_type.data[:60])
    actor = (form.actor.data or "").strip()[:100]
    if actor and not form.actor.errors:
        escaped = actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(AuditEvent.actor_name.ilike(f"%{escaped}%", escape="\\"))
    if form.date_from.data:
        conditions.append(AuditEvent.created_at >= _start_of_local_day(form.date_from.data))
    if form.date_to.data:
        conditions.append(AuditEvent.created_at < _start_of_local_day(form.date_to.data + timedelta(days=1)))
    args = {
        "action": form.action.data,
        "entity_type": form.entity_type.data,
        "actor": actor,
        "date_from": form.date_from.data.isoformat() if form.date_from.data else "",
        "date_to": form.date_to.data.isoformat() if form.date_to.data else "",
    }
    return form, conditions, {k: v for k, v in args.items() if v}


def _page_number() -> int:
    return page_arg()


@bp.route("/")
@access("committee")
def log():
    form, conditions, args = _parse_filters()
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(*conditions)) or 0
    page_number = min(_page_number(), max(1, -(-total // PER_PAGE)))
    events = list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(PER_PAGE)
            .offset((page_number - 1) * PER_PAGE)
        )
    )
    has_errors = any(f.errors for f in form)
    return render_template(
        "audit/log.html",
        form=form,
        page=Page(events, total, page_number),
        args=args,
        has_errors=has_errors,
        entity_labels=ENTITY_LABELS,
    )


@bp.route("/export.csv")
@access("committee")
def export_csv():
    _form, conditions, _args = _parse_filters()
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(EXPORT_LIMIT)
    )
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(["时间（北京时间）", "操作人", "操作", "对象类型", "对象编号", "摘要", "数据"])
    for event in events:
        writer.writerow([
            to_local(event.created_at).strftime("%Y-%m-%d %H:%M:%S") if event.created_at else "",
            event.actor_name,
            event.action,
            event.entity_type,
            "" if event.entity_id is None else event.entity_id,
            event.summary,
            json.dumps(event.data or {}, ensure_ascii=False, sort_keys=True),
        ])
    response = Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=audit-log.csv; filename*=UTF-8''%E6%93%8D%E4%BD%9C%E6%97%A5%E5%BF%97.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<entity_type>/<int:entity_id>")
@access("committee")
def record_history(entity_type: str, entity_id: int):
    entity_type = entity_type[:60]
    return render_template(
        "audit/history.html",
        entity_type=entity_type,
        entity_label=_(ENTITY_LABELS.get(entity_type, entity_type)),
        entity_id=entity_id,
        events=audit.history(entity_type, entity_id, _my_committees()),
    )
