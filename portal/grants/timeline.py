"""One timeline per project (项目档案 / 全流程): everything that happened to it, from the application to
completion — its versions and submission, screening, judging rounds, award, the pledges and award
funding, the grant's drafting, signing and transitions, tranches and disbursements, reports,
evaluations, mentors and their check-ins.

Built from the audit log — the events whose entity is the application, its session entries and
pledges, the grant and its rows — and from the rows themselves where the log has nothing (a
project's award, its judging rounds, check-ins; rows made without a service, e.g. imported or
seeded, are told from their own dates). A fixed number of queries, whatever the project's size.
Each entry: when, who, what (a Chinese line; the log's own summary where there is one), and a kind
for its badge and colour.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..applications.models import Application, ApplicationVersion
from ..audit import AuditEvent
from ..errors import PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award, PublicNotice, Round, RoundEntry
from ..matching.models import Pledge, PledgeStatus, SessionProject
from ..matching.need_models import NeedOffer
from ..types import SHANGHAI, format_yuan, to_local
from .models import Disbursement, Grant, Tranche
from .permissions import can_view_grant
from .report_models import CheckIn, Evaluation, GrantMentor, GrantReport

# kind → (label, Bootstrap colour).
KINDS = {
    "application": (N_("申报"), "primary"),
    "screening": (N_("资格审查"), "info"),
    "judging": (N_("评审"), "secondary"),
    "award": (N_("获奖"), "warning"),
    "pledge": (N_("对接与认捐"), "success"),
    "grant": (N_("资助协议"), "primary"),
    "money": (N_("拨付"), "success"),
    "report": (N_("报告"), "info"),
    "evaluation": (N_("评估"), "warning"),
    "mentor": (N_("导师"), "secondary"),
    "check_in": (N_("跟踪指导"), "dark"),
    "other": (N_("其他"), "secondary"),
}
# Actions too small to tell (every autosave of a draft, an attachment, a contact shown to a sponsor),
# and those told from their rows instead.
SKIPPED = {"application.saved", "application.attachment_added", "application.attachment_deleted",
           "session_project.contact_shown", "check_in.logged"}
SCREENING = {"application.eligible", "application.ineligible", "application.returned"}
# Words of an action that went against the project: shown in red.
SETBACKS = ("withdrawn", "ineligible", "returned", "lapsed", "declined", "failed", "reversed", "stopped",
            "suspended", "terminated", "removed", "changes_requested")


@dataclass
class Entry:
    when: datetime
    kind: str
    what: str
    who: str = ""
    detail: str = ""
    next_steps: str = ""  # a check-in's
    day_only: bool = False  # a day without a time (a check-in's date)
    setback: bool = False

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def colour(self) -> str:
        return KINDS[self.kind][1]


def _kind_of(event: AuditEvent) -> str:
    action, entity = event.action, event.entity_type
    if action in SCREENING:
        return "screening"
    if entity in (Application.__tablename__, NeedOffer.__tablename__):
        return "application"
    prefix = action.split(".", 1)[0]
    by_entity = {Pledge.__tablename__: "pledge", SessionProject.__tablename__: "pledge", Tranche.__tablename__: "money",
                 Disbursement.__tablename__: "money", GrantReport.__tablename__: "report",
                 Evaluation.__tablename__: "evaluation", GrantMentor.__tablename__: "mentor"}
    if entity in by_entity:
        return "evaluation" if "evaluat" in action else by_entity[entity]
    if entity == Grant.__tablename__:
        return "money" if action == "grant.source_released" else "grant"
    return {"report": "report", "evaluation": "evaluation"}.get(prefix, "other")


def _events(application_id: int | None, grant: Grant | None, offer_id: int | None) -> list[AuditEvent]:
    """The log's events on the project's records, in one query."""
    def on(model, ids) -> sa.ColumnElement[bool]:
        return sa.and_(AuditEvent.entity_type == model.__tablename__, AuditEvent.entity_id.in_(ids))

    conditions = []
    if application_id is not None:
        conditions += [on(Application, [application_id]),
                       on(Pledge, sa.select(Pledge.id).where(Pledge.application_id == application_id)),
                       on(SessionProject, sa.select(SessionProject.id).where(SessionProject.application_id == application_id))]
    if offer_id is not None:
        conditions.append(on(NeedOffer, [offer_id]))
    if grant is not None:
        conditions.append(on(Grant, [grant.id]))
        for model in (Tranche, Disbursement, GrantReport, Evaluation, GrantMentor):
            conditions.append(on(model, sa.select(model.id).where(model.grant_id == grant.id)))
    return list(db.session.scalars(sa.select(AuditEvent).where(sa.or_(*conditions), AuditEvent.action.not_in(SKIPPED))
                                   .order_by(AuditEvent.created_at, AuditEvent.id)))


class _Builder:
    """Collects the entries; names the users of row-made entries with one query at the end."""

    def __init__(self, events: list[AuditEvent]):
        self.entries: list[tuple[Entry, int | None]] = []
        self.logged = {(e.entity_type, e.entity_id) for e in events}
        self.actions = {(e.entity_type, e.entity_id, e.action) for e in events}
        self.versions = {e.data.get("version") for e in events
                         if e.action in ("application.submitted", "application.resubmitted") and isinstance(e.data, dict)}
        for event in events:
            self.entries.append((Entry(event.created_at, _kind_of(event), event.summary or event.action, event.actor_name,
                                       setback=any(word in event.action for word in SETBACKS)), None))

    def add(self, when: datetime | None, kind: str, what: str, user_id: int | None = None, **extra) -> None:
        if when is not None:
            self.entries.append((Entry(when, kind, what, **extra), user_id))

    def has(self, model, row_id: int, word: str = "") -> bool:
        """Whether the log tells of this row (with an action containing `word`)."""
        if not word:
            return (model.__tablename__, row_id) in self.logged
        return any(t == model.__tablename__ and i == row_id and word in a for t, i, a in self.actions)

    def finish(self) -> list[Entry]:
        ids = {user_id for _, user_id in self.entries if user_id is not None}
        names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
        for entry, user_id in self.entries:
            if user_id is not None and not entry.who:
                entry.who = names.get(user_id) or ""
        # A stable sort: the log's events of one moment keep their order, and rows come in the
        # project's order (application, rounds, award, pledges, grant …).
        return sorted((entry for entry, _ in self.entries), key=lambda e: e.when)


def _application_rows(b: _Builder, application: Application) -> None:
    versions = db.session.scalars(sa.select(ApplicationVersion).where(
        ApplicationVersion.application_id == application.id).order_by(ApplicationVersion.number)).all()
    for version in versions:
        if version.number not in b.versions:
            b.add(version.created_at, "application", N_("提交申报书（第 %(n)s 版）", n=version.number), version.created_by_id)
    if not versions and not b.versions and application.submitted_at is not None:
        b.add(application.submitted_at, "application", N_("提交申报书 %(ref)s", ref=application.reference or ""))
    entries = db.session.execute(sa.select(RoundEntry, Round).join(Round, Round.id == RoundEntry.round_id)
                                 .where(RoundEntry.application_id == application.id).order_by(Round.position)).all()
    for entry, round_ in entries:
        text = N_("进入第 %(n)s 轮评审“%(name)s”", n=round_.position, name=round_.name) if round_.position <= 1 else \
            N_("晋级第 %(n)s 轮评审“%(name)s”", n=round_.position, name=round_.name)
        b.add(entry.added_at, "judging", text, entry.added_by_id)
    for award in db.session.scalars(sa.select(Award).where(Award.application_id == application.id)
                                    .options(joinedload(Award.tier)).order_by(Award.id)):
        b.add(award.assigned_at, "award", N_("获评“%(tier)s”，创投资金 %(amount)s", tier=award.tier.name,
                                              amount=format_yuan(award.tier.amount)), award.assigned_by_id)
    finalized = db.session.execute(sa.select(PublicNotice.finalized_at, PublicNotice.finalized_by_id).where(
        PublicNotice.call_id == application.call_id, PublicNotice.finalized_at.is_not(None))).first()
    if finalized is not None:
        b.add(finalized[0], "award", N_("评审结果公示期满，结果确定"), finalized[1])
    for pledge in db.session.scalars(sa.select(Pledge).where(Pledge.application_id == application.id)
                                     .options(joinedload(Pledge.sponsor), joinedload(Pledge.award)).order_by(Pledge.id)):
        if b.has(Pledge, pledge.id):
            continue
        what = N_("%(sponsor)s认捐 %(amount)s", sponsor=pledge.sponsor.name, amount=format_yuan(pledge.amount))
        b.add(pledge.created_at, "pledge", what, pledge.created_by_id)
        if pledge.status == PledgeStatus.CONFIRMED:
            b.add(pledge.decided_at, "pledge", N_("%(sponsor)s的认捐已确认", sponsor=pledge.sponsor.name), pledge.decided_by_id)


def _grant_rows(b: _Builder, grant: Grant) -> None:
    if not b.has(Grant, grant.id, "drafted"):
        b.add(grant.created_at, "grant", N_("起草资助协议 %(ref)s", ref=grant.reference), grant.created_by_id)
    if not b.has(Grant, grant.id, "signed"):
        b.add(grant.signed_at, "grant", N_("签订资助协议 %(ref)s", ref=grant.reference))
    for d in db.session.scalars(sa.select(Disbursement).where(Disbursement.grant_id == grant.id)
                                .options(joinedload(Disbursement.tranche)).order_by(Disbursement.id)):
        if not b.has(Disbursement, d.id):
            b.add(d.paid_at, "money", N_("%(tranche)s已付款 %(amount)s", tranche=d.tranche.label, amount=format_yuan(d.amount)),
                  d.paid_by_id)
    for report in db.session.scalars(sa.select(GrantReport).where(GrantReport.grant_id == grant.id,
                                                                  GrantReport.submitted_at.is_not(None))):
        if not b.has(GrantReport, report.id, "submit"):
            b.add(report.submitted_at, "report", N_("提交%(title)s", title=report.title), report.submitted_by_id)
    for ev in db.session.scalars(sa.select(Evaluation).where(Evaluation.grant_id == grant.id)
                                 .options(joinedload(Evaluation.report)).order_by(Evaluation.id)):
        if not (b.has(Evaluation, ev.id) or b.has(GrantReport, ev.report_id, "evaluat")):
            b.add(ev.created_at, "evaluation", N_("%(title)s评估：%(total)s 分，%(conclusion)s", title=ev.report.title,
                                                  total=f"{ev.total:.2f}", conclusion=ev.conclusion.label),
                  ev.evaluator_id, detail=ev.comments, setback=ev.conclusion.value != "passed")
    for check_in in db.session.scalars(sa.select(CheckIn).where(CheckIn.grant_id == grant.id)
                                       .options(joinedload(CheckIn.mentor)).order_by(CheckIn.held_on, CheckIn.id)):
        logged = to_local(check_in.created_at)
        when = check_in.created_at if logged.date() == check_in.held_on else \
            datetime.combine(check_in.held_on, time(12), SHANGHAI)
        b.add(when, "check_in", N_("跟踪指导（%(form)s）", form=check_in.form.label),
              check_in.created_by_id, who=check_in.mentor.name, detail=check_in.notes,
              next_steps=check_in.next_steps, day_only=True)


def project_timeline(grant: Grant) -> list[Entry]:
    """The whole course of the grant's project, the earliest first."""
    application = grant.application
    b = _Builder(_events(grant.application_id, grant, grant.need_offer_id))
    if application is not None:
        _application_rows(b, application)
    _grant_rows(b, grant)
    return b.finish()


def timeline_for(viewer: User | None, grant: Grant) -> list[Entry]:
    """The timeline, for those who may see the grant."""
    if not can_view_grant(viewer, grant):
        raise PermissionDenied(N_("您不能查看该项目的档案。"))
    return project_timeline(grant)
