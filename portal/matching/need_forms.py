"""Forms of needs (领办) and offers. They parse what a browser sends typed (dates, the deadline in
Asia/Shanghai); the rules and their messages (required fields, the budget, the deadline in the future,
the price within the budget) are portal.matching.needs', shown on these fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..applications.forms import ZhDateField
from ..judging.forms import LocalDateTimeField

DECIMAL = {"inputmode": "decimal"}
NEED_FIELDS = ("title", "service", "target_group", "place", "period_start", "period_end", "budget", "offers_due")


class NeedForm(FlaskForm):
    """A need: the session and department are chosen when it is posted (the committee posting on a
    department's behalf chooses the department; the session comes from the page), not when edited."""

    session_id = SelectField(_l("对接会"), choices=[], validate_choice=False)
    department_id = SelectField(_l("需求方"), choices=[], validate_choice=False)
    title = StringField(_l("需求名称"), render_kw={"maxlength": 200}, description=_l("如 社区独居老人助餐服务"))
    service = TextAreaField(_l("需要的服务"), description=_l("服务内容、频次和要求"))
    target_group = StringField(_l("服务对象"), render_kw={"maxlength": 300}, description=_l("如 辖区 80 岁以上独居老人约 120 人"))
    place = StringField(_l("服务地点"), render_kw={"maxlength": 300})
    period_start = ZhDateField(_l("服务开始日期"))
    period_end = ZhDateField(_l("服务结束日期"))
    budget = StringField(_l("预算（元）"), render_kw=DECIMAL)
    offers_due = LocalDateTimeField(_l("报价截止时间（北京时间）"), render_kw={"type": "datetime-local"},
                                    description=_l("截止后不再接受报价"))

    def for_editing(self) -> "NeedForm":
        del self.session_id
        del self.department_id
        return self

    def values(self) -> dict:
        """What the service reads: the texts as typed, dates and the local deadline parsed."""
        return {name: self[name].data for name in NEED_FIELDS}

    def load(self, need) -> None:
        """Show a stored need: the budget as typed, the deadline in Asia/Shanghai."""
        from ..types import to_local

        for name in ("title", "service", "target_group", "place", "period_start", "period_end"):
            self[name].data = getattr(need, name)
        self.budget.data = f"{need.budget:f}"
        self.offers_due.data = to_local(need.offers_due).replace(tzinfo=None) if need.offers_due else None


class OfferForm(FlaskForm):
    plan = TextAreaField(_l("服务方案（简要）"), description=_l("怎样做、做多少、达到什么效果"))
    team = TextAreaField(_l("服务团队"), description=_l("负责人、社工和志愿者人数及资质"))
    price = StringField(_l("报价（元）"), render_kw=DECIMAL, description=_l("不超过需求的预算"))


class CancelNeedForm(FlaskForm):
    reason = TextAreaField(_l("取消原因"))
