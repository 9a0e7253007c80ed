"""Call forms: every field labelled, every message in Chinese."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, DecimalField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

REQUIRED = _l("请填写此项。")
NUMBER = _l("请输入数字。")


def money_field(label: str, description: str = "") -> DecimalField:
    return DecimalField(
        label,
        places=2,
        description=description,
        validators=[InputRequired(REQUIRED),
                    NumberRange(min=Decimal("0.01"), max=Decimal("999999999999"), message=_l("请输入大于 0 的金额。"))],
    )


def percent_field(label: str, description: str) -> DecimalField:
    return DecimalField(
        label,
        places=2,
        description=description,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=100, message=_l("请输入 0 到 100 之间的百分比。"))],
    )


class CallForm(FlaskForm):
    title = StringField(_l("征集名称"), validators=[DataRequired(REQUIRED), Length(max=200, message=_l("最多 200 个字。"))])
    code = StringField(
        _l("征集代码"),
        description=_l("用于申报编号的前缀，如 PH2026（字母、数字和短横线）"),
        validators=[DataRequired(REQUIRED), Length(max=20, message=_l("最多 20 个字符。")),
                    Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]*$", message=_l("只能包含字母、数字和短横线。"))],
    )
    description = TextAreaField(_l("征集说明"), validators=[DataRequired(REQUIRED), Length(max=20000)])
    categories = SelectMultipleField(_l("服务领域"), coerce=int, validators=[DataRequired(_l("请至少选择一个服务领域。"))])
    funding_min = money_field(_l("单个项目资助下限（元）"))
    funding_max = money_field(_l("单个项目资助上限（元）"))
    total_pool = money_field(_l("创投资金总额（元）"))
    min_self_funding_pct = percent_field(_l("最低自筹比例（%）"), _l("自筹资金占项目总预算的最低比例"))
    admin_cost_cap_pct = percent_field(_l("管理费上限（%）"), _l("管理费占项目总预算的最高比例"))
    eligible_regions = TextAreaField(_l("申报地区"), description=_l("每行一个地区，如“浙江省/嘉兴市”；留空表示不限"),
                                     validators=[Optional(), Length(max=2000)])
    verified_only = BooleanField(_l("仅限已认证组织申报"), default=True)
    max_applications_per_org = IntegerField(
        _l("每个组织最多申报项目数"), default=1,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=50, message=_l("请输入 1 到 50 之间的整数。"))],
    )
    opens_at = DateTimeLocalField(_l("开始时间（北京时间）"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("请选择开始时间。"))])
    closes_at = DateTimeLocalField(_l("截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("请选择截止时间。"))])
    contact = StringField(_l("联系方式"), validators=[DataRequired(REQUIRED), Length(max=300)])
    guidelines = FileField(_l("申报指南（PDF 或 DOCX，可选）"))


class DeadlineForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("新的截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("请选择截止时间。"))])


class CategoryForm(FlaskForm):
    name = StringField(_l("服务领域名称"), validators=[DataRequired(REQUIRED), Length(max=60, message=_l("最多 60 个字。"))])
    position = IntegerField(_l("排序"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=9999, message=_l("请输入 0 到 9999 之间的整数。"))])


class TokenForm(FlaskForm):
    """Only the CSRF token: the organisers' rows are read with portal.parsing.parse_rows."""
