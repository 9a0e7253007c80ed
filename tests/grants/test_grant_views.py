"""The committee's path through the pages: draft a grant from the call's page, edit and sign it,
prepare a payment as one member, approve it as another (the maker is refused), mark it paid; a
refused step keeps its message on the field."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.grants import ledger
from portal.grants.models import Disbursement, DisbursementStatus, Grant, GrantStatus

from ..conftest import login
from .helpers import PDF, funded_project

D = Decimal


@pytest.fixture
def world(app):
    return funded_project()


def _grant() -> Grant:
    return db.session.scalars(db.select(Grant)).one()


def test_draft_edit_sign_prepare_approve_pay(client, world):
    login(client, world.maker)
    page = client.get(f"/grants/calls/{world.call.id}")
    assert page.status_code == 200 and "银龄食堂" in page.text and "平湖市慈善基金会" in page.text
    answer = client.post(f"/grants/calls/{world.call.id}/applications/{world.application.id}/draft")
    grant = _grant()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/grants/{grant.id}/edit")
    assert "签订前还需" in client.get(f"/grants/{grant.id}/edit").text

    refused = client.post(f"/grants/{grant.id}/edit", data={"title": "", "starts_on": "2027-03-01", "ends_on": "2027-01-01"})
    assert refused.status_code == 400 and "请填写项目名称" in refused.text and "结束日期须晚于开始日期" in refused.text
    assert client.post(f"/grants/{grant.id}/edit", data={
        "title": "银龄食堂", "starts_on": "2027-03-01", "ends_on": "2027-12-31", "self_funding": "4000",
        "payee_name": world.ngo.name, "payee_bank": "平湖农商银行", "payee_account": "6230123456789012",
        "terms": "按协议执行"}).status_code == 302
    over = client.post(f"/grants/{grant.id}/budget", data={"budget-0-category": "活动费", "budget-0-amount": "abc"})
    assert over.status_code == 400 and "请输入有效的数字" in over.text
    assert client.post(f"/grants/{grant.id}/budget", data={
        "budget-0-category": "活动费", "budget-0-amount": "23750", "budget-1-category": "管理费",
        "budget-1-amount": "1250"}).status_code == 302
    bad_plan = client.post(f"/grants/{grant.id}/tranches", data={
        "tranches-0-label": "首期", "tranches-0-share": "70", "tranches-0-gate": "on_signing"})
    assert bad_plan.status_code == 400 and "100%" in bad_plan.text
    from io import BytesIO

    assert client.post(f"/grants/{grant.id}/scan", data={"scan": (BytesIO(PDF), "协议.pdf")},
                       content_type="multipart/form-data").status_code == 302
    assert client.post(f"/grants/{grant.id}/sign").status_code == 302
    db.session.expire_all()
    assert _grant().status == GrantStatus.SIGNED

    first = _grant().tranches[0]
    source = next(s for s in first.sources if s.amount == D("15000.00"))
    prefix = f"t{first.id}-"
    too_much = client.post(f"/grants/tranches/{first.id}/disbursements", data={
        prefix + "source_id": str(source.id), prefix + "amount": "99999", prefix + "pay_on": date.today().isoformat()})
    assert too_much.status_code == 400 and "is-invalid" in too_much.text
    assert client.post(f"/grants/tranches/{first.id}/disbursements", data={
        prefix + "source_id": str(source.id), prefix + "amount": "12500", prefix + "method": "bank_transfer",
        prefix + "pay_on": date.today().isoformat()}).status_code == 302
    d = db.session.scalars(db.select(Disbursement)).one()
    assert "拨付须由另一位组委会成员审核" in client.get(f"/grants/{grant.id}").text
    assert client.post(f"/grants/disbursements/{d.id}/approve").status_code == 403  # the maker, whatever the page shows
    db.session.expire_all()
    assert db.session.get(Disbursement, d.id).status == DisbursementStatus.PREPARED

    client.post("/accounts/logout")
    login(client, world.checker)
    assert client.post(f"/grants/disbursements/{d.id}/approve").status_code == 302
    no_reference = client.post(f"/grants/disbursements/{d.id}/paid", data={f"d{d.id}paid-bank_reference": ""})
    assert no_reference.status_code == 400 and "请填写银行流水号" in no_reference.text
    assert client.post(f"/grants/disbursements/{d.id}/paid",
                       data={f"d{d.id}paid-bank_reference": "NS2027030100001"}).status_code == 302
    db.session.expire_all()
    grant = _grant()
    assert grant.status == GrantStatus.ACTIVE and ledger.paid_of_grant(grant) == D("12500.00")
    page = client.get(f"/grants/{grant.id}").text
    assert "NS2027030100001" in page and "¥12,500.00" in page


def test_the_ngo_and_the_sponsors_read_the_grant_but_cannot_act(client, world):
    login(client, world.maker)
    client.post(f"/grants/calls/{world.call.id}/applications/{world.application.id}/draft")
    grant = _grant()
    client.post("/accounts/logout")
    for user in (world.ngo_user, world.sponsors[0].user):
        login(client, user)
        page = client.get(f"/grants/{grant.id}")
        assert page.status_code == 200 and "银龄食堂" in page.text and "提交审核" not in page.text
        assert client.post(f"/grants/{grant.id}/sign").status_code == 403
        assert client.get(f"/grants/{grant.id}/edit").status_code == 403
        client.post("/accounts/logout")


def test_a_tranche_is_paid_from_the_sources_ticked(client, world):
    login(client, world.maker)
    client.post(f"/grants/calls/{world.call.id}/applications/{world.application.id}/draft")
    grant = _grant()
    big, small = sorted(grant.sources, key=lambda s: -s.amount)
    assert client.post(f"/grants/{grant.id}/tranches", data={
        "tranches-0-label": "首期", "tranches-0-share": "60", "tranches-0-gate": "on_signing",
        f"tranches-0-source_{big.id}": "y",
        "tranches-1-label": "尾款", "tranches-1-share": "40", "tranches-1-gate": "final_passed"}).status_code == 302
    db.session.expire_all()
    first, last = _grant().tranches
    assert [s.id for s in first.sources] == [big.id] and {s.id for s in last.sources} == {big.id, small.id}
    edit = client.get(f"/grants/{grant.id}/edit").text
    assert f'name="tranches-0-source_{big.id}" value="y" checked' in edit


def test_the_lists_lead_to_the_dashboards_and_the_open_data(client, world):
    """The committee reaches its fund, the call's dashboard and the 360Giving files from its lists; a
    sponsor reaches its funder dashboard and where its money went; the NGO sees neither."""
    login(client, world.maker)
    index = client.get("/grants/").get_data(as_text=True)
    committee_id = world.committee.id
    assert f"/grants/committees/{committee_id}/fund" in index and f"/grants/committees/{committee_id}/360giving.csv" in index
    call_page = client.get(f"/grants/calls/{world.call.id}").get_data(as_text=True)
    assert f"/grants/calls/{world.call.id}/dashboard" in call_page and f"/grants/calls/{world.call.id}/360giving.json" in call_page
    for href in (f"/grants/committees/{committee_id}/fund", f"/grants/calls/{world.call.id}/dashboard"):
        assert client.get(href).status_code == 200
    client.post("/accounts/logout")
    sponsor = world.sponsors[0]
    login(client, sponsor.user)
    index = client.get("/grants/").get_data(as_text=True)
    assert f"/grants/funders/{sponsor.org.id}/dashboard" in index and f"/grants/funders/{sponsor.org.id}/money" in index
    assert "/grants/committees/" not in index and "360giving" not in index
    assert client.get(f"/grants/funders/{sponsor.org.id}/money").status_code == 200
    client.post("/accounts/logout")
    login(client, world.ngo_user)
    index = client.get("/grants/").get_data(as_text=True)
    assert "/dashboard" not in index and "360giving" not in index
