"""Small factories that build valid objects directly (no HTTP), for tests and benchmarks."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from werkzeug.security import generate_password_hash

from portal.accounts.models import MemberRole, Membership, OrgKind, Organization, OrgStatus, User
from portal.applications.models import Activity, Application, ApplicationStatus, BudgetLine, TeamMember
from portal.calls.models import Call, CallStatus, Category
from portal.extensions import db
from portal.types import utcnow

PASSWORD = "password123"
# A cheap hash keeps tests fast; production uses werkzeug's default.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def make_user(email: str | None = None, name: str = "测试用户", is_judge: bool = False, **kw) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.cn", name=name, password_hash=_FAST_HASH, is_judge=is_judge, **kw)
    db.session.add(user)
    db.session.flush()
    return user


def make_org(kind: OrgKind = OrgKind.NGO, name: str | None = None, verified: bool = True, **kw) -> Organization:
    n = next(_seq)
    defaults = dict(
        legal_form={"ngo": "社会组织", "company": "企业", "committee": "机关", "department": "街道"}[kind.value],
        province="浙江省",
        city="嘉兴市",
        district="平湖市",
        contact_name="王老师",
        contact_phone="13800000000",
        address="当湖街道人民路 1 号",
        introduction="测试组织简介",
    )
    defaults.update(kw)
    org = Organization(
        kind=kind,
        name=name or f"测试组织{n}",
        status=OrgStatus.VERIFIED if verified else OrgStatus.PENDING,
        **defaults,
    )
    db.session.add(org)
    db.session.flush()
    return org


def add_member(user: User, org: Organization, role: MemberRole = MemberRole.OWNER) -> Membership:
    membership = Membership(user=user, organization=org, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_member(kind: OrgKind = OrgKind.NGO, org: Organization | None = None, verified: bool = True, **user_kw) -> User:
    """A user who owns (or joins) an organization of the given kind."""
    user = make_user(**user_kw)
    add_member(user, org or make_org(kind, verified=verified), MemberRole.OWNER if org is None else MemberRole.MEMBER)
    return user


def make_category(name: str | None = None) -> Category:
    category = Category(name=name or f"领域{next(_seq)}", position=0)
    db.session.add(category)
    db.session.flush()
    return category


def make_call(committee: Organization | None = None, status: CallStatus = CallStatus.PUBLISHED, **kw) -> Call:
    n = next(_seq)
    now = utcnow()
    defaults = dict(
        title=f"2026 年公益创投大赛 {n}",
        code=f"GY{n:04d}",
        description="面向全市公益组织征集项目。",
        funding_min=Decimal("10000.00"),
        funding_max=Decimal("100000.00"),
        total_pool=Decimal("1000000.00"),
        min_self_funding_pct=Decimal("10.00"),
        admin_cost_cap_pct=Decimal("10.00"),
        eligible_regions=[],
        verified_only=True,
        max_applications_per_org=2,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
        contact="平湖团市委 0573-85000000",
    )
    defaults.update(kw)
    categories = defaults.pop("categories", None)
    call = Call(committee=committee or make_org(OrgKind.COMMITTEE), status=status, **defaults)
    if status != CallStatus.DRAFT:
        call.published_at = now - timedelta(days=10)
    call.categories = categories if categories is not None else [make_category()]
    db.session.add(call)
    db.session.flush()
    return call


def fill_application(application: Application) -> Application:
    """Every section complete and within make_call's default rules (requested 36,000 of 40,000)."""
    application.title = application.title or "四点半学校"
    application.category = application.call.categories[0] if application.call.categories else None
    application.service_area = "平湖市当湖街道"
    application.summary = "为双职工家庭的孩子提供放学后的课业辅导与安全陪伴。"
    application.target_group = "小学一至四年级学生"
    application.beneficiaries_count = 120
    application.need_analysis = "社区内双职工家庭多，孩子放学后无人看护。"
    application.goals = "一年内服务 120 名儿童，开展 80 次课后辅导。"
    application.activities = [
        Activity(position=0, name="招募志愿者", starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 31), milestone="招募 30 名志愿者"),
        Activity(position=1, name="课后辅导", starts_on=date(2027, 4, 1), ends_on=date(2027, 12, 31), milestone="完成 80 次辅导"),
    ]
    application.team_members = [TeamMember(position=0, name="李娜", role="项目负责人", qualification="社会工作师")]
    application.budget_lines = [
        BudgetLine(position=0, category="活动费", item="课后辅导材料", unit_price=Decimal("300.00"), quantity=Decimal("100"), amount=Decimal("30000.00"), self_funded=Decimal("4000.00")),
        BudgetLine(position=1, category="管理费", item="项目管理", unit_price=Decimal("2000.00"), quantity=Decimal("2"), amount=Decimal("4000.00"), self_funded=Decimal("0.00")),
        BudgetLine(position=2, category="宣传费", item="宣传海报", unit_price=Decimal("60.00"), quantity=Decimal("100"), amount=Decimal("6000.00"), self_funded=Decimal("0.00")),
    ]
    application.declaration_accepted = True
    return application


