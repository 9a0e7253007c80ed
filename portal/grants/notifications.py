"""What grants tell people (an in-app notification and mail after commit, with absolute links)."""
from __future__ import annotations

from ..accounts.notifications import notify_organization
from ..links import absolute_url
from ..types import format_yuan
from .models import Disbursement


def tranche_paid(disbursement: Disbursement) -> None:
    """The NGO, and the sponsor whose source paid it."""
    grant, source = disbursement.grant, disbursement.source
    title = f"“{grant.title}”{disbursement.tranche.label}已拨付 {format_yuan(disbursement.amount)}"
    body = f"资助协议 {grant.reference}：{disbursement.tranche.label}已于今日付款，银行流水号 {disbursement.bank_reference}。"
    link = absolute_url("grants.grant_page", grant_id=grant.id)
    notify_organization(grant.recipient, title, body, link)
    if source.funder is not None and source.funder_id != grant.committee_id:
        notify_organization(source.funder, title, body, link)
