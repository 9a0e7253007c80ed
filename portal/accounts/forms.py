"""Account forms. Messages are Chinese; every field has a label."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

REQUIRED = "请填写此项。"


class LoginForm(FlaskForm):
    email = EmailField("电子邮箱", validators=[DataRequired(REQUIRED), Email("请输入有效的电子邮箱。")])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("保持登录")
