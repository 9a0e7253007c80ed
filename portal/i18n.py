"""Translation helpers that need no request: marking strings for extraction.

Labels of states and kinds stay Chinese in Python (audit summaries and emails are Chinese); templates
and views translate them where they are shown, e.g. ``{{ call.status.label|translate }}``.
"""
from __future__ import annotations


def N_(text: str) -> str:
    """Mark a message for extraction by pybabel; the caller translates it later with gettext."""
    return text
