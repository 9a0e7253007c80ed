"""Realistic Chinese demo data: `flask --app portal.app demo` (make demo) calls load_demo().

Rows are built with the models directly (and portal.audit.record for the history), so the demo does
not depend on the services' request-time checks; the texts live in portal/demo/data.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, ROUND_UP, Decimal

import sqlalchemy as sa
from stdnum.cn import uscc as uscc_module
from werkzeug.security import generate_password_hash

from .. import audit
from ..accounts.models import MemberRole, Membership, Notification, OrgKind, Organization, OrgStatus, User
from ..applications.models import (
    ADMIN_BUDGET_CATEGORY,
    Activity,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    ApplicationVersion,
    BudgetLine,
    TeamMember,
)
from ..applications.snapshot import application_snapshot
from ..calls.models import Call, CallOrganizer, CallStatus, Category, OrganizerRole
from .data import (
    CALL_2025,
    CALL_2026,
    CATEGORIES,
    COMMITTEE,
    DEMO_ACCOUNTS,
    NGOS,
    PASSWORD,
    PROJECTS,
    SPONSOR,
    TEAM,
    USERS,
)
from ..extensions import db
from ..types import SHANGHAI, quantize, utcnow
from .matching import build_matching, matching_summary

__all__ = ["DEMO_ACCOUNTS", "load_demo", "reset_database", "valid_uscc"]

ST = ApplicationStatus


ORGANIZERS_2026 = [
    ("共青团平湖市委员会", OrganizerRole.HOST), ("平湖市民政局", OrganizerRole.HOST), ("平湖市文明办", OrganizerRole.HOST),
    ("平湖市志愿者协会", OrganizerRole.ORGANIZER), ("浙江平湖农村商业银行", OrganizerRole.SUPPORTER),
]


def valid_uscc(body: str) -> str:
    """The 18-character code for a 17-character body: the GB 32100 check character appended."""
    return body + uscc_module.calc_check_digit(body)


def invalid_uscc(body: str) -> str:
    """A code whose check character is wrong (a typo the user confirmed)."""
    good = uscc_module.calc_check_digit(body)
    return body + ("0" if good != "0" else "1")


def reset_database() -> None:
    """Empty every table, children first."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(timezone.utc)


def _add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


