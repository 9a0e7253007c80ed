"""Forms of matching. Amounts arrive as text and are checked by the services (one set of rules and
messages for the form and the service); the forms parse only what a browser sends typed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..applications.models import BUDGET_CATEGORIES
from ..judging.forms import LOCAL_INPUT, LocalDateTimeField
from ..types import to_local
from .models import MatchingSession, MatchMode, ReceiptPayee, SessionKind

DECIMAL = {"inputmode": "decimal"}
MONEY_HINT = _l("单位：元")


def _choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, _l(member.label)) for member in enum_class]


def purpose_choices() -> list[tuple[str, str]]:
    return [("", _l("不限定用途"))] + [(c, _l(c)) for c in BUDGET_CATEGORIES]


class SessionForm(FlaskForm):
    title = StringField(_l("名称"), render_kw={"maxlength": 200}, description=_l("如 2026 年平湖市公益创投项目对接会"))
    kind = SelectField(_l("形式"), choices=_choices(SessionKind), validate_choice=False)
    description = TextAreaField(_l("说明（可选）"), render_kw={"rows": 3})
    held_at = LocalDateTimeField(_l("对接会时间（北京时间）"), validators=[Optional()], render_kw=LOCAL_INPUT,
                                 description=_l("对接会形式必填"))
    venue = StringField(_l("地点（可选）"), render_kw={"maxlength": 200})
    open_from = DateField(_l("常年认领开始日期"), validators=[Optional()], description=_l("常年认领形式必填"))
    open_until = DateField(_l("常年认领结束日期"), validators=[Optional()])
    call_ids = SelectMultipleField(_l("从哪些项目征集中选择项目"), choices=[], validate_choice=False)
    match_ratio = StringField(_l("配捐比例"), default="0", render_kw=DECIMAL,
                              description=_l("每认捐 1 元配捐多少元，如 1 表示 1:1，0.5 表示 0.5:1；0 表示不配捐"))
    match_pool = StringField(_l("配捐资金池（元）"), default="0", render_kw=DECIMAL)
    match_mode = SelectField(_l("配捐方式"), choices=_choices(MatchMode), validate_choice=False)
    match_cap_per_pledge = StringField(_l("单笔配捐上限（元，可选）"), render_kw=DECIMAL)
    match_cap_per_sponsor_project = StringField(_l("每家企业对每个项目的配捐上限（元，可选）"), render_kw=DECIMAL)
    match_cap_per_sponsor = StringField(_l("每家企业的配捐上限（元，可选）"), render_kw=DECIMAL)
    match_cap_per_project = StringField(_l("每个项目的配捐上限（元，可选）"), render_kw=DECIMAL)
    match_minimum_pledge = StringField(_l("配捐起点：认捐满多少元才配捐（可选）"), render_kw=DECIMAL)
    match_window_from = LocalDateTimeField(_l("配捐时段开始（可选）"), validators=[Optional()], render_kw=LOCAL_INPUT)
    match_window_until = LocalDateTimeField(_l("配捐时段结束（可选）"), validators=[Optional()], render_kw=LOCAL_INPUT)
    match_counts_in_kind = BooleanField(_l("物资认捐（经核定价值后）也参与配捐"))

    FIELDS = ("title", "kind", "description", "held_at", "venue", "open_from", "open_until", "call_ids",
              "match_ratio", "match_pool", "match_mode", "match_cap_per_pledge", "match_cap_per_sponsor_project",
              "match_cap_per_sponsor", "match_cap_per_project", "match_minimum_pledge", "match_window_from",
              "match_window_until", "match_counts_in_kind")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}

    def load(self, session: MatchingSession) -> None:
        for name in self.FIELDS:
            value = [c.id for c in session.calls] if name == "call_ids" else getattr(session, name)
            if name in ("kind", "match_mode"):
                value = value.value
            elif name in ("held_at", "match_window_from", "match_window_until") and value is not None:
                value = to_local(value).replace(tzinfo=None)
            elif value is not None and name.startswith("match_") and name not in ("match_counts_in_kind",):
                value = f"{value.normalize():f}"
            getattr(self, name).data = value
        self.call_ids.data = [str(i) for i in self.call_ids.data]


class CashPledgeForm(FlaskForm):
    amount = StringField(_l("认捐金额（元）"), render_kw={**DECIMAL, "autocomplete": "off"}, description=_l("不少于 100 元"))
    purpose = SelectField(_l("用途（可选）"), choices=purpose_choices, validate_choice=False)
    message = TextAreaField(_l("给公益组织的留言（可选）"), render_kw={"rows": 2, "maxlength": 500})

    def values(self) -> dict:
        return {"amount": self.amount.data, "purpose": self.purpose.data, "message": self.message.data}


class ClaimForm(FlaskForm):
    purpose = SelectField(_l("用途（可选）"), choices=purpose_choices, validate_choice=False)
    message = TextAreaField(_l("给公益组织的留言（可选）"), render_kw={"rows": 2, "maxlength": 500})

    def values(self) -> dict:
        return {"purpose": self.purpose.data, "message": self.message.data}


class InKindPledgeForm(FlaskForm):
    in_kind_description = StringField(_l("物资或服务"), render_kw={"maxlength": 300}, description=_l("如 爱心午餐、图书、法律咨询服务"))
    in_kind_quantity = StringField(_l("数量（可选）"), render_kw={"maxlength": 60}, description=_l("如 500 份、每月 4 次"))
    amount = StringField(_l("估算价值（元）"), render_kw=DECIMAL)
    purpose = SelectField(_l("用途（可选）"), choices=purpose_choices, validate_choice=False)
    message = TextAreaField(_l("给公益组织的留言（可选）"), render_kw={"rows": 2, "maxlength": 500})

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("in_kind_description", "in_kind_quantity", "amount", "purpose", "message")}


class OnBehalfForm(FlaskForm):
    project_id = SelectField(_l("项目"), choices=[], validate_choice=False)
    sponsor_id = SelectField(_l("爱心企业"), choices=[], validate_choice=False)
    sponsor_name = StringField(_l("或填写未注册的爱心企业名称"), render_kw={"maxlength": 200})
    legal_form = SelectField(_l("类别"), choices=[], validate_choice=False)
    kind = SelectField(_l("认捐类型"), choices=[("cash", _l("资金")), ("in_kind", _l("物资/服务"))], validate_choice=False)
    amount = StringField(_l("金额或估算价值（元）"), render_kw=DECIMAL)
    in_kind_description = StringField(_l("物资或服务（物资认捐填写）"), render_kw={"maxlength": 300})
    in_kind_quantity = StringField(_l("数量（可选）"), render_kw={"maxlength": 60})
    message = StringField(_l("备注（可选）"), render_kw={"maxlength": 500})

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("kind", "amount", "in_kind_description", "in_kind_quantity", "message")}


class ReceiptForm(FlaskForm):
    amount = StringField(_l("到账金额（元）"), render_kw=DECIMAL)
    received_on = DateField(_l("到账日期"), validators=[Optional()])
    reference = StringField(_l("银行流水号（可选）"), render_kw={"maxlength": 100})
    payee = SelectField(_l("收款方"), choices=_choices(ReceiptPayee), validate_choice=False)

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("amount", "received_on", "reference", "payee")}


class ReasonForm(FlaskForm):
    reason = StringField(_l("原因"), render_kw={"maxlength": 500})


class GoalForm(FlaskForm):
    goal = StringField(_l("筹款目标（元）"), render_kw=DECIMAL)


class NamingForm(FlaskForm):
    name = StringField(_l("冠名名称"), render_kw={"maxlength": 100}, description=_l("如 平湖农商银行·银龄食堂"))


class FunderForm(FlaskForm):
    tier_id = SelectField(_l("奖项"), choices=[], validate_choice=False)
    sponsor_id = SelectField(_l("出资的爱心企业"), choices=[], validate_choice=False)
    sponsor_name = StringField(_l("或填写未注册的出资方名称"), render_kw={"maxlength": 200})
    legal_form = SelectField(_l("类别"), choices=[], validate_choice=False)
    amount = StringField(_l("每个获奖项目出资（元）"), render_kw=DECIMAL)

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("sponsor_id", "sponsor_name", "legal_form", "amount")}
