"""Demo judging: the 2025 call finalized, a spring call under public notice (公示) with objections
and a popularity vote, and an autumn call in its blind online round with the demo judge's sheets
half done and a live pitch final planned. Rows are built directly, like portal/demo/__init__.py; rankings
come from the real results code so the demo shows what the pages compute."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from ..accounts.models import User
from ..applications.models import Application, ApplicationStatus
from ..calls.models import Call, CallStatus
from .judging_data import (
    AWARD_TIERS,
    AWARD_TIERS_2025,
    CALL_AUTUMN,
    CALL_SPRING,
    JUDGES,
    JUDGING_PROJECTS,
    NOTICE_TEXT,
    OBJECTIONS,
    ONLINE_RUBRIC,
    PITCH_RUBRIC,
)
from ..extensions import db
from ..judging.models import (
    Advancement,
    Aggregation,
    AwardTier,
    Criterion,
    Round,
    RoundKind,
    RoundStatus,
    Assignment,
    Award,
    CallJudge,
    Objection,
    ObjectionStatus,
    PublicNotice,
    RoundEntry,
    Score,
    ScoreSheet,
    SheetStatus,
    Vote,
)
from ..judging.assignment import plan_assignment
from ..judging.results import round_results
from ..judging.services import conflicted_org_ids

PANEL = ["judge", "judge2", "judge3", "judge4", "judge5"]
# How each judge leans (share of the maximum): 赵志刚 scores budgets hard, 黄伟东 is generous.
LEANING = {"judge": 0.0, "judge2": 0.01, "judge3": -0.09, "judge4": 0.0, "judge5": 0.06}


def build_judging(b) -> None:
    """`b` is demo._Builder after build_people/build_calls/build_applications."""
    for key, fields in JUDGES.items():
        user = User(password_hash=b.password_hash, created_at=datetime(2025, 1, 15, 1, tzinfo=timezone.utc), **fields)
        db.session.add(user)
        b.users[key] = user
    for user in b.users.values():
        user.email_confirmed_at = user.created_at + timedelta(minutes=10)
    b.rng = random.Random(2026)
    autumn = b.call(CALL_AUTUMN, CallStatus.CLOSED, b.now - timedelta(days=50), b.now - timedelta(days=20))
    spring = b.call(CALL_SPRING, CallStatus.CLOSED, b.now - timedelta(days=120), b.now - timedelta(days=75))
    b.calls.update(autumn=autumn, spring=spring)
    db.session.flush()
    apps: dict[str, list[Application]] = {"autumn": [], "spring": []}
    for i, project in enumerate(JUDGING_PROJECTS):
        call = b.calls[project["call"]]
        apps[project["call"]].append(b.application(call, project, call.opens_at + timedelta(days=3 + i % 7, hours=i)))
    db.session.flush()
    _final_2025(b)
    _spring_under_notice(b, spring, apps["spring"])
    _autumn_in_judging(b, autumn, apps["autumn"])


# --- building blocks -------------------------------------------------------------------------------

def _invite_panel(b, call: Call, when) -> None:
    for key in PANEL:
        judge = b.users[key]
        db.session.add(CallJudge(call=call, user=judge, email=judge.email, invited_by_id=b.users["committee"].id,
                                 invited_at=when))
        b.event(b.users["committee"], "judge.invited", call, f"邀请评委 {judge.name}：{call.title}", when)


def _round(call: Call, position: int, name: str, kind: RoundKind, rubric, **kw) -> Round:
    round_ = Round(call=call, position=position, name=name, kind=kind, **kw)
    for i, (criterion, maximum, weight, guidance) in enumerate(rubric):
        round_.criteria.append(Criterion(position=i, name=criterion, max_score=Decimal(maximum), weight=Decimal(weight),
                                         guidance=guidance, breaks_ties=criterion in ("社会效益", "社会价值")))
    db.session.add(round_)
    return round_


def _enter(round_: Round, applications: list[Application], when) -> None:
    for position, app in enumerate(applications, start=1):
        db.session.add(RoundEntry(round=round_, application=app, position=position, added_at=when))


def _quality(app: Application) -> float:
    """A stable 'how good is it' per project, so both rounds agree roughly."""
    return 0.62 + (sum(map(ord, app.title)) % 29) / 100


def _score(b, round_: Round, app: Application, judge_key: str, when, submitted: bool = True) -> ScoreSheet:
    judge = b.users[judge_key]
    level = _quality(app) + LEANING[judge_key]
    sheet = ScoreSheet(round=round_, application=app, judge=judge, started_at=when - timedelta(minutes=b.rng.randint(12, 40)),
                       status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
                       submitted_at=when if submitted else None, updated_at=when,
                       comment="项目需求清晰，建议细化评估指标。" if level > 0.8 else "预算说明不够具体，执行风险需关注。")
    for criterion in round_.criteria:
        share = min(1.0, max(0.3, level + b.rng.uniform(-0.06, 0.06)))
        value = (criterion.max_score * Decimal(str(round(share, 2)))).quantize(Decimal("0.5"))
        sheet.scores.append(Score(criterion=criterion, value=value))
    db.session.add(sheet)
    if submitted:
        b.event(judge, "sheet.submitted", sheet, f"提交评分：{app.reference}", when, {"round_id": round_.id})
    return sheet


def _assign_and_score(b, round_: Round, applications, judges_per_app: int, when, unfinished=None) -> None:
    """Assign with the real planner (balanced, no conflicts); every sheet submitted except, per judge
    key, the states listed in `unfinished` for that judge's last assignments ("draft" or "none")."""
    db.session.flush()
    panel = {b.users[key].id: key for key in PANEL}
    plan = plan_assignment([(a.id, a.organization_id) for a in applications], list(panel), judges_per_app,
                           conflicted_org_ids(list(panel)), {})
    by_app = {a.id: a for a in applications}
    mine: dict[str, list[Application]] = {}
    for app_id, judge_id in plan.pairs:
        db.session.add(Assignment(round=round_, application=by_app[app_id], judge_id=judge_id, assigned_at=when))
        mine.setdefault(panel[judge_id], []).append(by_app[app_id])
    for key, apps in mine.items():
        states = list((unfinished or {}).get(key, []))
        tail = dict(zip((a.id for a in apps[len(apps) - len(states):]), states))
        for i, app in enumerate(apps):
            if tail.get(app.id) == "none":
                continue
            _score(b, round_, app, key, when + timedelta(hours=6 + i * 3 + PANEL.index(key)), submitted=tail.get(app.id) != "draft")
    b.event(b.users["committee"], "assignment.auto", round_, f"自动分配评委：{round_.name}", when,
            {"assignments": len(plan.pairs)})


