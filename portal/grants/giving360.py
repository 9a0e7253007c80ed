"""The grants as open data in the 360Giving Data Standard, schema 1.4 (vendored in giving360_schema/):
a JSON package (`{"grants": [...]}` with the package schema's metadata) and the flat CSV a
spreadsheet user publishes (the standard's column titles).

Every grant signed or later is exported (a grant terminated before it was signed was never made).
Its figures come from the ledger: amountAwarded is the grant's live sources, amountDisbursed what
was paid less reversals; one disbursementTransaction per paid disbursement with what is left of it
after its reversal — a payment reversed in full does not appear — so the values are ≥ 0 and add up
exactly to amountDisbursed. Money is written as JSON numbers with exactly two decimals, from the
Decimals themselves (never through float).

Identifiers: a grant is `360G-<GIVING360_PREFIX>-<reference>`; an organization with a 统一社会信用代码
is `CN-USCI-<code>` (org-id's list for China), one without `360G-<prefix>-ORG-<id>`, a funder
entered by name only `360G-<prefix>-SRC-<source id>`. The funding organizations are the committee
first, then each sponsor (or other funder) among the grant's sources.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from stdnum.cn import uscc

from ..accounts.models import Organization
from ..calls.models import Call
from ..extensions import db
from ..matching.need_models import NeedOffer
from ..types import to_local, utcnow
from . import ledger
from .models import Disbursement, DisbursementStatus, FundingSource, Grant, SourceKind

SCHEMA_DIR = Path(__file__).resolve().parent / "giving360_schema"
PACKAGE_SCHEMA = SCHEMA_DIR / "360-giving-package-schema.json"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"
SCHEMA_VERSION = "1.4"
DEFAULT_PREFIX = "yichuang"
CURRENCY = "CNY"
USCI_LIST = "CN-USCI"  # org-id.guide: Unified Social Credit Identifier (统一社会信用代码)
PUBLISHER = "益创公益创投平台"
CENT = Decimal("0.01")
_UNSAFE = re.compile(r"[^0-9A-Za-z_-]+")


# --- identifiers -----------------------------------------------------------------------------------

def prefix() -> str:
    """The publisher's 360Giving prefix, e.g. `360G-yichuang` (the setting gives the part after 360G-)."""
    configured = str(current_app.config.get("GIVING360_PREFIX") or DEFAULT_PREFIX).strip()
    if configured.upper().startswith("360G-"):
        configured = configured[5:]
    return "360G-" + (_UNSAFE.sub("_", configured).strip("_") or DEFAULT_PREFIX)


def local_identifier(*parts) -> str:
    """An identifier under the publisher's prefix, other characters replaced by `_` as the standard advises."""
    return "-".join([prefix(), *(_UNSAFE.sub("_", str(part)) for part in parts)])


def grant_identifier(grant: Grant) -> str:
    return local_identifier(grant.reference)


def org_identifier(org: Organization) -> str:
    """`CN-USCI-<统一社会信用代码>` when the organization's code is valid (GB 32100, its check character
    included); otherwise the publisher's own identifier for it."""
    code = uscc.compact(org.uscc or "")
    if code and not org.uscc_check_failed and uscc.is_valid(code):
        return f"{USCI_LIST}-{code}"
    return local_identifier("ORG", org.id)


# --- the grants --------------------------------------------------------------------------------------

def grants_for_export(*, call: Call | None = None, committee: Organization | None = None) -> list[Grant]:
    """Grants signed or later (of one call, or of one committee), by reference."""
    query = (sa.select(Grant).where(Grant.signed_at.is_not(None)).order_by(Grant.reference)
             .options(selectinload(Grant.committee), selectinload(Grant.recipient), selectinload(Grant.call),
                      selectinload(Grant.application),
                      selectinload(Grant.need_offer).selectinload(NeedOffer.need),
                      selectinload(Grant.sources).selectinload(FundingSource.funder)))
    if call is not None:
        query = query.where(Grant.call_id == call.id)
    if committee is not None:
        query = query.where(Grant.committee_id == committee.id)
    return list(db.session.scalars(query))


