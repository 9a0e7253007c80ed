"""Who an application is from, as words to hide from judges in a blind round.

Hiding the organization's name field is not enough: applicants write their name, their staff's
names and their phone number into the free text. Blind pages and PDFs pass every text through
redact() with identity_terms() of the application.
"""
from __future__ import annotations

import re

from .models import Application

MASK = "〔已隐去〕"
# Generic endings of organization names: "阳光社工服务中心" is also written "阳光社工" or "阳光".
_ORG_ENDINGS = ("社会工作服务中心", "社工服务中心", "公益服务中心", "志愿服务中心", "志愿服务队", "志愿者协会",
                "服务中心", "服务社", "志愿队", "协会", "基金会", "促进会", "联合会", "中心", "工作室", "公司")


def _without_region(name: str, org) -> str:
    for part in (org.province, org.city, org.district, "浙江省", "嘉兴市"):
        if part and name.startswith(part):
            name = name[len(part):]
    # Smaller places written into the name: "平湖市新埭镇…" → "新埭镇…" → "…"
    return re.sub(r"^[\u4e00-\u9fff]{1,4}?(镇|街道|乡)", "", name)


def identity_terms(application: Application) -> list[str]:
    """The organization's names (full, without its region, without its generic ending), its code,
    contact person and phone, the team's names and the author's name, longest first."""
    org = application.organization
    terms: set[str] = set()
    if org is not None:
        full = (org.name or "").strip()
        local = _without_region(full, org)
        terms.update({full, local})
        terms.update(local[: -len(ending)] for ending in _ORG_ENDINGS if local.endswith(ending))
        terms.update({org.uscc or "", org.contact_name or "", org.contact_phone or "", org.supervising_org or ""})
    terms.update(member.name for member in application.team_members if member.name)
    if application.created_by is not None:
        terms.update({application.created_by.name or "", application.created_by.phone or "", application.created_by.email})
    # One-character words would blank out ordinary text.
    return sorted((t.strip() for t in terms if t and len(t.strip()) >= 2), key=len, reverse=True)


def redact(text, terms: list[str]) -> str:
    """`text` with every term replaced by the mask (longest terms first)."""
    if not text or not terms:
        return text
    text = str(text)
    for term in terms:
        text = text.replace(term, MASK)
    return text
