"""Forms of the application editor: one per section, with Chinese messages on each field.

Drafts are saved with empty fields allowed; completeness is checked at submission (rules.py).
Repeatable rows are FieldLists named like activities-0-name; blank rows are ignored.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from .models import BUDGET_CATEGORIES

BLANK_ROWS = 2  # spare rows rendered so the editor works without JavaScript


class ZhDecimalField(StringField):
    """A decimal number; a bad value gets a Chinese message (not WTForms' English one)."""

    def process_formdata(self, valuelist):
        self.data = None
        self.raw = (valuelist[0] if valuelist else "").strip().replace(",", "").replace("，", "")
        if not self.raw:
            return
        try:
            value = Decimal(self.raw)
        except InvalidOperation:
            raise ValueError(_l("请输入有效的数字。")) from None
        if not value.is_finite():
            raise ValueError(_l("请输入有效的数字。"))
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:f}"


class ZhIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip().replace(",", "")
        if not raw:
            return
        try:
            self.data = int(raw)
        except ValueError:
            raise ValueError(_l("请输入整数。")) from None


class ZhDateField(DateField):
    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            return
        try:
            super().process_formdata([raw])
        except ValueError:
            raise ValueError(_l("请输入有效的日期（如 2027-03-01）。")) from None


def _len(n: int):
    return Length(max=n, message=_l("最多 %(n)s 个字。", n=n))


def _coerce_id(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class BasicsForm(FlaskForm):
    title = StringField(_l("项目名称"), validators=[_len(200)])
    category_id = SelectField(_l("服务领域"), coerce=_coerce_id, validate_choice=False)
    service_area = StringField(_l("服务区域"), validators=[_len(300)], description=_l("如：平湖市当湖街道"))
    summary = TextAreaField(_l("项目概述"), validators=[_len(2000)])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [("", _l("请选择"))] + [(c.id, c.name) for c in categories]

    def validate_category_id(self, field):
        if field.data is not None and field.data not in {value for value, _ in field.choices if value != ""}:
            raise ValidationError(_l("请选择本次征集的服务领域。"))


class NeedForm(FlaskForm):
    target_group = StringField(_l("服务对象"), validators=[_len(300)])
    beneficiaries_count = ZhIntegerField(
        _l("受益人数"), validators=[Optional(), NumberRange(min=0, max=100_000_000, message=_l("受益人数应为 0 到 1 亿之间的整数。"))]
    )
    need_analysis = TextAreaField(_l("需求分析"), validators=[_len(5000)])


def _blank(row_form) -> bool:
    return all(not (f.raw_data and str(f.raw_data[0]).strip()) for f in row_form if f.type != "CSRFTokenField")


class ActivityRow(Form):
    name = StringField(_l("活动名称"), validators=[_len(200)])
    starts_on = ZhDateField(_l("开始日期"), validators=[Optional()])
    ends_on = ZhDateField(_l("结束日期"), validators=[Optional()])
    milestone = StringField(_l("里程碑"), validators=[_len(300)])

    def validate(self, extra_validators=None):
        if _blank(self):
            return True
        ok = super().validate(extra_validators)
        if not (self.name.data or "").strip():
            self.name.errors = list(self.name.errors) + [_l("请填写活动名称。")]
            ok = False
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors = list(self.ends_on.errors) + [_l("结束日期不能早于开始日期。")]
            ok = False
        return ok


class TeamRow(Form):
    name = StringField(_l("姓名"), validators=[_len(100)])
    role = StringField(_l("角色"), validators=[_len(100)])
    qualification = StringField(_l("资质与经验"), validators=[_len(300)])

    def validate(self, extra_validators=None):
        if _blank(self):
            return True
        ok = super().validate(extra_validators)
        if not (self.name.data or "").strip():
            self.name.errors = list(self.name.errors) + [_l("请填写姓名。")]
            ok = False
        return ok


MAX_MONEY = Decimal("1000000000")  # 10 亿: far beyond any project, well inside Numeric(14, 2)


class BudgetRow(Form):
    category = SelectField(_l("类别"), choices=[("", _l("请选择"))] + [(c, _l(c)) for c in BUDGET_CATEGORIES],
                           validate_choice=False)
    item = StringField(_l("明细"), validators=[_len(200)])
    unit_price = ZhDecimalField(_l("单价（元）"))
    quantity = ZhDecimalField(_l("数量"))
    self_funded = ZhDecimalField(_l("其中自筹（元）"))

    def _err(self, field, message):
        field.errors = list(field.errors) + [message]

    def validate(self, extra_validators=None):
        if _blank(self):
            self._skip = True
            return True
        self._skip = False
        ok = super().validate(extra_validators)
        if self.category.data not in BUDGET_CATEGORIES:
            self._err(self.category, _l("请选择预算类别。"))
        if not (self.item.data or "").strip():
            self._err(self.item, _l("请填写明细。"))
        price, qty, own = self.unit_price.data, self.quantity.data, self.self_funded.data
        if price is None and not self.unit_price.errors:
            self._err(self.unit_price, _l("请填写单价。"))
        elif price is not None and price < 0:
            self._err(self.unit_price, _l("单价不能为负数。"))
        elif price is not None and price > MAX_MONEY:
            self._err(self.unit_price, _l("单价过大。"))
        if qty is None and not self.quantity.errors:
            self._err(self.quantity, _l("请填写数量。"))
        elif qty is not None and qty <= 0:
            self._err(self.quantity, _l("数量必须大于 0。"))
        elif qty is not None and qty > Decimal("100000000"):
            self._err(self.quantity, _l("数量过大。"))
        if own is not None and own < 0:
            self._err(self.self_funded, _l("自筹金额不能为负数。"))
        if not any(f.errors for f in self):
            amount = (price * qty).quantize(Decimal("0.01"))
            if amount > MAX_MONEY:
                self._err(self.quantity, _l("该行金额过大。"))
            elif own is not None and own > amount:
                self._err(self.self_funded, _l("自筹金额不能超过该行金额 %(amount)s 元。", amount=f"{amount:,.2f}"))
        return ok and not any(f.errors for f in self)


class PlanForm(FlaskForm):
    goals = TextAreaField(_l("项目目标"), validators=[_len(5000)])
    activities = FieldList(FormField(ActivityRow), min_entries=0, max_entries=100)


class TeamForm(FlaskForm):
    team_members = FieldList(FormField(TeamRow), min_entries=0, max_entries=100)


class BudgetForm(FlaskForm):
    budget_lines = FieldList(FormField(BudgetRow), min_entries=0, max_entries=200)


class DeclarationForm(FlaskForm):
    declaration_accepted = BooleanField(_l("我已阅读并同意以上承诺"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("选择文件（PDF、JPEG、PNG、DOCX、XLSX，每个不超过 10 MB）"))


class StartForm(FlaskForm):
    organization_id = SelectField(_l("申报组织"), coerce=_coerce_id, validate_choice=False)


def filled_rows(field_list) -> list[dict]:
    """The non-blank rows of a validated FieldList, as plain dicts."""
    rows = []
    for entry in field_list:
        if _blank(entry.form) or getattr(entry.form, "_skip", False):
            continue
        rows.append({name: f.data for name, f in entry.form._fields.items()})
    return rows


def add_spare_rows(field_list, count: int = BLANK_ROWS) -> None:
    for _ in range(count):
        field_list.append_entry()