@dataclass
class Payment:
    """What a paid disbursement still counts for after its reversal (0 when reversed in full)."""

    disbursement: Disbursement
    value: Decimal

    @property
    def day(self) -> date:
        paid_at = to_local(self.disbursement.paid_at)
        return paid_at.date() if paid_at else self.disbursement.pay_on


def payments(grants: list[Grant]) -> dict[int, list[Payment]]:
    """Each grant's paid disbursements net of reversals, in the order they were paid; those reversed
    in full are left out."""
    rows = db.session.scalars(
        sa.select(Disbursement).where(Disbursement.grant_id.in_([g.id for g in grants]),
                                      Disbursement.status == DisbursementStatus.PAID)
        .options(selectinload(Disbursement.reversal), selectinload(Disbursement.tranche),
                 selectinload(Disbursement.source).selectinload(FundingSource.funder))
        .order_by(Disbursement.paid_at, Disbursement.id)) if grants else []
    found: dict[int, list[Payment]] = {g.id: [] for g in grants}
    for row in rows:
        value = row.amount - (row.reversal.amount if row.reversal is not None else Decimal(0))
        if value > 0:
            found[row.grant_id].append(Payment(row, value))
    return found


def _org(org: Organization) -> dict:
    return {"id": org_identifier(org), "name": org.name}


def _source_org(grant: Grant, source: FundingSource) -> dict:
    """Who a source's money comes from: the committee (its fund, match funding), a sponsor, or a
    funder entered by name."""
    if source.kind in (SourceKind.COMMITTEE_FUND, SourceKind.MATCH) or source.funder_id == grant.committee_id:
        return _org(grant.committee)
    if source.funder is not None:
        return _org(source.funder)
    return {"id": local_identifier("SRC", source.id), "name": source.label or grant.committee.name}


def funding_organizations(grant: Grant) -> list[dict]:
    """The committee, then each other funder among the grant's live sources, once each."""
    funders = [_org(grant.committee)]
    for source in ledger.live_sources(grant):
        entry = _source_org(grant, source)
        if all(entry["id"] != known["id"] for known in funders):
            funders.append(entry)
    return funders


def description_of(grant: Grant) -> str:
    """The application's summary, or the service the need asked for; the title when both are empty."""
    if grant.application is not None and (grant.application.summary or "").strip():
        return grant.application.summary.strip()
    if grant.need_offer is not None and (grant.need_offer.need.service or "").strip():
        return grant.need_offer.need.service.strip()
    return grant.title


def duration_months(start: date, end: date) -> int:
    """Whole months from the first day to the last (1 March – 31 December is 10)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return max(months - (1 if after.day < start.day else 0), 0)


def planned_dates(grant: Grant) -> list[dict]:
    if grant.starts_on is None or grant.ends_on is None or grant.ends_on < grant.starts_on:
        return []
    return [{"startDate": grant.starts_on.isoformat(), "endDate": grant.ends_on.isoformat(),
             "duration": duration_months(grant.starts_on, grant.ends_on)}]


def _transaction(grant: Grant, payment: Payment) -> dict:
    d = payment.disbursement
    return {"id": local_identifier(grant.reference, f"D{d.id}"), "transactionDate": payment.day.isoformat(),
            "currency": CURRENCY, "value": payment.value, "description": d.tranche.label,
            "provider": _source_org(grant, d.source)["id"], "recipient": org_identifier(grant.recipient)}


def grant_record(grant: Grant, paid: list[Payment]) -> dict:
    """One grant as the 360Giving grant schema describes it (Decimal amounts, dates as ISO strings)."""
    record = {
        "id": grant_identifier(grant),
        "title": grant.title,
        "description": description_of(grant),
        "currency": CURRENCY,
        "amountAwarded": ledger.grant_amount(grant),
        "amountDisbursed": ledger.paid_of_grant(grant),
        "awardDate": to_local(grant.signed_at).date().isoformat(),
        "recipientOrganization": [_org(grant.recipient)],
        "fundingOrganization": funding_organizations(grant),
    }
    if dates := planned_dates(grant):
        record["plannedDates"] = dates
    if grant.call is not None:
        record["grantProgramme"] = [{"code": grant.call.code, "title": grant.call.title}]
    if paid:
        record["disbursementTransaction"] = [_transaction(grant, p) for p in paid]
    return record


def grant_records(grants: list[Grant]) -> list[dict]:
    paid = payments(grants)
    return [grant_record(grant, paid[grant.id]) for grant in grants]


# --- the JSON package --------------------------------------------------------------------------------

def package(grants: list[Grant], *, title: str, publisher: Organization | None = None,
            identifier: str = "", issued: datetime | None = None) -> dict:
    """The package schema's top level: the grants and the metadata it defines."""
    issued = to_local(issued or utcnow()).replace(microsecond=0).isoformat()
    data = {
        "version": SCHEMA_VERSION,
        "title": title,
        "description": f"{title}：已签约的资助协议，资助金额与已拨付金额（人民币元）来自平台账目。",
        "identifier": local_identifier(identifier or "grants"),
        "issued": issued,
        "modified": issued,
        "publisher": ({"identifier": org_identifier(publisher), "name": publisher.name} if publisher is not None
                      else {"name": PUBLISHER}),
        "grants": grant_records(grants),
    }
    return data