class _Builder:
    def __init__(self) -> None:
        self.now = utcnow()
        self.password_hash = generate_password_hash(PASSWORD)
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organization] = {}
        self.categories: dict[str, Category] = {}
        self.calls: dict[str, Call] = {}
        self.sequences: dict[str, int] = {}

    # --- helpers --------------------------------------------------------------------------------
    def event(self, actor, action: str, entity, summary: str, when: datetime, data: dict | None = None):
        event = audit.record(actor, action, entity, summary, data)
        event.created_at = when
        return event

    def notify(self, users, title: str, body: str, when: datetime, read: bool = False) -> None:
        for user in users:
            db.session.add(
                Notification(user_id=user.id, title=title, body=body, created_at=when, read_at=when + timedelta(hours=3) if read else None)
            )

    def members(self, org: Organization) -> list[User]:
        return [m.user for m in org.memberships]

    # --- people and organizations ------------------------------------------------------------------
    def build_people(self) -> None:
        for key, fields in USERS.items():
            user = User(password_hash=self.password_hash, created_at=_local(2024, 9, 2), **fields)
            db.session.add(user)
            self.users[key] = user
        db.session.flush()

        for i, name in enumerate(CATEGORIES):
            self.categories[name] = Category(name=name, position=i)
        db.session.add_all(self.categories.values())

        committee = self.org(OrgKind.COMMITTEE, COMMITTEE, "verified", created=_local(2024, 1, 8))
        self.orgs["committee"] = committee
        self.join("committee", committee, MemberRole.OWNER)
        self.join("committee2", committee, MemberRole.MEMBER)

        sponsor = self.org(OrgKind.COMPANY, SPONSOR, "verified", created=_local(2024, 11, 6))
        self.orgs["sponsor"] = sponsor
        self.join("sponsor", sponsor, MemberRole.OWNER)
        self.register_events(sponsor, self.users["sponsor"], "verified")

        for n, (key, fields) in enumerate(NGOS.items()):
            created = _local(2024, 10, 8) + timedelta(days=9 * n) if fields["status"] == "verified" else self.now - timedelta(days=6 - n % 4)
            org = self.org(OrgKind.NGO, fields, fields["status"], created=created)
            self.orgs[key] = org
            self.join(fields["contact"], org, MemberRole.OWNER)
            if key == "aiyizhan":
                self.join("ngo2", org, MemberRole.MEMBER)
            self.register_events(org, self.users[fields["contact"]], fields["status"])
        db.session.flush()

    def org(self, kind: OrgKind, fields: dict, status: str, created: datetime) -> Organization:
        body = fields.get("uscc_body")
        failed = fields.get("uscc_check_failed", False)
        contact = USERS.get(fields.get("contact", ""), {})
        org = Organization(
            kind=kind,
            name=fields["name"],
            legal_form=fields["legal_form"],
            uscc=(invalid_uscc(body) if failed else valid_uscc(body)) if body else None,
            uscc_check_failed=failed,
            supervising_org=fields.get("supervising_org"),
            province=fields.get("province", "浙江省"),
            city=fields.get("city", "嘉兴市"),
            district=fields.get("district", "平湖市"),
            contact_name=fields.get("contact_name") or contact.get("name"),
            contact_phone=fields.get("contact_phone") or contact.get("phone"),
            address=fields["address"],
            founded_on=date.fromisoformat(fields["founded"]),
            introduction=fields["introduction"],
            status=OrgStatus(status),
            rejection_reason=fields.get("rejection_reason"),
            created_at=created,
        )
        db.session.add(org)
        return org

    def join(self, user_key: str, org: Organization, role: MemberRole) -> None:
        db.session.add(Membership(user=self.users[user_key], organization=org, role=role, created_at=org.created_at))

    def register_events(self, org: Organization, owner: User, status: str) -> None:
        committee_user = self.users["committee"]
        self.event(owner, "organization.register", org, f"注册组织：{org.name}", org.created_at)
        if status == "verified":
            when = org.created_at + timedelta(days=2, hours=3)
            org.verified_at = when
            org.verified_by_id = committee_user.id
            self.event(committee_user, "organization.verify", org, f"认证通过：{org.name}", when)
            self.notify([owner], "组织认证已通过", f"“{org.name}”已通过认证，现在可以申报项目。", when, read=True)
        elif status == "rejected":
            when = org.created_at + timedelta(days=1, hours=2)
            self.event(committee_user, "organization.reject", org, f"认证未通过：{org.name}", when, {"reason": org.rejection_reason})
            self.notify([owner], "组织认证未通过", org.rejection_reason or "", when)

    # --- calls -----------------------------------------------------------------------------------
    def build_calls(self) -> None:
        author = self.users["committee"]
        opens = self.now - timedelta(days=10)
        self.calls["2026"] = self.call(CALL_2026, CallStatus.PUBLISHED, opens, self.now + timedelta(days=30))
        self.calls["2025"] = self.call(CALL_2025, CallStatus.CLOSED, _local(2025, 3, 1), _local(2025, 4, 30, 17))
        # 联合主办 as the city runs it: three hosts, the volunteers' association runs it, a bank supports it.
        self.calls["2026"].organizers = [CallOrganizer(position=i, name=name, role=role)
                                         for i, (name, role) in enumerate(ORGANIZERS_2026)]
        db.session.flush()
        for call in self.calls.values():
            created = call.opens_at - timedelta(days=5)
            self.event(author, "call.create", call, f"创建征集：{call.title}", created)
            self.event(author, "call.publish", call, f"发布征集：{call.title}", call.published_at)
            if call.status == CallStatus.CLOSED:
                self.event(None, "call.close", call, f"征集截止：{call.title}", call.closes_at)

    def call(self, fields: dict, status: CallStatus, opens: datetime, closes: datetime) -> Call:
        call = Call(
            committee=self.orgs["committee"],
            created_by_id=self.users["committee"].id,
            title=fields["title"],
            code=fields["code"],
            description=fields["description"],
            funding_min=Decimal(fields["funding_min"]),
            funding_max=Decimal(fields["funding_max"]),
            total_pool=Decimal(fields["total_pool"]),
            min_self_funding_pct=Decimal(fields["min_self_funding_pct"]),
            admin_cost_cap_pct=Decimal(fields["admin_cost_cap_pct"]),
            eligible_regions=list(fields["eligible_regions"]),
            verified_only=True,
            max_applications_per_org=fields["max_applications_per_org"],
            opens_at=opens,
            closes_at=closes,
            contact=fields["contact"],
            status=status,
            published_at=opens - timedelta(days=1),
            created_at=opens - timedelta(days=5),
            categories=[self.categories[name] for name in fields["categories"]],
        )
        db.session.add(call)
        return call

    # --- applications ----------------------------------------------------------------------------
    def build_applications(self) -> None:
        # Submissions spread over the days the call has been open, in list order per call.
        per_call: dict[str, list[dict]] = {}
        for project in PROJECTS:
            per_call.setdefault(project["call"], []).append(project)
        for key, projects in per_call.items():
            call = self.calls[key]
            start = call.opens_at + timedelta(hours=20)
            end = min(call.closes_at, self.now) - timedelta(days=1)
            step = (end - start) / max(len(projects), 1)
            for i, project in enumerate(projects):
                self.application(call, project, start + step * i)

    def application(self, call: Call, p: dict, first_touch: datetime) -> Application:
        org = self.orgs[p["org"]]
        owner = self.users[NGOS[p["org"]]["contact"]]
        author = self.users["ngo2"] if p["org"] == "aiyizhan" else owner
        staff = [self.users["committee"], self.users["committee2"]]
        created = first_touch - timedelta(days=3)
        app = Application(
            call=call,
            organization=org,
            created_by=author,
            status=ST.DRAFT,
            title=p["title"],
            category=self.categories[p["category"]],
            service_area=p["area"],
            summary=p["summary"],
            target_group=p["target"],
            beneficiaries_count=p["count"],
            need_analysis=p["need"],
            goals=p["goals"],
            declaration_accepted=p["status"] != "draft",
            created_at=created,
            updated_at=first_touch,
        )
        db.session.add(app)
        self.fill(app, p, call, created)
        self.event(author, "application.create", app, f"创建申报书：{app.title}", created)
        status = ST(p["status"])
        if status == ST.DRAFT:
            return app
        if status == ST.WITHDRAWN and p["call"] == "2026":
            self.submit(app, author, first_touch)
            self.withdraw(app, author, first_touch + timedelta(days=1), p["reason"])
            return app
        if status == ST.RETURNED:
            final = [(a.position, a.name, a.starts_on, a.ends_on, a.milestone) for a in app.activities]
            app.activities = [Activity(position=0, name="上门探访与邻里守望", milestone="全年开展探访")]
            self.submit(app, author, first_touch)
            self.decide(app, staff[0], ST.RETURNED, first_touch + timedelta(days=1), p["reason"])
            app.activities = [Activity(position=n, name=name, starts_on=s, ends_on=e, milestone=m) for n, name, s, e, m in final]
            self.submit(app, author, first_touch + timedelta(days=2))
            self.decide(app, staff[1], ST.RETURNED, first_touch + timedelta(days=3), p["reason2"])
            return app
        self.submit(app, author, first_touch)
        if status in (ST.ELIGIBLE, ST.INELIGIBLE):
            self.decide(app, staff[len(app.title) % 2], status, first_touch + timedelta(days=1, hours=2), p.get("reason"))
        elif status == ST.WITHDRAWN:
            self.withdraw(app, author, first_touch + timedelta(days=4), p["reason"])
        return app

    def fill(self, app: Application, p: dict, call: Call, created: datetime) -> None:
        start = _add_months(max(call.closes_at.astimezone(SHANGHAI).date(), created.date()), 2)
        app.activities = [
            Activity(position=i, name=name, starts_on=_add_months(start, offset),
                     ends_on=_add_months(start, offset + length) - timedelta(days=1), milestone=milestone)
            for i, (name, offset, length, milestone) in enumerate(p["activities"])
        ]
        team = TEAM[: 3 + len(p["title"]) % 3] if p["lines"] else TEAM[:1]
        app.team_members = [TeamMember(position=i, name=n, role=r, qualification=q) for i, (n, r, q) in enumerate(team)]
        lines = []
        for i, (category, item, unit, qty) in enumerate(p["lines"]):
            unit_price, quantity = Decimal(unit), Decimal(qty)
            lines.append(BudgetLine(position=i, category=category, item=item, unit_price=unit_price, quantity=quantity,
                                    amount=quantize(unit_price * quantity), self_funded=Decimal("0.00")))
        if lines and p["status"] != "draft":
            subtotal = sum((line.amount for line in lines), Decimal("0"))
            # 管理费 about 8 % of the other lines (well inside a 10 % cap of the total).
            admin = (subtotal * Decimal("0.08")).quantize(Decimal("100"), rounding=ROUND_DOWN)
            lines.append(BudgetLine(position=len(lines), category=ADMIN_BUDGET_CATEGORY, item="项目管理与财务审计",
                                    unit_price=admin, quantity=Decimal("1"), amount=admin, self_funded=Decimal("0.00")))
            total = subtotal + admin
            # Self-funding: about 15 % of the total, taken from the first lines.
            share = Decimal(str(p.get("self_share", "0.15")))
            needed = (total * share).quantize(Decimal("100"), rounding=ROUND_UP)
            for line in lines:
                if needed <= 0:
                    break
                line.self_funded = min(line.amount, needed)
                needed -= line.self_funded
        app.budget_lines = lines

    def next_reference(self, app: Application) -> None:
        if app.sequence is None:
            code = app.call.code
            self.sequences[code] = self.sequences.get(code, 0) + 1
            app.sequence = self.sequences[code]
            app.reference = f"{code}-{app.sequence:03d}"

    def submit(self, app: Application, actor: User, when: datetime) -> None:
        first = app.sequence is None
        self.next_reference(app)
        app.status = ST.SUBMITTED
        app.submitted_at = when
        app.updated_at = when
        app.screening_note = None if first else app.screening_note
        db.session.flush()
        number = len(app.versions) + 1
        app.versions.append(ApplicationVersion(number=number, snapshot=application_snapshot(app), created_by_id=actor.id, created_at=when))
        verb = "提交" if first else "重新提交"
        body = (f"您的项目“{app.title}”已于 {when.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {verb}，受理编号 {app.reference}"
                f"（第 {number} 版）。主办方将在 5 个工作日内完成资格审查。")
        app.messages.append(ApplicationMessage(author_name="系统", kind="receipt", body=body, created_at=when))
        self.event(actor, "application.submit", app, f"{verb}申报书 {app.reference}：{app.title}", when,
                   {"reference": app.reference, "version": number})
        self.notify(self.members(app.organization), f"申报书已{verb}：{app.title}", body, when, read=True)
        self.notify(self.members(app.call.committee), f"收到新申报：{app.reference} {app.title}",
                    f"{app.organization.name}{verb}了“{app.title}”，请进行资格审查。", when, read=app.call.status == CallStatus.CLOSED)

    def decide(self, app: Application, actor: User, status: ApplicationStatus, when: datetime, reason: str | None) -> None:
        app.status.check_transition(status)
        app.status = status
        app.updated_at = when
        texts = {
            ST.RETURNED: ("returned", "退回修改", "application.return", reason or ""),
            ST.ELIGIBLE: ("eligible", "资格审查通过", "application.eligible", reason or "资格审查通过，项目将进入初审评分。"),
            ST.INELIGIBLE: ("ineligible", "资格审查未通过", "application.ineligible", reason or ""),
        }
        kind, label, action, body = texts[status]
        app.screening_note = body if status != ST.ELIGIBLE else None
        app.messages.append(ApplicationMessage(author_id=actor.id, author_name=actor.display_name, kind=kind, body=body, created_at=when))
        self.event(actor, action, app, f"{label}：{app.reference} {app.title}", when, {"reason": body} if status != ST.ELIGIBLE else {})
        self.notify(self.members(app.organization), f"{label}：{app.title}", body, when, read=status == ST.ELIGIBLE)

    def withdraw(self, app: Application, actor: User, when: datetime, reason: str) -> None:
        app.status.check_transition(ST.WITHDRAWN)
        app.status = ST.WITHDRAWN
        app.updated_at = when
        app.messages.append(ApplicationMessage(author_id=actor.id, author_name=actor.display_name, kind="note",
                                               body=f"申报单位撤回：{reason}", created_at=when))
        self.event(actor, "application.withdraw", app, f"撤回申报书 {app.reference}：{app.title}", when, {"reason": reason})
        self.notify(self.members(app.call.committee), f"申报已撤回：{app.reference} {app.title}", reason, when, read=True)


