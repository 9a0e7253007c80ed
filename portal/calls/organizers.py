"""The bodies that organise a call (主办 / 联合主办, 承办, 协办, 指导, 支持), in the order they are listed
on the call page, the public notice (公示) and, later, the certificates.

A call without a list is organised by its committee alone. Rows arrive as the committee typed them;
errors come back keyed "organizers-<i>-<field>".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..audit import record
from ..errors import PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..parsing import FieldErrors, clean_text, parse_choice
from .models import Call, CallOrganizer, OrganizerRole
from .permissions import can_manage_call

MAX_ORGANIZERS = 20
NAME_MAX = 200


@dataclass(frozen=True)
class Organizer:
    name: str
    role: OrganizerRole


def organizers_of(call: Call) -> list[Organizer]:
    """The call's organisers in order; the committee as its only host when none are listed."""
    if call.organizers:
        return [Organizer(o.name, o.role) for o in call.organizers]
    return [Organizer(call.committee.name, OrganizerRole.HOST)]


def organizers_by_role(call: Call) -> list[tuple[OrganizerRole, list[str]]]:
    """For display: each role in the order it first appears, with its names (several hosts = 联合主办)."""
    grouped: dict[OrganizerRole, list[str]] = {}
    for organizer in organizers_of(call):
        grouped.setdefault(organizer.role, []).append(organizer.name)
    return list(grouped.items())


def _validate(rows: list[Mapping]) -> list[dict]:
    errors, cleaned, seen = FieldErrors(), [], set()
    if len(rows) > MAX_ORGANIZERS:
        errors.add("organizers", N_("最多列出 20 个单位。"))
    for i, row in enumerate(rows[:MAX_ORGANIZERS]):
        key = f"organizers-{i}-"
        name = clean_text(row.get("name"))
        role = parse_choice(OrganizerRole, row.get("role"), errors, key + "role")
        if not name:
            errors.add(key + "name", N_("请填写单位名称。"))
        elif len(name) > NAME_MAX:
            errors.add(key + "name", N_("单位名称最多 200 个字。"))
        elif (name, role) in seen:
            errors.add(key + "name", N_("同一单位以同一身份重复列出。"))
        seen.add((name, role))
        cleaned.append({"name": name, "role": role})
    if cleaned and not any(row["role"] == OrganizerRole.HOST for row in cleaned):
        errors.add("organizers", N_("请至少列出一个主办单位。"))
    errors.raise_if_any()
    return cleaned


def save_organizers(actor, call: Call, rows: Iterable[Mapping]) -> list[CallOrganizer]:
    """Replace the call's list of organisers by these rows, in order (no rows: the committee alone)."""
    if not can_manage_call(actor, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    cleaned = _validate(list(rows))
    before = [[o.name, o.role] for o in call.organizers]
    call.organizers[:] = [CallOrganizer(position=i, name=row["name"], role=row["role"]) for i, row in enumerate(cleaned)]
    record(actor, "call.organizers_saved", call, f"保存“{call.title}”的主办、承办单位",
           {"before": before, "after": [[row["name"], row["role"]] for row in cleaned]})
    db.session.commit()
    return list(call.organizers)
