"""The words on a certificate: amounts in 大写, dates as written on certificates, and the body text a
committee edits, rendered with placeholders in a sandbox that only substitutes values.

Pure Python: no database, no request. The body text is typed by committee members, so it is treated
as hostile: it may print placeholders (optionally through a few harmless filters) and nothing else —
no attributes, items, calls, loops, blocks or includes. Everything printed is HTML-escaped.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ..errors import DomainError
from ..i18n import N_

DEFAULT_CLOSING = "特发此证，以资鼓励。"  # certificate wording, Chinese on purpose (not a UI message)
MAX_SOURCE = 2000
MAX_AMOUNT = Decimal(10) ** 12
CENT = Decimal("0.01")

# The placeholders the editor offers, in its order: (name, label).
PLACEHOLDERS: list[tuple[str, str]] = [
    ("recipient", N_("获证人/单位")),
    ("project", N_("项目名称")),
    ("award", N_("奖项")),
    ("amount", N_("金额（小写）")),
    ("amount_upper", N_("金额（大写）")),
    ("call", N_("项目征集")),
    ("session", N_("对接会")),
    ("period", N_("执行期")),
    ("issue_date", N_("颁发日期")),
    ("role", N_("身份")),
    ("serial", N_("证书编号")),
]
PLACEHOLDER_NAMES = frozenset(name for name, _label in PLACEHOLDERS)
ALLOWED_FILTERS = frozenset({"e", "upper", "lower", "trim", "default"})


class CertificateTextError(DomainError):
    """The committee's certificate text cannot be used as written."""


# --- Amounts -------------------------------------------------------------------------------------

DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _cents(amount: Decimal) -> int:
    """The amount in fen, exactly; ValueError for anything that is not a valid certificate amount."""
    if not isinstance(amount, Decimal):  # a float would already have lost cents; one error type for callers
        raise ValueError(f"amount must be a Decimal, not {type(amount).__name__}")  # noqa: TRY004
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValueError(f"amount out of range: {amount}")
    if amount != amount.quantize(CENT):  # compares values: 1.500 is fine, 1.005 is not
        raise ValueError(f"amount has more than two decimal places: {amount}")
    return int(amount.quantize(CENT).scaleb(2))


def _section(n: int) -> str:
    """0 < n < 10000 in 大写 with 仟佰拾, one 零 for any run of inner zeros, none at the end."""
    out, gap = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = n // 10 ** power % 10
        if digit == 0:
            gap = bool(out)
        else:
            out += ("零" if gap else "") + DIGITS[digit] + unit
            gap = False
    return out


