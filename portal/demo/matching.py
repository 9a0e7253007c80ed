"""Demo matching (对接): the settled 2025 对接会 of the finalized call — ten projects, sponsors of every
kind, pledges in every state, match funding partly used, receipts, a naming, award funding, two
needs taken on — and the open standing catalogue (常年认领) of the autumn call, with a second sponsor.

Rows are built directly, like portal/demo/__init__.py, in time order; the figures come from the real
code: each pledge is checked against the project's gap (funding.figures_of) and each confirmation is
matched by match.allocate_on_confirmation, so the match rows obey the session's rule. Texts live in
portal/demo/matching_data.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import MemberRole, Notification, Organization, OrgKind, User
from ..applications.models import Application, ApplicationStatus
from ..extensions import db
from ..judging.models import Award
from ..links import absolute_url
from ..matching.funding import awarded_amounts, figures_of
from ..matching.match import allocate_on_confirmation
from ..matching.models import (
    Bookmark,
    MatchAllocation,
    MatchingSession,
    MatchMode,
    NamingRequest,
    NamingStatus,
    Need,
    NeedOffer,
    NeedStatus,
    OfferStatus,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    ReceiptPayee,
    SessionKind,
    SessionProject,
    SessionStatus,
)
from ..matching.naming import funds_in_full
from ..types import SHANGHAI, format_yuan
from .data import NGOS
from .matching_data import (
    AWARD_FUNDED_AT,
    AWARD_FUNDERS_2025,
    CATALOGUE,
    CATALOGUE_STEPS,
    DEPARTMENTS,
    MATCHING_USERS,
    NEEDS,
    SESSION_2025,
    SETTLED_STEPS,
    SPONSOR_BOARD_NAME,
    SPONSORS,
    TO_RAISE_2025,
)

RULE_FIELDS = {"ratio": "match_ratio", "pool": "match_pool", "cap_per_pledge": "match_cap_per_pledge",
               "cap_project": "match_cap_per_project", "cap_sponsor": "match_cap_per_sponsor",
               "minimum": "match_minimum_pledge"}


def build_matching(b) -> None:
    """`b` is demo._Builder after build_judging."""
    _Matching(b).build()


def matching_summary() -> str:
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return (f"  对接 matching: 对接会与常年认领 sessions {count(MatchingSession)}，展示项目 projects {count(SessionProject)}，"
            f"认捐 pledges {count(Pledge)}，配捐 match rows {count(MatchAllocation)}，服务需求 needs {count(Need)}")


class _Matching:
    def __init__(self, b) -> None:
        self.b = b
        self.committee = b.users["committee"]
        self.sponsors: dict[str, Organization] = {"bank": b.orgs["sponsor"]}
        self.departments: dict[str, Organization] = {}
        self.pledges: dict[str, Pledge] = {}
        self.local_now = b.now.astimezone(SHANGHAI)

    def build(self) -> None:
        self.people()
        self.award_funding()
        settled = self.session_2025()
        catalogue = self.catalogue()
        self.needs({"settled": settled, "catalogue": catalogue})
        db.session.flush()

    # --- time and notices ----------------------------------------------------------------------
    def at(self, text: str) -> datetime:
        """'2025-06-20 14:25', or 'D-9 10:20' (days from today), Shanghai time → UTC."""
        day, _, clock = text.partition(" ")
        hour, minute = (int(part) for part in (clock or "09:00").split(":"))
        if day.startswith("D"):
            local = (self.local_now + timedelta(days=int(day[1:]))).date()
        else:
            local = date.fromisoformat(day)
        return datetime(local.year, local.month, local.day, hour, minute, tzinfo=SHANGHAI).astimezone(timezone.utc)

    def day(self, text: str) -> date:
        return self.at(text).astimezone(SHANGHAI).date()

    def tell(self, org: Organization, title: str, body: str, when: datetime, endpoint: str | None = None,
             **values) -> None:
        """A notification to every member, as notify_organization sends it (read when it is old)."""
        link = absolute_url(endpoint, **values) if endpoint else None
        read = when + timedelta(hours=5) if when < self.b.now - timedelta(days=3) else None
        for membership in org.memberships:
            db.session.add(Notification(user_id=membership.user.id, title=title, body=body, link=link,
                                        created_at=when, read_at=read))

    # --- sponsors and departments ----------------------------------------------------------------
    def people(self) -> None:
        b = self.b
        for n, (key, fields) in enumerate(MATCHING_USERS.items()):
            created = datetime(2025, 3, 3 + 4 * n, 2, tzinfo=timezone.utc)
            user = User(password_hash=b.password_hash, created_at=created, email_confirmed_at=created + timedelta(minutes=8),
                        **fields)
            db.session.add(user)
            b.users[key] = user
        b.orgs["sponsor"].board_name = SPONSOR_BOARD_NAME
        for n, (key, fields) in enumerate(SPONSORS.items()):
            self.sponsors[key] = self.organization(OrgKind.COMPANY, fields, datetime(2025, 4, 1 + 5 * n, 2, tzinfo=timezone.utc))
        for n, (key, fields) in enumerate(DEPARTMENTS.items()):
            self.departments[key] = self.organization(OrgKind.DEPARTMENT, fields, datetime(2025, 5, 6 + 4 * n, 1, tzinfo=timezone.utc))
        db.session.flush()

    def organization(self, kind: OrgKind, fields: dict, created: datetime) -> Organization:
        b, contact = self.b, fields.get("contact")
        org = b.org(kind, fields, "verified", created=created)
        org.board_anonymous = fields.get("board_anonymous", False)
        staff = b.users["committee2"]
        if contact is None:  # no account: recorded by the committee when the pledge was made
            org.created_at = org.verified_at = self.at(SESSION_2025["held_at"]) + timedelta(minutes=70)
            org.verified_by_id = staff.id
            b.event(staff, "organization.recorded", org, f"登记爱心企业“{org.name}”（无账号）", org.created_at,
                    {"legal_form": org.legal_form})
            return org
        owner = b.users[contact]
        org.contact_name, org.contact_phone = org.contact_name or owner.name, org.contact_phone or owner.phone
        b.join(contact, org, MemberRole.OWNER)
        b.event(owner, "organization.register", org, f"注册组织：{org.name}", created)
        org.verified_at, org.verified_by_id = created + timedelta(days=1, hours=4), staff.id
        b.event(staff, "organization.verify", org, f"认证通过：{org.name}", org.verified_at)
        what = "发布服务需求、选择领办的公益组织" if kind == OrgKind.DEPARTMENT else "在对接会和常年认领目录中认捐项目"
        self.tell(org, "组织认证已通过", f"“{org.name}”已通过认证，现在可以{what}。", org.verified_at)
        return org

    # --- sessions and their projects -------------------------------------------------------------
    def session(self, spec: dict, kind: SessionKind, status: SessionStatus, call, **fields) -> MatchingSession:
        rule = {RULE_FIELDS[k]: Decimal(v) for k, v in spec["match"].items() if k in RULE_FIELDS}
        window = spec["match"].get("window")
        if window:
            rule.update(match_window_from=self.at(window[0]), match_window_until=self.at(window[1]))
        session = MatchingSession(
            committee_id=self.b.orgs["committee"].id, title=spec["title"], kind=kind, description=spec["description"],
            status=status, calls=[call], match_mode=MatchMode.FIRST_COME, created_by_id=self.committee.id,
            created_at=self.at(spec["created"]), opened_at=self.at(spec["opened"]), **rule, **fields,
        )
        db.session.add(session)
        self.b.event(self.committee, "matching_session.created", session, f"创建{kind.label}“{session.title}”",
                     session.created_at, {"calls": [call.id], "kind": kind.value})
        return session

    def show(self, session: MatchingSession, to_raise: dict[str, str]) -> dict[str, SessionProject]:
        """The call's eligible or awarded applications, in reference order; goal = award + what it raises."""
        call = session.calls[0]
        awarded_ids = sa.select(Award.application_id).where(Award.call_id == call.id)
        apps = db.session.scalars(
            sa.select(Application).where(Application.call_id == call.id)
            .where(sa.or_(Application.status == ApplicationStatus.ELIGIBLE, Application.id.in_(awarded_ids)))
            .order_by(Application.sequence)
        ).all()
        awarded = awarded_amounts(a.id for a in apps)
        added = session.created_at + timedelta(days=2)
        projects = {}
        for position, app in enumerate(apps, start=1):
            raise_ = Decimal(to_raise[app.title]) if app.title in to_raise and app.id in awarded else app.requested_amount
            project = SessionProject(session=session, application=app, goal=awarded.get(app.id, Decimal(0)) + raise_,
                                     position=position, added_at=added, show_contact=position % 3 != 0)
            db.session.add(project)
            projects[app.title] = project
            self.b.event(self.committee, "session_project.added", project, f"“{session.title}”展示项目“{app.title}”",
                         added, {"goal": str(app.requested_amount), "application_id": app.id})
            if project.goal != app.requested_amount:
                self.b.event(self.committee, "session_project.goal_set", project,
                             f"“{app.title}”筹款目标 ¥{app.requested_amount:,.2f} → ¥{project.goal:,.2f}",
                             added + timedelta(hours=2), {"old": str(app.requested_amount), "new": str(project.goal)})
            if project.show_contact:  # the NGO's choice
                self.b.event(self.owner_of(app.organization), "session_project.contact_shown", project, f"“{app.title}”公开联系人",
                             added + timedelta(days=1, hours=3))
        return projects

    def session_2025(self) -> MatchingSession:
        spec = SESSION_2025
        session = self.session(spec, SessionKind.EVENT, SessionStatus.SETTLED, self.b.calls["2025"],
                               held_at=self.at(spec["held_at"]), venue=spec["venue"], closed_at=self.at(spec["closed"]),
                               settled_at=self.at(spec["settled"]))
        projects = self.show(session, TO_RAISE_2025)
        self.b.event(self.committee, "matching_session.opened", session, f"开放认捐：“{session.title}”", session.opened_at)
        self.run(session, projects, SETTLED_STEPS, closes=session.closed_at)
        self.b.event(self.committee, "matching_session.settled", session, f"结算对接会“{session.title}”", session.settled_at,
                     {"pro_rata_allocations": 0, "match": "0"})
        return session

    def catalogue(self) -> MatchingSession:
        spec = CATALOGUE
        session = self.session(spec, SessionKind.CATALOGUE, SessionStatus.OPEN, self.b.calls["autumn"],
                               open_from=self.day(spec["open_from"]), open_until=self.day(spec["open_until"]))
        projects = self.show(session, {})
        self.b.event(self.committee, "matching_session.opened", session, f"开放认捐：“{session.title}”", session.opened_at)
        self.run(session, projects, CATALOGUE_STEPS)
        return session

    # --- the steps of a session, in time order ---------------------------------------------------
    def run(self, session: MatchingSession, projects: dict[str, SessionProject], steps, closes: datetime | None = None) -> None:
        last = session.opened_at
        for action, when_text, spec in steps:
            when = self.at(when_text)
            assert when >= last and when < self.b.now, f"demo step out of order: {action} {when_text}"
            if closes and last <= closes < when:
                self.b.event(self.committee, "matching_session.closed", session, f"截止认捐：“{session.title}”", closes)
            last = when
            getattr(self, f"step_{action}")(session, projects, when, spec)

    @staticmethod
    def owner_of(org: Organization) -> User | None:
        owners = [m.user for m in org.memberships if m.role == MemberRole.OWNER]
        return owners[0] if owners else None

    def step_pledge(self, session, projects, when, spec, replaces: Pledge | None = None) -> None:
        project = replaces.project if replaces else projects[spec["project"]]
        sponsor = replaces.sponsor if replaces else self.sponsors[spec["sponsor"]]
        kind = PledgeKind.IN_KIND if spec.get("kind") == "in_kind" else PledgeKind.CASH
        gap = figures_of(project).gap + (replaces.amount if replaces else 0)
        amount = gap if spec.get("claim") else Decimal(spec["amount"])
        assert kind == PledgeKind.IN_KIND or Decimal("0") < amount <= gap, f"demo pledge {spec['key']} past the gap {gap}"
        on_behalf = spec.get("on_behalf", False) or (replaces.on_behalf if replaces else False)
        actor = self.b.users["committee2"] if on_behalf else self.owner_of(sponsor)
        if replaces:
            replaces.status, replaces.decided_at, replaces.decided_by_id = PledgeStatus.REPLACED, when, actor.id
        pledge = Pledge(
            session_id=session.id, project=project, application_id=project.application_id, sponsor=sponsor, kind=kind,
            amount=amount, is_claim=bool(spec.get("claim")), on_behalf=on_behalf, created_by_id=actor.id,
            replaces=replaces, status=PledgeStatus.PENDING, created_at=when,
            purpose=spec.get("purpose", replaces.purpose if replaces else ""), message=spec.get("message", ""),
            in_kind_description=spec.get("description", ""), in_kind_quantity=spec.get("quantity", ""),
        )
        db.session.add(pledge)
        self.pledges[spec["key"]] = pledge
        title = project.application.title
        verb = {PledgeKind.CASH: "认领" if pledge.is_claim else "认捐", PledgeKind.IN_KIND: "物资认捐"}[kind]
        summary = f"{sponsor.name}{verb}“{title}” {format_yuan(amount)}"
        if on_behalf:
            summary += f"（由{actor.display_name}代为登记）"
        self.b.event(actor, "pledge.changed" if replaces else "pledge.created", pledge, summary, when,
                     {"project_id": project.id, "application_id": project.application_id, "sponsor_id": sponsor.id,
                      "kind": kind.value, "amount": str(amount), "is_claim": pledge.is_claim, "on_behalf": on_behalf,
                      "replaces_id": replaces.id if replaces else None})
        if on_behalf or replaces:
            return
        org, name = project.application.organization, sponsor.public_name
        if kind == PledgeKind.IN_KIND:
            message = ("收到一笔物资认捐", f"{name}为您的项目“{title}”认捐物资/服务：{pledge.in_kind_description}。")
        elif pledge.is_claim:
            message = ("您的项目被认领", f"{name}认领了您的项目“{title}”剩余缺口 {format_yuan(amount)}。")
        else:
            message = ("收到一笔认捐", f"{name}认捐您的项目“{title}” {format_yuan(amount)}。")
        self.tell(org, *message, when, "matching.my_pledges_received")

    def step_change(self, session, projects, when, spec) -> None:
        self.step_pledge(session, projects, when, spec, replaces=self.pledges[spec["replaces"]])

    def decide(self, pledge: Pledge, status: PledgeStatus, when: datetime, actor: User, note: str = "") -> None:
        pledge.status.check_transition(status)
        pledge.status, pledge.decided_at, pledge.decided_by_id, pledge.decision_note = status, when, actor.id, note

    def step_withdraw(self, session, projects, when, spec) -> None:
        pledge = self.pledges[spec["key"]]
        self.decide(pledge, PledgeStatus.WITHDRAWN, when, self.owner_of(pledge.sponsor), spec["reason"])
        self.b.event(self.owner_of(pledge.sponsor), "pledge.withdrawn", pledge,
                     f"{pledge.sponsor.name}撤回对“{pledge.application.title}”的认捐 {format_yuan(pledge.amount)}", when,
                     {"reason": spec["reason"]})
        self.tell(pledge.application.organization, "一笔认捐已撤回", f"{pledge.sponsor.public_name}撤回了对项目"
                  f"“{pledge.application.title}”的认捐 {format_yuan(pledge.amount)}。", when, "matching.my_pledges_received")

    def step_accept(self, session, projects, when, spec) -> None:
        pledge = self.pledges[spec["key"]]
        assert pledge.amount <= figures_of(pledge.project).gap, f"demo in-kind value {spec['key']} past the gap"
        pledge.value_accepted_at, pledge.value_accepted_by_id = when, self.committee.id
        self.b.event(self.committee, "pledge.in_kind_accepted", pledge,
                     f"核定{pledge.sponsor.name}物资认捐价值 {format_yuan(pledge.amount)}", when, {"amount": str(pledge.amount)})

    def step_confirm(self, session, projects, when, spec) -> None:
        pledge = self.pledges[spec["key"]]
        self.decide(pledge, PledgeStatus.CONFIRMED, when, self.committee, spec.get("note", ""))
        db.session.flush()
        allocation = allocate_on_confirmation(session, pledge)  # the session's rule, first come first served
        allocation.created_at = when
        self.b.event(self.committee, "pledge.confirmed", pledge, f"确认{pledge.sponsor.name}对“{pledge.application.title}”"
                     f"的认捐 {format_yuan(pledge.amount)}", when,
                     {"match": str(allocation.amount), "match_limited_by": allocation.limited_by.value if allocation.limited_by else None})
        self.tell(pledge.application.organization, "认捐已确认", f"{pledge.sponsor.public_name}对项目“{pledge.application.title}”"
                  f"的认捐 {format_yuan(pledge.amount)} 已确认。", when, "matching.my_pledges_received")

    def step_lapse(self, session, projects, when, spec) -> None:
        pledge = self.pledges[spec["key"]]
        self.decide(pledge, PledgeStatus.LAPSED, when, self.committee, spec["note"])
        self.b.event(self.committee, "pledge.lapsed", pledge, f"{pledge.sponsor.name}对“{pledge.application.title}”的认捐 "
                     f"{format_yuan(pledge.amount)} 未确认，已失效", when, {"note": spec["note"]})

    def step_receipt(self, session, projects, when, spec) -> None:
        pledge, amount = self.pledges[spec["key"]], Decimal(spec["amount"])
        received = sum((r.amount for r in getattr(pledge, "receipts", [])), Decimal(0))
        assert pledge.status == PledgeStatus.CONFIRMED and received + amount <= pledge.amount, f"demo receipt {spec['key']}"
        receipt = Receipt(pledge=pledge, amount=amount, received_on=when.astimezone(SHANGHAI).date(), reference=spec["reference"],
                          payee=ReceiptPayee(spec["payee"]), recorded_by_id=self.committee.id, created_at=when)
        db.session.add(receipt)
        self.b.event(self.committee, "pledge.received", receipt, f"{pledge.sponsor.name}对“{pledge.application.title}”的认捐到账 "
                     f"{format_yuan(amount)}", when, {"pledge_id": pledge.id, "amount": str(amount), "payee": spec["payee"],
                                                      "reference": spec["reference"], "received_on": receipt.received_on.isoformat()})

    def step_naming(self, session, projects, when, spec) -> None:
        pledge = self.pledges[spec["key"]]
        assert funds_in_full(pledge.project, pledge.sponsor), "demo naming: the sponsor does not fund the project in full"
        request = NamingRequest(project=pledge.project, sponsor=pledge.sponsor, name=spec["name"], created_at=when,
                                requested_by_id=self.owner_of(pledge.sponsor).id)
        db.session.add(request)
        self.naming = request
        self.b.event(self.owner_of(pledge.sponsor), "naming.requested", request,
                     f"{pledge.sponsor.name}申请冠名“{pledge.application.title}”为“{request.name}”", when)

    def step_approve(self, session, projects, when, spec) -> None:
        request = self.naming
        request.status, request.decided_by_id, request.decided_at = NamingStatus.APPROVED, self.committee.id, when
        self.b.event(self.committee, "naming.approved", request, f"同意{request.sponsor.name}冠名“{request.name}”", when,
                     {"reason": ""})
        self.tell(request.sponsor, "冠名申请已同意", f"主办方同意将项目“{request.project.application.title}”冠名为“{request.name}”。",
                  when, "matching.my_pledges")

    def step_bookmark(self, session, projects, when, spec) -> None:
        db.session.add(Bookmark(user_id=self.b.users["sponsor"].id, project_id=projects[spec["project"]].id, created_at=when))

    # --- award funding and needs -----------------------------------------------------------------
    def award_funding(self) -> None:
        """The 2025 一等奖 paid by a foundation together with an association: confirmed pledges with award_id."""
        award = db.session.scalars(
            sa.select(Award).where(Award.call_id == self.b.calls["2025"].id).order_by(Award.rank, Award.id)).first()
        when = self.at(AWARD_FUNDED_AT)
        assert sum(Decimal(amount) for _, amount in AWARD_FUNDERS_2025) <= award.tier.amount
        for key, amount in AWARD_FUNDERS_2025:
            sponsor = self.sponsors[key]
            pledge = Pledge(application_id=award.application_id, award_id=award.id, sponsor=sponsor, kind=PledgeKind.CASH,
                            amount=Decimal(amount), status=PledgeStatus.CONFIRMED, created_by_id=self.committee.id,
                            on_behalf=True, created_at=when, decided_at=when, decided_by_id=self.committee.id)
            db.session.add(pledge)
            self.b.event(self.committee, "pledge.award_funded", pledge, f"{sponsor.name}出资“{award.application.title}”的"
                         f"{award.tier.name} {format_yuan(pledge.amount)}", when,
                         {"award_id": award.id, "sponsor_id": sponsor.id, "amount": amount})

    def needs(self, sessions: dict[str, MatchingSession]) -> None:
        for spec in NEEDS:
            department, poster = self.departments[spec["department"]], self.b.users[spec["poster"]]
            posted = self.at(spec["posted"])
            need = Need(session=sessions[spec["session"]], department=department, title=spec["title"], service=spec["service"],
                        target_group=spec["target"], place=spec["place"], period_start=self.day(spec["period"][0]),
                        period_end=self.day(spec["period"][1]), budget=Decimal(spec["budget"]),
                        offers_due=self.at(spec["due"]), status=NeedStatus.OPEN, posted_by_id=poster.id, created_at=posted)
            db.session.add(need)
            self.b.event(poster, "need.published", need, f"{department.name}发布服务需求“{need.title}”", posted,
                         {"budget": spec["budget"]})
            decided = self.at(spec["decided"]) if spec["decided"] else None
            for ngo_key, when_text, price, status, plan, team in spec["offers"]:
                ngo, when = self.b.orgs[ngo_key], self.at(when_text)
                assert Decimal(price) <= need.budget and posted < when < need.offers_due
                submitter = self.b.users[NGOS[ngo_key]["contact"]]
                offer = NeedOffer(need=need, ngo=ngo, plan=plan, team=team, price=Decimal(price), created_at=when,
                                  status=OfferStatus(status), submitted_by_id=submitter.id,
                                  decided_at=decided if status != "submitted" else None)
                db.session.add(offer)
                self.b.event(submitter, "need_offer.submitted", offer, f"{ngo.name}申请领办“{need.title}”，报价 {format_yuan(offer.price)}",
                             when, {"price": price})
                self.tell(department, "收到领办申请", f"{ngo.name}申请领办“{need.title}”，报价 {format_yuan(offer.price)}。", when,
                          "matching.need_offers", need_id=need.id)
            if decided:
                self.award_need(need, poster, decided)

    def award_need(self, need: Need, poster: User, when: datetime) -> None:
        accepted = next(o for o in need.offers if o.status == OfferStatus.ACCEPTED)
        need.status, need.decided_at = NeedStatus.AWARDED, when
        self.b.event(poster, "need.awarded", need, f"“{need.title}”由{accepted.ngo.name}领办", when,
                     {"offer_id": accepted.id, "price": str(accepted.price)})
        for offer in need.offers:
            won = offer.status == OfferStatus.ACCEPTED
            self.tell(offer.ngo, "领办申请已选定" if won else "领办申请未选中",
                      f"{need.department.name}{'选定贵组织领办' if won else '已选定其他组织领办'}“{need.title}”。", when,
                      "matching.need_detail", need_id=need.id)
