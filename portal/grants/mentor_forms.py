"""Forms of mentoring: the committee's assignment of a mentor, the mentor's check-in. They read what
a browser sends; the rules and their messages are portal.grants.mentoring's, shown on these fields."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..applications.forms import ZhDateField
from .report_models import CheckInForm


class MentorForm(FlaskForm):
    email = StringField(_l("电子邮箱"), render_kw={"maxlength": 254, "type": "email", "autocomplete": "off"},
                        description=_l("已有账号的导师立即生效；新邮箱会收到邀请邮件，注册后自动生效。"))
    name = StringField(_l("姓名"), render_kw={"maxlength": 100})

    def values(self) -> tuple[str, str]:
        return self.email.data or "", self.name.data or ""


class CheckInEntryForm(FlaskForm):
    held_on = ZhDateField(_l("跟踪日期"), render_kw={"type": "date"})
    form = SelectField(_l("跟踪方式"), choices=[], validate_choice=False)
    notes = TextAreaField(_l("跟踪情况"), description=_l("看到了什么、项目进展和存在的问题"))
    next_steps = TextAreaField(_l("下一步建议"), description=_l("需要项目方跟进的事项（可不填）"))

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.choices = [(f.value, _l(f.label)) for f in CheckInForm]
        if today is not None and not self.is_submitted():
            self.held_on.data = today

    def values(self) -> dict:
        return {"held_on": self.held_on.data, "form": self.form.data, "notes": self.notes.data,
                "next_steps": self.next_steps.data}
