"""Forms of reports, expenses and evaluations. Dates and numbers arrive as text and are checked by the
services (reports.py, expenses.py, evaluations.py), whose messages are shown on these fields; the
repeatable rows (activities, expenses) and the scores per dimension are read by report_views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from .report_models import EvaluationConclusion, ReportKind, ScheduleKind

DATE = {"type": "date"}
NUMBER = {"inputmode": "numeric"}


def _choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, _l(member.label)) for member in enum_class]


class ScheduleForm(FlaskForm):
    """Reports added to the schedule: recurring, once, or on a milestone's date."""

    kind = SelectField(_l("报告类型"), choices=_choices(ReportKind), validate_choice=False)
    schedule = SelectField(_l("安排方式"), choices=_choices(ScheduleKind), validate_choice=False)
    title = StringField(_l("报告名称（可选）"), render_kw={"maxlength": 180}, description=_l("不填则用报告类型"))
    due_on = StringField(_l("截止日期（定期：开始日期）"), render_kw=DATE,
                         description=_l("定期报告不填则从协议开始日期起算"))
    every_months = StringField(_l("每隔几个月（定期）"), render_kw=NUMBER)
    until = StringField(_l("到哪天为止（定期）"), render_kw=DATE, description=_l("不填则到协议结束日期"))
    milestone = StringField(_l("里程碑（按里程碑安排时必填）"), render_kw={"maxlength": 200})

    def values(self) -> dict:
        return {name: self[name].data for name in
                ("kind", "schedule", "title", "due_on", "every_months", "until", "milestone")}


class ScheduleEditForm(FlaskForm):
    kind = SelectField(_l("报告类型"), choices=_choices(ReportKind), validate_choice=False)
    title = StringField(_l("报告名称"), render_kw={"maxlength": 200})
    due_on = StringField(_l("截止日期"), render_kw=DATE)
    milestone = StringField(_l("里程碑"), render_kw={"maxlength": 200})

    def values(self) -> dict:
        return {name: self[name].data for name in ("kind", "title", "due_on", "milestone")}

    def load(self, report) -> None:
        self.kind.data, self.title.data, self.milestone.data = report.kind.value, report.title, report.milestone
        self.due_on.data = report.due_on.isoformat()


class ReportForm(FlaskForm):
    """The report's own fields; its activities and new expenses are repeatable rows beside them."""

    narrative = TextAreaField(_l("项目进展情况"), render_kw={"rows": 8},
                              description=_l("已开展的工作、取得的成效、遇到的问题和下一步计划"))
    beneficiaries_reached = StringField(_l("累计受益人数"), render_kw=NUMBER)

    def load(self, report) -> None:
        self.narrative.data = report.narrative
        self.beneficiaries_reached.data = "" if report.beneficiaries_reached is None else str(report.beneficiaries_reached)


class EvaluationForm(FlaskForm):
    conclusion = SelectField(_l("评估结论"), choices=_choices(EvaluationConclusion), validate_choice=False)
    rectify_by = StringField(_l("整改期限（限期整改时必填）"), render_kw=DATE)
    comments = TextAreaField(_l("评估意见"), render_kw={"rows": 5}, description=_l("机构和资助方都能看到"))


class ReverseExpenseForm(FlaskForm):
    reason = StringField(_l("冲销原因"), render_kw={"maxlength": 2000})
