"""Forms of the agreement and its payments. Amounts and dates arrive as text and are checked by the
services (one set of rules and messages for the form and the service)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from .models import PaymentMethod

DECIMAL = {"inputmode": "decimal"}
DATE = {"type": "date"}


class AgreementForm(FlaskForm):
    title = StringField(_l("项目名称"), render_kw={"maxlength": 200})
    starts_on = StringField(_l("执行期开始"), render_kw=DATE)
    ends_on = StringField(_l("执行期结束"), render_kw=DATE)
    self_funding = StringField(_l("机构自筹承诺（元）"), render_kw=DECIMAL)
    payee_name = StringField(_l("收款户名"), render_kw={"maxlength": 200})
    payee_bank = StringField(_l("开户银行"), render_kw={"maxlength": 200})
    payee_account = StringField(_l("银行账号"), render_kw={"maxlength": 40, "inputmode": "numeric"})
    terms = TextAreaField(_l("协议条款"), render_kw={"rows": 6})

    FIELDS = ("title", "starts_on", "ends_on", "self_funding", "payee_name", "payee_bank", "payee_account", "terms")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class ScanForm(FlaskForm):
    scan = FileField(_l("签字盖章的协议扫描件（PDF 或图片）"))


class PrepareForm(FlaskForm):
    source_id = SelectField(_l("资金来源"), choices=[], validate_choice=False)
    amount = StringField(_l("金额（元）"), render_kw=DECIMAL)
    method = SelectField(_l("付款方式"), choices=[(m.value, _l(m.label)) for m in PaymentMethod], validate_choice=False)
    pay_on = StringField(_l("拟付款日期"), render_kw=DATE)
    note = StringField(_l("备注（可选）"), render_kw={"maxlength": 2000})

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("source_id", "amount", "method", "pay_on", "note")}


class ApproveForm(FlaskForm):
    override_reason = TextAreaField(_l("未满足拨付条件时的特批理由"), render_kw={"rows": 2, "maxlength": 2000})


class ReasonForm(FlaskForm):
    reason = StringField(_l("原因"), render_kw={"maxlength": 2000})


class PaidForm(FlaskForm):
    bank_reference = StringField(_l("银行流水号"), render_kw={"maxlength": 100})
