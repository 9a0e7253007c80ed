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


def evaluation_result(evaluation) -> None:
    """The NGO, and the sponsors of the grant's sources: a report's evaluation, its total and conclusion."""
    report, grant = evaluation.report, evaluation.grant
    title = f"“{grant.title}”{report.title}评估结果：{evaluation.conclusion.label}（{evaluation.total} 分）"
    body = f"资助协议 {grant.reference}：{report.title}的评估结论为“{evaluation.conclusion.label}”，总分 {evaluation.total} 分" \
        f"（及格线 {evaluation.pass_mark.normalize():f} 分）。"
    if evaluation.rectify_by is not None:
        body += f"请于 {evaluation.rectify_by.isoformat()} 前完成整改并重新提交报告。"
    if evaluation.comments:
        body += f"\n评估意见：{evaluation.comments}"
    link = absolute_url("grants.report_page", report_id=report.id)
    notify_organization(grant.recipient, title, body, link)
    told = {grant.recipient_id, grant.committee_id}
    for source in grant.sources:
        if source.withdrawn_at is None and source.funder is not None and source.funder_id not in told:
            told.add(source.funder_id)
            notify_organization(source.funder, title, body, link)