def _scalar(value) -> str:
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")  # a JSON number, two decimals, no float on the way
    return json.dumps(value, ensure_ascii=False)


def dumps(value, indent: int = 0) -> str:
    """JSON text of `value` (dicts, lists, strings, ints, Decimals), indented by two spaces."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    return _scalar(value)


def package_json(data: dict) -> bytes:
    return (dumps(data) + "\n").encode("utf-8")


# --- the flat CSV ------------------------------------------------------------------------------------

BASE_COLUMNS = [
    ("Identifier", "id"), ("Title", "title"), ("Description", "description"), ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"), ("Amount Disbursed", "amountDisbursed"), ("Award Date", "awardDate"),
    ("Planned Dates:Start Date", "plannedDates/0/startDate"), ("Planned Dates:End Date", "plannedDates/0/endDate"),
    ("Planned Dates:Duration (months)", "plannedDates/0/duration"),
    ("Recipient Org:Identifier", "recipientOrganization/0/id"), ("Recipient Org:Name", "recipientOrganization/0/name"),
    ("Funding Org:Identifier", "fundingOrganization/0/id"), ("Funding Org:Name", "fundingOrganization/0/name"),
    ("Grant Programme:Code", "grantProgramme/0/code"), ("Grant Programme:Title", "grantProgramme/0/title"),
]
# The grant schema gives transactions no titles: the standard's reference says to use their JSON
# pointer paths as column titles, numbered per occurrence (disbursementTransaction/0/value …).
TRANSACTION_FIELDS = ("id", "transactionDate", "value", "currency", "provider", "recipient", "description")


def columns(records: list[dict]) -> list[tuple[str, str]]:
    """The standard's titles; a second funder and beyond numbered (`Funding Org:1:Identifier`), as
    the flat format numbers repeated entries, and one set of transaction columns per payment."""
    funders = max((len(r["fundingOrganization"]) for r in records), default=1)
    payments_ = max((len(r.get("disbursementTransaction", [])) for r in records), default=0)
    extra = [(f"Funding Org:{n}:{title}", f"fundingOrganization/{n}/{key}")
             for n in range(1, funders) for title, key in (("Identifier", "id"), ("Name", "name"))]
    transactions = [(f"disbursementTransaction/{n}/{key}", f"disbursementTransaction/{n}/{key}")
                    for n in range(payments_) for key in TRANSACTION_FIELDS]
    return BASE_COLUMNS + extra + transactions


def _at(record: dict, path: str):
    value = record
    for step in path.split("/"):
        if isinstance(value, list):
            value = value[int(step)] if int(step) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(step)
        if value is None:
            return ""
    return format(value.quantize(CENT), "f") if isinstance(value, Decimal) else value


def flat_rows(records: list[dict]) -> list[list]:
    """The header row, then one row per grant."""
    cols = columns(records)
    return [[title for title, _ in cols]] + [[_at(record, path) for _, path in cols] for record in records]


def flat_csv(records: list[dict]) -> bytes:
    """UTF-8 without a byte-order mark: flattentool (which the standard's tools convert CSV with) reads
    a BOM as part of the first title, and "\ufeffIdentifier" is no column of the standard."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(flat_rows(records))
    return buffer.getvalue().encode("utf-8")
