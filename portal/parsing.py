"""Reading values as a user typed them (or as Python values) for the services: numbers with
at most two decimals in a range, whole numbers, enum choices, checkboxes, local times — each failure a
Chinese message (marked for translation) on its field, collected in FieldErrors and raised at once as ValidationFailed."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Mapping

from .errors import ValidationFailed
from .i18n import N_
from .types import local_to_utc

TRUTHY = {"y", "on", "1", "true", "True", "yes"}
MAX_ROWS = 60  # repeatable rows read from one form; more is junk (the services allow fewer still)


class FieldErrors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


def clean_text(value) -> str:
    return str(value if value is not None else "").replace("\x00", "").strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def parse_decimal(value, errors: FieldErrors, field: str, low: Decimal, high: Decimal, low_open: bool = False,
                  label: str = "") -> Decimal | None:
    """A number with at most two decimals within [low, high] (or (low, high] with low_open)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(clean_text(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, N_("请输入有效的数字。"))
        return None
    if not number.is_finite() or (number <= low if low_open else number < low) or number > high:
        errors.add(field, _range_message(low, high, low_open, label))
        return None
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        errors.add(field, N_("最多保留两位小数。"))
        return None
    return number.quantize(Decimal("0.01"))


def _range_message(low: Decimal, high: Decimal, low_open: bool, label: str):
    """“[label]请输入大于 low、不大于 high 的数。” — label (marked with N_) names the value, or is empty."""
    values = {"low": low, "high": f"{high:,}", "label": label}
    if label:
        return (N_("%(label)s请输入大于 %(low)s、不大于 %(high)s 的数。", **values) if low_open
                else N_("%(label)s请输入不小于 %(low)s、不大于 %(high)s 的数。", **values))
    return (N_("请输入大于 %(low)s、不大于 %(high)s 的数。", **values) if low_open
            else N_("请输入不小于 %(low)s、不大于 %(high)s 的数。", **values))


def parse_integer(value, errors: FieldErrors, field: str, low: int, high: int) -> int | None:
    try:
        number = value if isinstance(value, int) and not isinstance(value, bool) else int(clean_text(value))
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors.add(field, N_("请输入 %(low)s 到 %(high)s 之间的整数。", low=low, high=high))
        return None
    return number


def parse_choice(enum_class, value, errors: FieldErrors, field: str):
    if isinstance(value, enum_class):
        return value
    try:
        return enum_class(clean_text(value))
    except ValueError:
        errors.add(field, N_("请从列表中选择。"))
        return None


def parse_flag(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip() in TRUTHY)


def parse_moment(value, errors: FieldErrors, field: str) -> datetime | None:
    """Naive datetimes are Asia/Shanghai (as typed); stored as UTC."""
    if value is None or isinstance(value, datetime):
        return None if value is None else local_to_utc(value)
    errors.add(field, N_("请选择有效的时间。"))
    return None


def parse_day(value, errors: FieldErrors, field: str, required: bool = True) -> date | None:
    """A calendar day: a date, or "YYYY-MM-DD" as a date input sends it (blank → None unless required)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if not text:
        if required:
            errors.add(field, N_("请选择日期。"))
        return None
    try:
        day = date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        errors.add(field, N_("请选择有效的日期。"))
        return None
    return day


def row_value(row: Mapping, key: str, default=None):
    """A row's value for `key`, or `default` when it is missing or blank."""
    value = row.get(key)
    return default if is_blank(value) else value


def parse_rows(formdata, prefix: str, fields: tuple[str, ...], flags: tuple[str, ...] = ()) -> list[dict]:
    """Rows named "<prefix>-<i>-<field>" (inputs repeated in the browser by portal.js's data-repeat) in
    index order, blank rows dropped (and the rest renumbered).

    Flags are checkboxes: present with a true value or absent.
    """
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,4}})-(\w+)$")
    by_index: dict[int, dict] = {}
    for key in formdata.keys():
        match = pattern.match(key)
        if match and match.group(2) in fields + flags:
            by_index.setdefault(int(match.group(1)), {})[match.group(2)] = formdata.get(key, "")
    rows = []
    for index in sorted(by_index)[:MAX_ROWS]:
        raw = by_index[index]
        row = {field: str(raw.get(field, "")).replace("\x00", "") for field in fields}
        row.update({flag: str(raw.get(flag, "")).strip() in ("y", "on", "1", "true") for flag in flags})
        if any(row[field].strip() for field in fields):
            rows.append(row)
    return rows