def load_demo(reset: bool = True) -> str:
    """Fill the database with the demo (emptying it first when reset) and say what is there."""
    if reset:
        reset_database()
    from ..mail import mail_suppressed
    from .judging import build_judging
    with mail_suppressed():
        builder = _Builder()
        builder.build_people()
        builder.build_calls()
        builder.build_applications()
        build_judging(builder)
        build_matching(builder)
        __import__("portal.demo.grants", fromlist=["build_grants"]).build_grants(builder)
        db.session.commit()
    return summary()


def summary() -> str:
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    by_status = dict(db.session.execute(sa.select(Application.status, sa.func.count()).group_by(Application.status)).all())
    lines = [
        "益创演示数据已生成 / demo data loaded:",
        f"  组织 organizations {count(Organization)}（公益组织 NGOs "
        f"{db.session.scalar(sa.select(sa.func.count()).where(Organization.kind == OrgKind.NGO))}），"
        f"用户 users {count(User)}，征集 calls {count(Call)}，申报书 applications {count(Application)}",
        "  " + "，".join(f"{status.label} {by_status.get(status, 0)}" for status in ApplicationStatus),
        matching_summary(),
        __import__("portal.demo.grants", fromlist=["grants_summary"]).grants_summary(),
        "演示账号 demo accounts (password / 密码 " + PASSWORD + "):",
    ]
    width = max(len(email) for _, email, _, _ in DEMO_ACCOUNTS)
    for role, email, password, description in DEMO_ACCOUNTS:
        lines.append(f"  {email.ljust(width)}  {password}  {role} — {description}")
    return "\n".join(lines)
