"""Forms of the judging set-up. Numbers arrive as text and are checked by judging.rounds, rubrics and award_tiers (one set of
rules and messages for the form and the service); the form parses only what a browser sends typed.

Rubric and award-tier rows are plain inputs named "<list>-<i>-<field>" (rows added in the browser by
portal.js's data-repeat), read by portal.parsing.parse_rows; their errors come back keyed the same way.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from .models import Advancement, Aggregation, Round, RoundKind

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LOCAL_INPUT = {"type": "datetime-local"}
WHOLE = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}


class LocalDateTimeField(StringField):
    """An optional <input type=datetime-local> (Asia/Shanghai), with a Chinese message."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if raw:
            try:
                self.data = datetime.strptime(raw, LOCAL_FORMAT)
            except ValueError:
                raise ValueError(_l("请选择有效的时间（如 2026-05-01T09:00）。")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime(LOCAL_FORMAT) if self.data else ""


def _choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, _l(member.label)) for member in enum_class]


class RoundForm(FlaskForm):
    name = StringField(_l("轮次名称"), description=_l("如 初审、复审、决赛路演"))
    kind = SelectField(_l("评审方式"), choices=_choices(RoundKind), validate_choice=False)
    aggregation = SelectField(_l("计分方法"), choices=_choices(Aggregation), validate_choice=False)
    trim_min_sheets = StringField(
        _l("去掉最高分和最低分所需的评分表数"), default="5", render_kw=WHOLE,
        description=_l("采用“去掉最高分和最低分”时，评分表达到此数量才去掉（至少 3 份）"))
    judges_per_application = StringField(_l("每个项目的评委人数"), default="3", render_kw=WHOLE)
    blind = BooleanField(_l("匿名评审（评委看不到申报组织的名称）"))
    opens_at = LocalDateTimeField(_l("评分开始时间（北京时间，可选）"), validators=[Optional()], render_kw=LOCAL_INPUT)
    closes_at = LocalDateTimeField(_l("评分截止时间（北京时间，可选）"), validators=[Optional()], render_kw=LOCAL_INPUT)
    advancement = SelectField(_l("晋级规则"), choices=_choices(Advancement), default=Advancement.MANUAL.value,
                              validate_choice=False)
    advancement_value = StringField(
        _l("晋级名额或分数线"), render_kw=DECIMAL, description=_l("“排名前 N 名晋级”填名额 N；“达到分数线晋级”填总分（不超过评分表满分）；人工选择留空"))
    outlier_sd = StringField(_l("偏离提示（标准差倍数）"), default="2", render_kw=DECIMAL,
                             description=_l("某位评委的总分偏离平均分超过此倍数的标准差时，在结果中标出"))
    pitch_seconds = StringField(_l("每个项目的路演时间（秒）"), default="480", render_kw=WHOLE,
                                description=_l("仅现场路演使用"))
    held_at = LocalDateTimeField(_l("路演日期和时间（北京时间，可选）"), validators=[Optional()], render_kw=LOCAL_INPUT,
                                 description=_l("现场路演（决赛）举行的时间，显示给评委和征集页面"))
    venue = StringField(_l("路演地点（可选）"), render_kw={"maxlength": 200},
                        description=_l("如 平湖市青少年宫报告厅"))

    def load(self, round_: Round) -> None:
        """Show a stored round: enums as their values, times in Asia/Shanghai."""
        from ..types import to_local

        self.name.data, self.blind.data, self.venue.data = round_.name, round_.blind, round_.venue
        for field in ("kind", "aggregation", "advancement"):
            getattr(self, field).data = getattr(round_, field).value
        for field in ("trim_min_sheets", "judges_per_application", "pitch_seconds"):
            getattr(self, field).data = str(getattr(round_, field))
        value = round_.advancement_value
        if value is None:
            self.advancement_value.data = ""
        else:
            self.advancement_value.data = str(int(value)) if value == value.to_integral_value() else f"{value:f}"
        self.outlier_sd.data = f"{round_.outlier_sd.normalize():f}"
        for field in ("opens_at", "closes_at", "held_at"):
            moment = getattr(round_, field)
            getattr(self, field).data = to_local(moment).replace(tzinfo=None) if moment else None

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class CopyRubricForm(FlaskForm):
    source_round_id = SelectField(_l("复制哪一轮的评分表"), choices=[], validate_choice=False)


class TokenForm(FlaskForm):
    """Only the CSRF token: the rubric and tier editors read their rows with parse_rows."""
