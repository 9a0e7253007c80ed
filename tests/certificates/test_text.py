"""Certificate wording: amounts in 大写 (checked against an independent parser), dates, and the
committee's body text rendered in a sandbox that only fills in placeholders."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from portal.certificates.text import (
    DEFAULT_CLOSING,
    PLACEHOLDERS,
    CertificateTextError,
    chinese_amount,
    chinese_date,
    chinese_date_upper,
    figures,
    render_text,
    validate_text,
)
from portal.errors import DomainError

AMOUNTS = {
    "25000": "贰万伍仟元整", "25000.50": "贰万伍仟元伍角", "10005.07": "壹万零伍元零柒分",
    "0.05": "伍分", "100000000": "壹亿元整", "1010": "壹仟零壹拾元整", "110000": "壹拾壹万元整",
    "0": "零元整", "3.40": "叁元肆角", "12345678.90": "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角",
    "100010000": "壹亿零壹万元整", "1000001": "壹佰万零壹元整", "25000.05": "贰万伍仟元零伍分",
    "107000.53": "壹拾万柒仟元伍角叁分", "10": "壹拾元整", "0.15": "壹角伍分", "0.50": "伍角",
    "1.500": "壹元伍角", "999999999999.99": "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
}


@pytest.mark.parametrize(("figures_", "words"), AMOUNTS.items())
def test_chinese_amount_examples(figures_, words):
    assert chinese_amount(Decimal(figures_)) == words


@pytest.mark.parametrize("bad", [Decimal("-0.01"), Decimal("1.005"), Decimal(10) ** 12, Decimal("NaN"),
                                 Decimal("Infinity"), 25000.5, 25000, "25000"])
def test_chinese_amount_refuses_what_is_not_a_certificate_amount(bad):
    with pytest.raises(ValueError):
        chinese_amount(bad)
    with pytest.raises(ValueError):
        figures(bad)


# --- The oracle: 大写 back to a Decimal, written without looking at the implementation ------------

DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL_UNIT = {"拾": 10, "佰": 100, "仟": 1000}
ALLOWED = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


def parse_upper(words: str) -> Decimal:
    yuan_part, _, rest = words.rpartition("元") if "元" in words else ("", "", words)
    total = section = number = 0
    for ch in yuan_part:
        if ch in DIGIT:
            number = DIGIT[ch]
        elif ch in SMALL_UNIT:
            section, number = section + number * SMALL_UNIT[ch], 0
        elif ch in "万亿":
            total += (section + number) * (10 ** 4 if ch == "万" else 10 ** 8)
            section = number = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {words}")
    total += section + number
    cents, number = 0, 0
    for ch in rest.removesuffix("整"):
        if ch in DIGIT:
            number = DIGIT[ch]
        elif ch in "角分":
            cents, number = cents + number * (10 if ch == "角" else 1), 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {words}")
    assert number == 0, f"a digit without its unit in {words}"
    return Decimal(total * 100 + cents).scaleb(-2)


def test_the_oracle_reads_the_examples():
    for figures_, words in AMOUNTS.items():
        assert parse_upper(words) == Decimal(figures_)
        cents_ = int(Decimal(figures_) * 100)
        assert cents_ == 0 or words.count("零") == expected_zeros(cents_)


def expected_zeros(n: int) -> int:
    """How many 零 the rules ask for, from the figures: one per run of zeros inside the yuan digits,
    except a run that only ends a section before a full next one (107000: 壹拾万柒仟); one more
    between 元 and 分 when there are no 角."""
    yuan, jiao, fen = n // 100, n // 10 % 10, n % 10
    digits, zeros = str(yuan) if yuan else "", 0
    for run in re.finditer("0+(?=[1-9])", digits):
        high, low = len(digits) - 1 - run.start(), len(digits) - run.end()  # powers of ten of the run
        zeros += not (low % 4 == 0 and high < low + 3)
    return zeros + (1 if yuan and not jiao and fen else 0)


# Random amounts with two places; the second strategy makes runs of zeros (where the rules are).
cents = st.one_of(
    st.integers(0, 10 ** 14 - 1),
    st.lists(st.sampled_from("000000123456789"), min_size=1, max_size=14).map(lambda d: int("".join(d))),
)


@given(cents)
def test_chinese_amount_round_trips_and_follows_the_zero_rules(n):
    amount = Decimal(n).scaleb(-2)
    words = chinese_amount(amount)
    assert parse_upper(words) == amount
    assert set(words) <= ALLOWED
    assert "零零" not in words  # one 零 for any run of zeros
    assert n == 0 or words.count("零") == expected_zeros(n)
    assert n == 0 or not any(z in words for z in ("零万", "零亿", "零元", "零角", "零拾", "零佰", "零仟"))
    assert words.startswith("零") == (n == 0)
    assert words.endswith("整") == (n % 100 == 0)
    assert ("元" in words) == (n >= 100 or n == 0)
    assert figures(amount) == f"¥{amount:,.2f}"


def test_figures():
    assert figures(Decimal(25000)) == "¥25,000.00"
    assert figures(Decimal(0)) == "¥0.00"
    assert figures(Decimal("1234567.5")) == "¥1,234,567.50"
    assert figures(Decimal("999999999999.99")) == "¥999,999,999,999.99"


# --- Dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "plain", "upper"), [
    (date(2026, 7, 22), "2026年7月22日", "二〇二六年七月二十二日"),
    (date(2030, 10, 10), "2030年10月10日", "二〇三〇年十月十日"),
    (date(2001, 12, 31), "2001年12月31日", "二〇〇一年十二月三十一日"),
    (date(2026, 1, 1), "2026年1月1日", "二〇二六年一月一日"),
    (date(2026, 11, 19), "2026年11月19日", "二〇二六年十一月十九日"),
    (date(2026, 2, 20), "2026年2月20日", "二〇二六年二月二十日"),
    (date(2026, 3, 30), "2026年3月30日", "二〇二六年三月三十日"),
])
def test_dates(day, plain, upper):
    assert chinese_date(day) == plain
    assert chinese_date_upper(day) == upper


# --- Body text ------------------------------------------------------------------------------------

VALUES = {"recipient": "青禾社工服务中心", "call": "2026年公益创投", "award": "优秀项目奖"}
EXAMPLE = "{{ recipient }}在{{ call }}中荣获{{ award }}，特发此证，以资鼓励。"


def test_render_fills_in_the_placeholders():
    html = render_text(EXAMPLE, VALUES)
    assert isinstance(html, Markup)
    assert html == "青禾社工服务中心在2026年公益创投中荣获优秀项目奖，特发此证，以资鼓励。"


def test_placeholders_and_the_closing():
    assert [name for name, _label in PLACEHOLDERS] == [
        "recipient", "project", "award", "amount", "amount_upper", "call", "session", "period",
        "issue_date", "role", "serial"]
    assert dict(PLACEHOLDERS)["recipient"] == "获证人/单位"
    assert DEFAULT_CLOSING == "特发此证，以资鼓励。"
    validate_text(" ".join(f"{{{{ {name} }}}}" for name, _label in PLACEHOLDERS) + "\n" + DEFAULT_CLOSING)


def test_values_and_the_text_itself_are_escaped():
    html = render_text("<b>{{ recipient }}</b> & {{ award }}{{ '<i>' }}",
                       {"recipient": "<script>alert(1)</script>", "award": Markup("<u>奖</u>")})
    assert "<script>" not in html and "<b>" not in html and "<u>" not in html and "<i>" not in html
    assert html == ("&lt;b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/b&gt; &amp; "
                    "&lt;u&gt;奖&lt;/u&gt;&lt;i&gt;")


def test_newlines_become_line_breaks():
    assert render_text("兹证明\n{{ recipient }}\r\n{{ award }}", VALUES) == "兹证明<br>青禾社工服务中心<br>优秀项目奖"
    assert render_text("{{ recipient }}", {"recipient": "甲\n<乙>"}) == "甲<br>&lt;乙&gt;"


def test_allowed_filters_and_numbers():
    assert render_text("{{ role|default('评委') }}|{{ serial|lower }}|{{ award|trim|upper }}|{{ amount }}",
                       {"serial": "GY-01", "award": " best ", "amount": Decimal("3.50")}) == "评委|gy-01|BEST|3.50"
    assert render_text("{{ recipient|e }}{{ serial }}", {"recipient": "<x>", "serial": 7}) == "&lt;x&gt;7"


@pytest.mark.parametrize("source", [
    "{{ recipient.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ recipient['x'] }}", "{{ recipient[0] }}",
    "{{ recipient.upper() }}", "{{ range(10**9) }}", "{% for x in range(100000000) %}x{% endfor %}",
    "{{ 'x' * 100000000 }}", "{% set recipient = 'x' %}", "{% if recipient %}x{% endif %}",
    '{% include "base.html" %}', '{% import "base.html" as b %}', '{% extends "base.html" %}',
    "{% macro m() %}{% endmacro %}", "{% autoescape false %}<b>{% endautoescape %}",
    "{{ recipient|trim('x', 'y') }}", "{{ recipient|default(award) }}", "{{ recipient|upper(1) }}",
    "{{ (recipient, award) }}", "{{ lipsum() }}", "{{ recipient if award }}",
])
def test_anything_beyond_placeholders_is_refused(source):
    with pytest.raises(CertificateTextError) as caught:
        render_text(source, VALUES)
    assert isinstance(caught.value, DomainError) and caught.value.message
    with pytest.raises(CertificateTextError):
        validate_text(source)


@pytest.mark.parametrize(("source", "name"), [("{{ cycler }}", "cycler"), ("{{ namespace }}", "namespace"),
                                              ("{{ loop }}", "loop"), ("你好{{ 获奖人 }}", "获奖人")])
def test_an_unknown_placeholder_is_named(source, name):
    with pytest.raises(CertificateTextError) as caught:
        validate_text(source)
    assert str(caught.value) == f"证书正文中有未知的占位符：{name}"
    assert caught.value.message.msgid == "证书正文中有未知的占位符：%(name)s"


@pytest.mark.parametrize("source", ["{{ recipient|safe }}", "{{ recipient|attr('x') }}", "{{ recipient|join }}"])
def test_other_filters_are_refused(source):
    with pytest.raises(CertificateTextError, match="不能使用过滤器"):
        render_text(source, VALUES)


def test_syntax_errors_and_missing_values():
    with pytest.raises(CertificateTextError, match="第 2 行有格式错误"):
        render_text("第一行\n{{ recipient }", VALUES)
    with pytest.raises(CertificateTextError, match="占位符没有值：project"):
        render_text("{{ recipient }}{{ project }}", VALUES)


def test_the_length_limit():
    assert len(render_text("证" * 2000, {})) == 2000
    with pytest.raises(CertificateTextError, match="不能超过 2000 个字符"):
        validate_text("证" * 2001)


@pytest.mark.parametrize("bad", [1.5, None, True, ["x"], {"x": 1}, date(2026, 1, 1)])
def test_values_must_be_plain(bad):
    with pytest.raises(TypeError):
        render_text(EXAMPLE, {**VALUES, "award": bad})