def make_application(
    call: Call | None = None,
    org: Organization | None = None,
    status: ApplicationStatus = ApplicationStatus.DRAFT,
    complete: bool = True,
    **kw,
) -> Application:
    call = call or make_call()
    org = org or make_org(OrgKind.NGO)
    application = Application(call=call, organization=org, status=status, title=kw.pop("title", ""), **kw)
    db.session.add(application)
    if complete:
        fill_application(application)
    if status != ApplicationStatus.DRAFT:
        existing = [a.sequence for a in call_applications(call) if a.sequence]
        application.sequence = max(existing, default=0) + 1
        application.reference = f"{call.code}-{application.sequence:03d}"
        application.submitted_at = utcnow()
    db.session.flush()
    return application


def call_applications(call: Call) -> list[Application]:
    return list(db.session.scalars(db.select(Application).where(Application.call_id == call.id)))


# --- judging -------------------------------------------------------------------------------------

DEFAULT_RUBRIC = [("必要性", 20), ("可行性", 20), ("创新性", 20), ("团队能力", 15), ("预算合理性", 10), ("社会效益", 15)]


def make_round(call: Call, position: int = 1, criteria=None, **kw):
    """A round with a rubric: `criteria` is a list of (name, max_score) or (name, max_score, weight)."""
    from portal.judging.models import Criterion, Round, RoundStatus

    defaults = dict(name=f"第{position}轮评审", status=RoundStatus.OPEN, judges_per_application=3)
    defaults.update(kw)
    round_ = Round(call=call, position=position, **defaults)
    for index, spec in enumerate(criteria if criteria is not None else DEFAULT_RUBRIC):
        name, maximum, *rest = spec
        round_.criteria.append(Criterion(
            position=index, name=name, max_score=Decimal(str(maximum)), weight=Decimal(str(rest[0] if rest else 1)),
            guidance=f"{name}的评分说明",
        ))
    db.session.add(round_)
    db.session.flush()
    return round_


def make_call_judge(call: Call, user: User | None = None):
    from portal.judging.models import CallJudge

    user = user or make_user(name="评委", is_judge=True)
    db.session.add(CallJudge(call=call, user=user, email=user.email))
    db.session.flush()
    return user


def make_entry(round_, application: Application, position: int | None = None):
    from portal.judging.models import RoundEntry

    entry = RoundEntry(round=round_, application=application, position=position if position is not None else application.id)
    db.session.add(entry)
    db.session.flush()
    return entry


def make_assignment(round_, application: Application, judge: User):
    from portal.judging.models import Assignment

    assignment = Assignment(round=round_, application=application, judge=judge)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def make_sheet(round_, application: Application, judge: User, values=None, submitted: bool = True, comment: str = ""):
    """A sheet with one score per criterion: `values` lists them in rubric order (default: 80 % of each maximum)."""
    from portal.judging.models import Score, ScoreSheet, SheetStatus

    values = values if values is not None else [c.max_score * Decimal("0.8") for c in round_.criteria]
    sheet = ScoreSheet(
        round=round_, application=application, judge=judge, comment=comment,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        submitted_at=utcnow() if submitted else None,
    )
    sheet.scores = [Score(criterion=c, value=Decimal(str(v))) for c, v in zip(round_.criteria, values)]
    db.session.add(sheet)
    db.session.flush()
    return sheet
