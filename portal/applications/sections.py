"""The sections of an application (申报书), in one table: what each one is, shows and stores.

Per section: its label; the rule fields its completeness messages are placed on (rules.py, and the
editor's progress); its form class and, for repeatable rows, the row field and the row form (views);
how its form is filled from an Application (`initial`); and how the form's values are checked and
stored (`store`, run by services.save_section: it returns {field: [messages]} and then changes
nothing, or changes the application and returns {}). Attachments have no form here: they are
uploaded one by one (attachments.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..i18n import N_
from ..types import quantize
from . import forms
from .models import BUDGET_CATEGORIES, Activity, Application, BudgetLine, TeamMember

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    fields: tuple[str, ...]
    form: type | None = None
    rows: str | None = None  # the FieldList of repeatable rows, if any
    row_form: type | None = None
    initial: Callable[[Application], dict] | None = None
    store: Callable[[Application, dict], Errors] | None = None

    def values(self, form) -> dict:
        """What a validated form of this section hands to save_section: each field's data, the rows
        as plain dicts without the blank ones."""
        return {name: forms.filled_rows(field) if name == self.rows else field.data
                for name, field in form._fields.items() if name != "csrf_token"}


def _text(data: dict, key: str) -> str:
    return (data.get(key) or "").strip()


# --- per section: initial data and storing ---------------------------------------------------------

def _basics_initial(a: Application) -> dict:
    return {"title": a.title, "category_id": a.category_id, "service_area": a.service_area, "summary": a.summary}


def _store_basics(a: Application, data: dict) -> Errors:
    category_id = data.get("category_id")
    if category_id and category_id not in {c.id for c in a.call.categories}:
        return {"category": [N_("所选服务领域不在本次征集范围内。")]}
    a.category_id = category_id or None
    a.title, a.service_area, a.summary = _text(data, "title"), _text(data, "service_area"), _text(data, "summary")
    return {}


def _need_initial(a: Application) -> dict:
    return {"target_group": a.target_group, "beneficiaries_count": a.beneficiaries_count, "need_analysis": a.need_analysis}


def _store_need(a: Application, data: dict) -> Errors:
    count = data.get("beneficiaries_count")
    if count is not None and count < 0:
        return {"beneficiaries_count": [N_("受益人数不能为负数。")]}
    a.target_group, a.beneficiaries_count, a.need_analysis = _text(data, "target_group"), count, _text(data, "need_analysis")
    return {}


def _plan_initial(a: Application) -> dict:
    return {"goals": a.goals, "activities": [
        {"name": x.name, "starts_on": x.starts_on, "ends_on": x.ends_on, "milestone": x.milestone} for x in a.activities]}


def _store_plan(a: Application, data: dict) -> Errors:
    rows, errors = [], []
    for i, row in enumerate(data.get("activities") or []):
        if row.get("starts_on") and row.get("ends_on") and row["ends_on"] < row["starts_on"]:
            errors.append(N_("第 %(n)s 项活动的结束日期早于开始日期。", n=i + 1))
        rows.append(Activity(position=i, name=row["name"].strip(), starts_on=row.get("starts_on"),
                             ends_on=row.get("ends_on"), milestone=_text(row, "milestone")))
    if errors:
        return {"activities": errors}
    a.goals, a.activities = _text(data, "goals"), rows
    return {}


def _team_initial(a: Application) -> dict:
    return {"team_members": [{"name": t.name, "role": t.role, "qualification": t.qualification} for t in a.team_members]}


def _store_team(a: Application, data: dict) -> Errors:
    a.team_members = [TeamMember(position=i, name=row["name"].strip(), role=_text(row, "role"),
                                 qualification=_text(row, "qualification"))
                      for i, row in enumerate(data.get("team_members") or [])]
    return {}


def _budget_initial(a: Application) -> dict:
    return {"budget_lines": [
        {"category": b.category, "item": b.item, "unit_price": b.unit_price, "quantity": b.quantity.normalize(),
         "self_funded": b.self_funded} for b in a.budget_lines]}


def budget_line(position: int, row: dict) -> BudgetLine:
    """A budget row as a line, its amount computed here (whatever amount the row says)."""
    unit_price = quantize(Decimal(row["unit_price"]))
    quantity = Decimal(row["quantity"]).quantize(Decimal("0.01"))
    return BudgetLine(
        position=position, category=row["category"], item=_text(row, "item"), unit_price=unit_price,
        quantity=quantity, amount=quantize(unit_price * quantity), self_funded=quantize(Decimal(row.get("self_funded") or 0)),
    )


def _store_budget(a: Application, data: dict) -> Errors:
    rows, errors = [], []
    for i, row in enumerate(data.get("budget_lines") or []):
        line = budget_line(i, row)
        if row["category"] not in BUDGET_CATEGORIES:
            errors.append(N_("第 %(n)s 行的预算类别无效。", n=i + 1))
        if line.unit_price < 0 or line.quantity <= 0 or line.self_funded < 0 or line.self_funded > line.amount:
            errors.append(N_("第 %(n)s 行的金额无效。", n=i + 1))
        rows.append(line)
    if errors:
        return {"budget_lines": errors}
    a.budget_lines = rows
    return {}


def _store_declaration(a: Application, data: dict) -> Errors:
    a.declaration_accepted = bool(data.get("declaration_accepted"))
    return {}


# --- the table ---------------------------------------------------------------------------------------

SECTIONS: dict[str, Section] = {s.key: s for s in (
    Section("basics", N_("基本信息"), ("title", "category", "service_area", "summary"),
            forms.BasicsForm, initial=_basics_initial, store=_store_basics),
    Section("need", N_("需求与受益人"), ("target_group", "beneficiaries_count", "need_analysis"),
            forms.NeedForm, initial=_need_initial, store=_store_need),
    Section("plan", N_("实施计划"), ("goals", "activities"),
            forms.PlanForm, "activities", forms.ActivityRow, _plan_initial, _store_plan),
    Section("team", N_("项目团队"), ("team_members",),
            forms.TeamForm, "team_members", forms.TeamRow, _team_initial, _store_team),
    Section("budget", N_("项目预算"), ("budget_lines", "requested_amount", "admin_cost", "self_funding"),
            forms.BudgetForm, "budget_lines", forms.BudgetRow, _budget_initial, _store_budget),
    Section("attachments", N_("附件"), ("attachments",)),
    Section("declaration", N_("承诺声明"), ("declaration_accepted",),
            forms.DeclarationForm, initial=lambda a: {"declaration_accepted": a.declaration_accepted},
            store=_store_declaration),
)}
# rule field → the section it belongs to (where the editor shows its messages)
FIELD_SECTION = {name: section.key for section in SECTIONS.values() for name in section.fields}