def _yuan(n: int) -> str:
    """0 < n < 10**12 in sections of four digits: 亿, 万, units."""
    out, gap = "", False
    for section, unit in ((n // 10 ** 8, "亿"), (n // 10 ** 4 % 10000, "万"), (n % 10000, "")):
        if section == 0:
            gap = bool(out)  # a whole empty section: 壹亿零壹万
            continue
        if out and (gap or section < 1000):  # zeros before this section's first digit: 壹佰万零壹
            out += "零"
        # A section's trailing zeros need no 零 before a full next section: 壹拾万柒仟 (107000).
        out += _section(section) + unit
        gap = False
    return out


def chinese_amount(amount: Decimal) -> str:
    """Decimal("10005.07") → "壹万零伍元零柒分", as on cheques (without 人民币)."""
    cents = _cents(amount)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    out = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:  # 零 only between 元 and 分: 贰万伍仟元零伍分, but 0.05 is just 伍分
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out + ("整" if not jiao and not fen else "")


def figures(amount: Decimal) -> str:
    """Decimal("25000") → "¥25,000.00": the amount in figures, always with cents."""
    return f"¥{Decimal(_cents(amount)).scaleb(-2):,.2f}"


# --- Dates ---------------------------------------------------------------------------------------

NUMERALS = "〇一二三四五六七八九"


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _small(n: int) -> str:
    """1..31 as 一 … 十 … 十一 … 二十 … 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens] + "十")
    return head + (NUMERALS[ones] if ones else "")


def chinese_date_upper(d: date) -> str:
    """date(2026, 7, 22) → "二〇二六年七月二十二日": the year digit by digit, month and day counted."""
    year = "".join(NUMERALS[int(c)] for c in str(d.year))
    return f"{year}年{_small(d.month)}月{_small(d.day)}日"


# --- Body text -----------------------------------------------------------------------------------


class _Environment(ImmutableSandboxedEnvironment):
    """The AST check below already refuses attributes, items and calls; these are the second lock."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        raise SecurityError("attribute access is not allowed")

    def getitem(self, obj: Any, argument: Any) -> Any:
        raise SecurityError("item access is not allowed")

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed")


def _environment() -> _Environment:
    env = _Environment(autoescape=True, undefined=StrictUndefined, loader=None)  # no loader: no include
    env.globals.clear()  # no range, cycler, lipsum, dict, namespace
    env.tests.clear()
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    return env


ENV = _environment()
PLAIN_NODES = (nodes.Template, nodes.Output, nodes.Const, nodes.Concat)


def _refused(line: int) -> CertificateTextError:
    return CertificateTextError(N_("证书正文第 %(line)s 行：只能写文字和占位符（如 {{ recipient }}），"
                                   "不能使用其他模板语法。", line=line))


def _check(node: nodes.Node, names: set[str], line: int = 1) -> None:
    """Allow only text, constants, ~, placeholder names and the allowed filters (with constant
    arguments for default and trim); collect the names used and escape the text. Everything else
    could loop, call or reach into Python objects."""
    line = getattr(node, "lineno", None) or line  # some nodes (autoescape blocks) have no line
    if isinstance(node, nodes.Name):
        if node.ctx != "load":
            raise _refused(line)
        if node.name not in PLACEHOLDER_NAMES:
            raise CertificateTextError(N_("证书正文中有未知的占位符：%(name)s", name=node.name))
        names.add(node.name)
        return
    if isinstance(node, nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise CertificateTextError(N_("证书正文中不能使用过滤器：%(name)s", name=node.name))
        takes = 1 if node.name in ("default", "trim") else 0
        if node.node is None or node.kwargs or node.dyn_args or node.dyn_kwargs or len(node.args) > takes \
                or not all(isinstance(arg, nodes.Const) for arg in node.args):
            raise _refused(line)
    elif isinstance(node, nodes.TemplateData):
        # Autoescape only escapes what {{ }} prints; the committee's own text is escaped here, so a
        # typed <b> shows as text too.
        node.data = str(escape(node.data))
    elif not isinstance(node, PLAIN_NODES):
        raise _refused(line)
    for child in node.iter_child_nodes():
        _check(child, names, line)


def _parse(source: str) -> tuple[nodes.Template, set[str]]:
    if not isinstance(source, str):
        raise TypeError("certificate text must be a str")
    if len(source) > MAX_SOURCE:
        raise CertificateTextError(N_("证书正文不能超过 %(n)s 个字符（现有 %(count)s 个）。",
                                      n=MAX_SOURCE, count=len(source)))
    try:
        tree = ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise CertificateTextError(N_("证书正文第 %(line)s 行有格式错误：请检查 {{ 与 }} 是否成对、"
                                      "占位符是否写对。", line=exc.lineno)) from exc
    names: set[str] = set()
    _check(tree, names)
    return tree, names


def _plain(values: dict[str, Any]) -> dict[str, str]:
    """Values as plain str: a Markup (or any str subclass) must not slip through unescaped."""
    if not isinstance(values, dict):
        raise TypeError("values must be a dict")
    plain = {}
    for key, value in values.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise TypeError(f"certificate value {key!r} must be str, int or Decimal, not {type(value).__name__}")
        plain[key] = str.__str__(value) if isinstance(value, str) else str(value)
    return plain


def render_text(source: str, values: dict[str, str]) -> Markup:
    """The body text with its placeholders filled in, as escaped HTML; line breaks become <br>."""
    plain = _plain(values)
    tree, names = _parse(source)
    try:
        html = ENV.from_string(tree).render(plain)
    except UndefinedError as exc:
        missing = ", ".join(sorted(names - plain.keys())) or "?"
        raise CertificateTextError(N_("证书正文中的占位符没有值：%(name)s", name=missing)) from exc
    except (TemplateError, TypeError, ValueError) as exc:  # SecurityError is a TemplateError
        raise CertificateTextError(N_("证书正文无法生成，请检查占位符的写法。")) from exc
    # html is escaped already; only the line breaks are turned into markup.
    lines = html.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>").join(Markup(line) for line in lines)


SAMPLE_VALUES: dict[str, str] = {
    "recipient": "某某公益服务中心",
    "project": "社区青少年成长陪伴计划",
    "award": "优秀公益项目",
    "amount": figures(Decimal(25000)),
    "amount_upper": chinese_amount(Decimal(25000)),
    "call": "2026年公益创投项目征集",
    "session": "2026年公益项目对接会",
    "period": "2026年7月1日至2027年6月30日",
    "issue_date": chinese_date_upper(date(2026, 7, 22)),
    "role": "评委",
    "serial": "GY-2026-0001",
}


def validate_text(source: str) -> None:
    """For the editor form: CertificateTextError if the text could not be rendered."""
    render_text(source, SAMPLE_VALUES)