def _lock(b, round_: Round, when) -> list:
    db.session.flush()
    round_.status, round_.locked_at = RoundStatus.LOCKED, when
    rows = round_results(round_).rows
    b.event(b.users["committee"], "round.locked", round_, f"锁定评审结果：{round_.name}", when,
            {"ranking": [[row.application_id, row.aggregate, row.rank] for row in rows]})
    return rows


def _advance(b, rows, next_round: Round, count: int, when) -> list[Application]:
    chosen = [row for row in rows if row.rank is not None][:count]
    entries = {e.application_id: e for e in db.session.scalars(
        db.select(RoundEntry).where(RoundEntry.application_id.in_([r.application_id for r in chosen])))}
    for row in chosen:
        entries[row.application_id].advanced = True
    apps = [db.session.get(Application, row.application_id) for row in chosen]
    _enter(next_round, apps, when)
    b.event(b.users["committee"], "round.advanced", next_round, f"晋级 {len(apps)} 个项目进入{next_round.name}", when,
            {"application_ids": [a.id for a in apps]})
    return apps


def _tiers(call: Call, spec) -> list[AwardTier]:
    tiers = [AwardTier(call=call, position=i, name=name, places=places, amount=Decimal(amount), is_popularity=popular)
             for i, (name, places, amount, popular) in enumerate(spec)]
    db.session.add_all(tiers)
    return tiers


def _award(b, call: Call, tiers, rows, when) -> list[Award]:
    awards, ranked = [], iter([row for row in rows if row.rank is not None])
    for tier in tiers:
        if tier.is_popularity:
            continue
        for _ in range(tier.places):
            row = next(ranked, None)
            if row is not None:
                awards.append(Award(call=call, tier=tier, application_id=row.application_id, rank=row.rank,
                                    assigned_by_id=b.users["committee"].id, assigned_at=when))
    db.session.add_all(awards)
    b.event(b.users["committee"], "awards.assigned", call, f"确定获奖名单：{call.title}", when, {"awards": len(awards)})
    return awards


def _publish(b, call: Call, starts, ends, text: str, vote: bool) -> PublicNotice:
    call.status = CallStatus.NOTICE
    notice = PublicNotice(call=call, starts_at=starts, ends_at=ends, text=text, vote_enabled=vote,
                          published_by_id=b.users["committee"].id, published_at=starts)
    db.session.add(notice)
    b.event(b.users["committee"], "notice.published", call, f"发布评审结果公示：{call.title}", starts)
    return notice


# --- the three calls -------------------------------------------------------------------------------

