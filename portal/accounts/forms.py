"""Account forms. Messages are Chinese; every field has a label."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from .models import LEGAL_FORMS

REQUIRED = _l("请填写此项。")
EMAIL = Email(_l("请输入有效的电子邮箱。"))
MIN8 = Length(min=8, max=128, message=_l("密码至少 8 位。"))
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def phone_check(form, field):
    value = re.sub(r"[\s]", "", field.data or "")
    if value and not PHONE_RE.match(value):
        raise ValidationError(_l("请输入有效的手机号（11 位）或带区号的固定电话，如 0573-85012345。"))
    field.data = value


def not_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("成立日期不能晚于今天。"))


class LoginForm(FlaskForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(REQUIRED), EMAIL])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("保持登录"))


class RegisterForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), Length(max=100, message=_l("姓名过长。"))])
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(REQUIRED), EMAIL])
    phone = StringField(_l("手机号"), validators=[DataRequired(REQUIRED), phone_check])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED), MIN8])
    password2 = PasswordField(_l("确认密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("新密码"), validators=[DataRequired(REQUIRED), MIN8])
    password2 = PasswordField(_l("确认新密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(REQUIRED), EMAIL])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(REQUIRED), MIN8])
    password2 = PasswordField(_l("确认新密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))])


ORG_KINDS = [("ngo", _l("公益组织")), ("company", _l("爱心企业/资助方")), ("department", _l("需求方（政府部门/街道/社区/村）"))]
SPONSOR_FIELDS = ("board_name", "board_anonymous")


def legal_form_choices(kind: str | None = None) -> list[SelectChoice]:
    """The legal forms of one kind, or of every kind (each option says its kind, for org_form.js)."""
    kinds = [kind] if kind else list(LEGAL_FORMS)
    return [SelectChoice(f, _l(f), render_kw={"data-kind": k}) for k in kinds for f in LEGAL_FORMS[k]]


class OrganizationForm(FlaskForm):
    """Registering (kind chosen) or editing (kind fixed: the view removes the field and sets fixed_kind)
    an organization. The sponsor's board fields are for sponsors only (the view removes them otherwise)."""

    kind = SelectField(_l("组织类型"), choices=ORG_KINDS, validators=[DataRequired(REQUIRED)])
    name = StringField(_l("组织名称"), validators=[DataRequired(REQUIRED), Length(max=200, message=_l("名称过长。"))],
                       description=_l("个人爱心人士请填写本人姓名。"))
    legal_form = SelectField(_l("组织形式"), choices=legal_form_choices(), validators=[DataRequired(REQUIRED)])
    uscc = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=30, message=_l("代码过长。"))],
                       description=_l("18 位；没有代码的基层团队可留空并填写业务主管/挂靠单位；需求方和个人爱心人士可留空。"))
    confirm_uscc = BooleanField(_l("我确认该代码与证书一致"))
    supervising_org = StringField(_l("业务主管/挂靠单位"), validators=[Optional(), Length(max=200, message=_l("过长。"))])
    province = StringField(_l("省"), validators=[DataRequired(REQUIRED), Length(max=40, message=_l("过长。"))])
    city = StringField(_l("市"), validators=[DataRequired(REQUIRED), Length(max=40, message=_l("过长。"))])
    district = StringField(_l("区/县"), validators=[Optional(), Length(max=40, message=_l("过长。"))])
    contact_name = StringField(_l("联系人"), validators=[DataRequired(REQUIRED), Length(max=100, message=_l("过长。"))])
    contact_phone = StringField(_l("联系电话"), validators=[DataRequired(REQUIRED), phone_check])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=300, message=_l("过长。"))])
    founded_on = DateField(_l("成立日期"), validators=[Optional()], format="%Y-%m-%d")
    introduction = TextAreaField(_l("组织简介"), validators=[Optional(), Length(max=5000, message=_l("简介过长。"))])
    board_name = StringField(_l("展示名称（大屏与公开页面）"), validators=[Optional(), Length(max=100, message=_l("过长。"))],
                             description=_l("仅爱心企业/资助方填写；留空则显示组织名称。"))
    board_anonymous = BooleanField(_l("匿名展示（显示为“爱心企业”或“爱心人士”）"))

    def chosen_kind(self) -> str:
        return self.kind.data if "kind" in self._fields else getattr(self, "fixed_kind", "ngo")

    def for_kind(self, kind: str) -> "OrganizationForm":
        """Editing an organization of `kind`: no kind to choose, its own legal forms, the board fields
        for a sponsor only."""
        del self.kind
        self.fixed_kind = kind
        self.legal_form.choices = legal_form_choices(kind if kind in LEGAL_FORMS else None)
        if kind != "company":
            for name in SPONSOR_FIELDS:
                del self[name]
        return self

    def validate_legal_form(self, field):
        kind = self.chosen_kind()
        if kind in LEGAL_FORMS and field.data not in LEGAL_FORMS[kind]:
            raise ValidationError(_l("所选组织形式与组织类型不符。"))

    def validate_founded_on(self, field):
        not_future(self, field)

    def org_data(self) -> dict:
        names = ("name", "legal_form", "uscc", "supervising_org", "province", "city", "district",
                 "contact_name", "contact_phone", "address", "founded_on", "introduction") + SPONSOR_FIELDS
        return {name: self[name].data for name in names if name in self._fields}


class InviteForm(FlaskForm):
    email = EmailField(_l("被邀请人邮箱"), validators=[DataRequired(REQUIRED), EMAIL])


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), Length(max=100, message=_l("姓名过长。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED), MIN8])
    password2 = PasswordField(_l("确认密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("不通过原因"),
                           validators=[DataRequired(_l("请填写不通过的原因。")), Length(max=2000, message=_l("过长。"))])
