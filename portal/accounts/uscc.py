"""统一社会信用代码 (GB 32100-2015): form and check character."""
from __future__ import annotations

import re

from stdnum.cn import uscc as _uscc

# 18 characters: digits and uppercase letters except I, O, Z, S, V.
USCC_RE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{18}$")


def normalize_uscc(code: str | None) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def check_uscc(code: str | None) -> tuple[bool, bool]:
    """(form ok, check character ok) for a code (normalized first)."""
    value = normalize_uscc(code)
    if not USCC_RE.match(value):
        return False, False
    try:
        return True, _uscc.calc_check_digit(value[:-1]) == value[-1]
    except Exception:  # pragma: no cover - stdnum refuses odd input
        return True, False
