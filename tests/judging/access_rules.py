"""The judging routes' access rules: one file per route module, merged here."""
from __future__ import annotations

from . import rules_awards, rules_judges, rules_live, rules_results, rules_rounds, rules_sheets

JUDGING_ACCESS = {
    **rules_rounds.RULES, **rules_judges.RULES, **rules_sheets.RULES,
    **rules_live.RULES, **rules_results.RULES, **rules_awards.RULES,
}
