"""The 360Giving export: a call's grants, paid, reversed and terminated, as the JSON package (valid
against the vendored 1.4 schema, resolved locally) and as the flat CSV with the standard's titles."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.extensions import db
from portal.grants import disbursements, giving360, ledger, services
from portal.judging.models import Award, AwardTier
from portal.matching.models import Pledge, PledgeStatus
from portal.types import to_local, utcnow

from ..conftest import login
from ..factories import make_application, make_member
from .helpers import funded_project, ready_to_sign

D = Decimal
NGO_USCC = "51330482MJ12345671"  # a 社会服务机构's code, its check character computed (GB 32100)
FOUNDATION_USCC = "53330482MJ9876543T"  # a 基金会 (53…)
TWO_DECIMALS = re.compile(r'"(amountAwarded|amountDisbursed|value)": (-?\d+(\.\d+)?)')


# --- the schema, locally ----------------------------------------------------------------------------

def draft_of(schema: dict) -> str:
    """The standard writes draft 2020-12's dialect with http:// (the dialect's own $id is https://),
    which referencing does not recognise by itself: read it as what it names."""
    return schema["$schema"].replace("http://", "https://", 1)


def schema_registry() -> Registry:
    """Both vendored schemas keyed by their $id; nothing is ever fetched (the registry retrieves nothing)."""
    resources = [DRAFT202012.create_resource(json.loads(path.read_text("utf-8")))
                 for path in (giving360.PACKAGE_SCHEMA, giving360.GRANT_SCHEMA)]
    return Registry().with_resources((resource.contents["$id"], resource) for resource in resources)


def package_validator() -> Draft202012Validator:
    schema = json.loads(giving360.PACKAGE_SCHEMA.read_text("utf-8"))
    assert draft_of(schema) == Draft202012Validator.META_SCHEMA["$id"]
    return Draft202012Validator(schema, registry=schema_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validation_errors(data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in package_validator().iter_errors(data)]


def check_export(body: bytes) -> dict:
    """The package validates; every amount is written with two decimals; every grant's transactions
    are ≥ 0 and add up exactly to its amount disbursed. Returns it read with Decimals."""
    assert validation_errors(json.loads(body)) == []
    text = body.decode("utf-8")
    amounts = TWO_DECIMALS.findall(text)
    assert amounts and all(re.fullmatch(r"\d+\.\d\d", number) for _, number, _ in amounts)
    data = json.loads(text, parse_float=Decimal)
    for grant in data["grants"]:
        values = [t["value"] for t in grant.get("disbursementTransaction", [])]
        assert all(v > 0 for v in values)
        assert sum(values, D("0.00")) == grant["amountDisbursed"], grant["id"]
    return data


def test_the_schema_is_vendored_and_its_reference_resolves_locally():
    package = json.loads(giving360.PACKAGE_SCHEMA.read_text("utf-8"))
    ref = package["properties"]["grants"]["items"]["$ref"]
    resolved = schema_registry().resolver().lookup(ref).contents
    assert resolved["title"] == "360Giving Data Standard Schema"
    assert draft_of(resolved) == draft_of(package) == Draft202012Validator.META_SCHEMA["$id"]
    Draft202012Validator.check_schema(package)
    Draft202012Validator.check_schema(resolved)
    # formats are really checked (without it a plain date matches both branches of awardDate's oneOf)
    checker = Draft202012Validator.FORMAT_CHECKER
    assert not checker.conforms("2027-13-45T00:00:00Z", "date-time") and checker.conforms("2027-03-01T08:00:00+08:00", "date-time")
    assert not checker.conforms("not a uri", "uri")
    bad = {"grants": [{"id": "x", "title": "t", "description": "d", "currency": "CNY", "amountAwarded": 1,
                       "awardDate": "2027-02-30x", "recipientOrganization": [{"id": "a", "name": "b"}],
                       "fundingOrganization": [{"id": "c", "name": "d"}]}]}
    assert validation_errors(bad)


# --- a world of grants -------------------------------------------------------------------------------

def another_project(world, title: str, amount: str, pledges: tuple = (), ngo_uscc: str | None = None):
    """A second awarded project of the same call, drafted and ready to sign."""
    user = make_member(OrgKind.NGO, name=f"{title}负责人")
    ngo = user.memberships[0].organization
    ngo.name, ngo.uscc = f"{title}志愿服务队", ngo_uscc
    application = make_application(call=world.call, org=ngo, status=ApplicationStatus.ELIGIBLE, title=title)
    application.summary = f"{title}：为社区提供服务。"
    tier = AwardTier(call=world.call, position=len(world.call.award_tiers), name=f"{title}奖", places=1, amount=D(amount))
    award = Award(call=world.call, tier=tier, application=application, rank=1)
    db.session.add_all([tier, award])
    for sponsor, share in pledges:
        db.session.add(Pledge(application=application, award=award, sponsor=sponsor.org, amount=D(share),
                              status=PledgeStatus.CONFIRMED, on_behalf=True, decided_at=utcnow()))
    db.session.commit()
    return ready_to_sign(world, services.draft_grant(world.maker, application))


def pay(world, tranche, source, amount: str, reference: str):
    d = disbursements.prepare(world.maker, tranche, {"source_id": str(source.id), "amount": amount,
                                                     "pay_on": "2027-03-05"})
    disbursements.approve(world.checker, d, override_reason="" if tranche.position <= 1 else "项目进展良好，提前拨付")
    return disbursements.mark_paid(world.maker, d, reference)


def source_of(grant, name: str):
    return next(s for s in grant.sources if (s.funder.name if s.funder else "") == name)


@pytest.fixture
def world(app):
    world = funded_project()
    world.application.summary = "为社区独居老人提供午餐和健康监测。"
    world.ngo.uscc = NGO_USCC
    foundation, association = world.sponsors
    foundation.org.uscc = FOUNDATION_USCC  # the association has no code: a portal-local identifier
    # G001: ¥25,000 from two sponsors. Its first tranche paid by both, one payment reversed and paid again.
    paid = services.draft_grant(world.maker, world.application)
    ready_to_sign(world, paid)
    services.sign_grant(world.maker, paid)
    first, second = paid.tranches[0], paid.tranches[1]
    pay(world, first, source_of(paid, "平湖市慈善基金会"), "7500.00", "NS001")
    wrong = pay(world, first, source_of(paid, "平湖市青年企业家协会"), "5000.00", "NS002")
    disbursements.reverse(world.maker, wrong, "收款账户有误")
    pay(world, first, source_of(paid, "平湖市青年企业家协会"), "5000.00", "NS003")
    pay(world, second, source_of(paid, "平湖市慈善基金会"), "3000.33", "NS004")
    # G002: ¥30,000, the committee's fund and one sponsor; first tranche paid, then terminated.
    ended = another_project(world, "乡村儿童阅读角", "30000.00", pledges=((association, "10000.00"),))
    services.sign_grant(world.maker, ended)
    pay(world, ended.tranches[0], ended.tranches[0].sources[0], "6000.00", "NS005")
    services.terminate_grant(world.maker, ended, "机构停止运营")
    # G003: signed, nothing paid yet. G004: drafted only, not exported.
    unpaid = another_project(world, "社区应急救护培训", "12000.00")
    services.sign_grant(world.maker, unpaid)
    drafted = another_project(world, "环保宣传进校园", "8000.00")
    db.session.expire_all()
    world.grants = {"paid": paid, "ended": ended, "unpaid": unpaid, "drafted": drafted}
    return world


def export(world) -> dict:
    grants = giving360.grants_for_export(call=world.call)
    return check_export(giving360.package_json(giving360.package(
        grants, title="测试导出", publisher=world.committee, identifier=world.call.code)))


def test_the_package_of_a_call_validates_and_its_transactions_add_up(world):
    data = export(world)
    assert data["version"] == "1.4" and data["publisher"]["name"] == "共青团平湖市委员会"
    by_id = {g["id"]: g for g in data["grants"]}
    refs = {key: world.grants[key].reference for key in world.grants}
    assert set(by_id) == {f"360G-yichuang-{refs[k]}" for k in ("paid", "ended", "unpaid")}  # not the drafted one
    paid = by_id[f"360G-yichuang-{refs['paid']}"]
    assert paid["amountAwarded"] == D("25000.00") and paid["currency"] == "CNY"
    assert paid["amountDisbursed"] == D("15500.33") == ledger.paid_of_grant(world.grants["paid"])
    assert [t["value"] for t in paid["disbursementTransaction"]] == [D("7500.00"), D("5000.00"), D("3000.33")]
    assert paid["description"] == "为社区独居老人提供午餐和健康监测。"
    assert paid["awardDate"] == to_local(world.grants["paid"].signed_at).date().isoformat()
    assert paid["plannedDates"] == [{"startDate": "2027-03-01", "endDate": "2027-12-31", "duration": 10}]
    assert paid["recipientOrganization"] == [{"id": f"CN-USCI-{NGO_USCC}", "name": "平湖市阳光社工服务中心"}]
    funders = paid["fundingOrganization"]
    assert funders[0] == {"id": f"360G-yichuang-ORG-{world.committee.id}", "name": "共青团平湖市委员会"}
    assert funders[1:] == [{"id": f"CN-USCI-{FOUNDATION_USCC}", "name": "平湖市慈善基金会"},
                           {"id": f"360G-yichuang-ORG-{world.sponsors[1].org.id}", "name": "平湖市青年企业家协会"}]
    assert {t["provider"] for t in paid["disbursementTransaction"]} == {f["id"] for f in funders[1:]}
    ended = by_id[f"360G-yichuang-{refs['ended']}"]
    assert ended["amountDisbursed"] == D("6000.00") and ended["amountAwarded"] == D("30000.00")
    assert ended["recipientOrganization"][0]["id"].startswith("360G-yichuang-ORG-")  # no code
    unpaid = by_id[f"360G-yichuang-{refs['unpaid']}"]
    assert unpaid["amountDisbursed"] == D("0.00") and "disbursementTransaction" not in unpaid


def test_a_fully_reversed_payment_leaves_no_transaction(world):
    grant = world.grants["unpaid"]
    d = pay(world, grant.tranches[0], grant.tranches[0].sources[0], "1000.00", "NS009")
    disbursements.reverse(world.maker, d, "重复付款")
    record = next(g for g in export(world)["grants"] if g["id"].endswith(grant.reference))
    assert record["amountDisbursed"] == D("0.00") and "disbursementTransaction" not in record


def test_the_prefix_comes_from_the_setting(world, app):
    app.config["GIVING360_PREFIX"] = "360G-pinghu tuanshiwei"
    ids = [g["id"] for g in export(world)["grants"]]
    assert all(i.startswith("360G-pinghu_tuanshiwei-") for i in ids)


def test_a_code_failing_its_check_is_not_published_as_cn_usci(world):
    world.ngo.uscc_check_failed = True
    assert giving360.org_identifier(world.ngo) == f"360G-yichuang-ORG-{world.ngo.id}"
    world.ngo.uscc_check_failed, world.ngo.uscc = False, NGO_USCC[:-1] + "2"
    assert giving360.org_identifier(world.ngo).startswith("360G-yichuang-ORG-")


def _schema_title(path: str) -> str:
    """The standard's column title of a JSON path, from the vendored schema's "title"s."""
    schema = json.loads(giving360.GRANT_SCHEMA.read_text("utf-8"))
    node, titles = schema, []
    for step in path.split("/"):
        if step.isdigit():
            continue
        node = node["properties"][step]
        if "$ref" in node:  # e.g. currency, titled in its definition
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        titles.append(node["title"])
        if "items" in node:
            node = schema["$defs"][node["items"]["$ref"].rsplit("/", 1)[1]]
    return ":".join(titles)


def test_the_csv_has_the_standards_titles_and_the_same_numbers(world):
    grants = giving360.grants_for_export(call=world.call)
    records = giving360.grant_records(grants)
    body = giving360.flat_csv(records)
    assert body.startswith(b"Identifier,Title,")  # no byte-order mark before the first title
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    header = list(rows[0])
    for title, path in giving360.BASE_COLUMNS:
        assert title == _schema_title(path), path
    assert header[:16] == [title for title, _ in giving360.BASE_COLUMNS]
    assert {"Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Recipient Org:Identifier",
            "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name", "Planned Dates:Start Date",
            "Planned Dates:End Date", "Amount Disbursed", "Funding Org:2:Identifier",
            "disbursementTransaction/2/value"} <= set(header)
    data = json.loads(giving360.package_json({"grants": records}), parse_float=Decimal)
    assert [r["Identifier"] for r in rows] == [g["id"] for g in data["grants"]]
    for row, grant in zip(rows, data["grants"]):
        assert D(row["Amount Awarded"]) == grant["amountAwarded"] and D(row["Amount Disbursed"]) == grant["amountDisbursed"]
        values = [D(row[f"disbursementTransaction/{n}/value"]) for n in range(3) if row[f"disbursementTransaction/{n}/value"]]
        assert sum(values, D("0.00")) == grant["amountDisbursed"]
        assert row["Recipient Org:Identifier"] == grant["recipientOrganization"][0]["id"]
        assert row["Funding Org:Identifier"] == grant["fundingOrganization"][0]["id"]
        assert re.fullmatch(r"\d+\.\d\d", row["Amount Awarded"])


def test_the_committee_downloads_a_calls_package_and_csv(world, client, login_as):
    login_as(world.maker)
    response = client.get(f"/grants/calls/{world.call.id}/360giving.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = check_export(response.data)
    assert len(data["grants"]) == 3
    response = client.get(f"/grants/calls/{world.call.id}/360giving.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert len(list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))) == 3
    response = client.get(f"/grants/committees/{world.committee.id}/360giving.json")
    assert response.status_code == 200 and len(check_export(response.data)["grants"]) == 3
    assert client.get(f"/grants/calls/{world.call.id}/360giving.xml").status_code == 404
    assert client.get(f"/grants/committees/{world.ngo.id}/360giving.csv").status_code == 404  # not a committee


def test_others_may_not_download(world, app):
    other = make_member(OrgKind.COMMITTEE, name="别的组委会")
    db.session.commit()
    for user in (world.ngo_user, world.sponsors[0].user, other):
        client = app.test_client()
        login(client, user)
        assert client.get(f"/grants/calls/{world.call.id}/360giving.json").status_code == 403
        assert client.get(f"/grants/committees/{world.committee.id}/360giving.csv").status_code == 403


def test_the_committees_lists_link_the_downloads_and_others_do_not_see_them(world, app):
    call_link = f"/grants/calls/{world.call.id}/360giving.csv"
    committee_link = f"/grants/committees/{world.committee.id}/360giving.json"
    for user, shown in ((world.maker, True), (world.ngo_user, False), (world.sponsors[0].user, False)):
        client = app.test_client()
        login(client, user)
        index = client.get("/grants/")
        assert index.status_code == 200 and (committee_link in index.get_data(as_text=True)) == shown
        if shown:
            assert call_link in client.get(f"/grants/calls/{world.call.id}").get_data(as_text=True)