def _final_2025(b) -> None:
    call = b.calls["2025"]
    eligible = [a for a in _applications(call) if a.status == ApplicationStatus.ELIGIBLE]
    start = call.closes_at + timedelta(days=10)
    call.status = CallStatus.JUDGING
    _invite_panel(b, call, start - timedelta(days=3))
    round_ = _round(call, 1, "评审", RoundKind.ONLINE, ONLINE_RUBRIC, aggregation=Aggregation.MEAN,
                    judges_per_application=3, status=RoundStatus.OPEN, opens_at=start, closes_at=start + timedelta(days=10))
    _enter(round_, eligible, start)
    _assign_and_score(b, round_, eligible, 3, start)
    rows = _lock(b, round_, start + timedelta(days=11))
    tiers = _tiers(call, AWARD_TIERS_2025)
    _award(b, call, tiers, rows, start + timedelta(days=12))
    notice = _publish(b, call, start + timedelta(days=13), start + timedelta(days=20), "2025 年平湖市公益创投大赛评审结果公示。", False)
    call.status = CallStatus.FINAL
    notice.finalized_at, notice.finalized_by_id = notice.ends_at + timedelta(days=1), b.users["committee"].id
    b.event(b.users["committee"], "notice.finalized", call, f"公示期满，获奖结果确定：{call.title}", notice.finalized_at)


def _spring_under_notice(b, call: Call, apps: list[Application]) -> None:
    start = call.closes_at + timedelta(days=7)
    call.status = CallStatus.JUDGING
    _invite_panel(b, call, start - timedelta(days=2))
    first = _round(call, 1, "初审", RoundKind.ONLINE, ONLINE_RUBRIC, aggregation=Aggregation.MEAN, blind=True,
                   judges_per_application=3, status=RoundStatus.OPEN, opens_at=start, closes_at=start + timedelta(days=10),
                   advancement=Advancement.TOP_N, advancement_value=Decimal("4"))
    final = _round(call, 2, "决赛路演", RoundKind.PITCH, PITCH_RUBRIC, aggregation=Aggregation.TRIMMED,
                   judges_per_application=5, status=RoundStatus.OPEN, opens_at=start + timedelta(days=20),
                   closes_at=start + timedelta(days=20, hours=4), pitch_seconds=420,
                   held_at=start + timedelta(days=20), venue="平湖市青少年宫报告厅")
    _enter(first, apps, start)
    _assign_and_score(b, first, apps, 3, start)
    finalists = _advance(b, _lock(b, first, start + timedelta(days=11)), final, 4, start + timedelta(days=12))
    _assign_and_score(b, final, finalists, 5, start + timedelta(days=20))
    rows = _lock(b, final, start + timedelta(days=20, hours=5))
    _award(b, call, _tiers(call, AWARD_TIERS), rows, start + timedelta(days=21))
    notice = _publish(b, call, b.now - timedelta(days=2), b.now + timedelta(days=5), NOTICE_TEXT, True)
    by_title = {a.title: a for a in apps}
    for name, contact, title, body, answer, upheld in OBJECTIONS:
        objection = Objection(notice=notice, application=by_title[title], name=name, contact=contact, body=body,
                              created_at=b.now - timedelta(days=1, hours=len(body) % 9))
        if answer:
            objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
            objection.reply, objection.answered_by_id = answer, b.users["committee"].id
            objection.answered_at = objection.created_at + timedelta(hours=20)
        db.session.add(objection)
    db.session.flush()
    voters = [u for key, u in b.users.items() if key not in PANEL and not key.startswith("committee")]
    for i, voter in enumerate(voters):
        db.session.add(Vote(notice_id=notice.id, application_id=finalists[i % 3 if i % 4 else 1].id, user_id=voter.id,
                            created_at=notice.starts_at + timedelta(hours=3 * i)))


def _autumn_in_judging(b, call: Call, apps: list[Application]) -> None:
    start = call.closes_at + timedelta(days=6)
    call.status = CallStatus.JUDGING
    b.event(b.users["committee"], "call.judging_started", call, f"进入评审：{call.title}", start - timedelta(days=1))
    _invite_panel(b, call, start - timedelta(days=4))
    first = _round(call, 1, "初审", RoundKind.ONLINE, ONLINE_RUBRIC, aggregation=Aggregation.MEAN, blind=True,
                   judges_per_application=3, status=RoundStatus.OPEN, opens_at=start, closes_at=b.now + timedelta(days=5),
                   advancement=Advancement.TOP_N, advancement_value=Decimal("5"))
    # No scoring window: the pitch is scored while the committee keeps the round open on the day.
    _round(call, 2, "决赛路演", RoundKind.PITCH, PITCH_RUBRIC, aggregation=Aggregation.TRIMMED, judges_per_application=5,
           status=RoundStatus.PLANNED, held_at=(b.now + timedelta(days=12)).replace(hour=6, minute=0, second=0, microsecond=0),
           venue="平湖市当湖街道文化礼堂")
    _enter(first, apps, start)
    # The demo judge (王建国) has started: some sheets submitted, one draft, one not opened yet.
    _assign_and_score(b, first, apps, 3, start, {"judge": ["draft", "none"], "judge2": ["none"]})


def _applications(call: Call) -> list[Application]:
    return list(db.session.scalars(db.select(Application).where(Application.call_id == call.id).order_by(Application.id)))
