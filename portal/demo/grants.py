"""Demo grants (资助协议) for the 2025 call's funded projects — its awards, the award paid by sponsors,
the settled 对接会's confirmed pledges and match — built through the grants services (draft_grant,
update_agreement, set_budget, set_tranches, upload_signed_scan, sign_grant; prepare / approve /
mark_paid by two different committee members; complete_grant), so that the rows are what the
services write; their times are then set back to the story's, as the rest of the demo does.

Reports, expenses, evaluations, mentors and check-ins are written as rows (with portal.audit.record
events), consistently: a report is evaluated "passed" before the tranche it gates is paid, money is
spent only from what the grant holds, receipts are small generated PNG/PDF files in the storage.
Texts live in portal/demo/grants_data.py.
"""
from __future__ import annotations

import struct
import zlib
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa

from ..accounts.models import Notification, Organization, User
from ..audit import AuditEvent
from ..extensions import db
from ..links import absolute_url
from ..grants import disbursements, ledger, services, tranches
from ..grants.models import Disbursement, Grant, TrancheStatus
from ..grants.report_models import (
    CheckIn,
    CheckInForm,
    Evaluation,
    EvaluationConclusion,
    EvaluationScore,
    Expense,
    GrantMentor,
    GrantReport,
    ReportActivity,
    ReportFile,
    ReportKind,
    ReportStatus,
    ScheduleKind,
)
from ..storage import storage
from ..types import SHANGHAI, format_yuan
from .grants_data import BANKS, GRANTS, MENTOR, PHOTO_CAPTIONS
from .matching import _Matching

HUNDRED = Decimal("100")


def _day(when: datetime):
    return when.astimezone(SHANGHAI).date()


def build_grants(b) -> None:
    """`b` is demo._Builder after build_matching. The services commit; the thousands of demo rows
    already in the session are not reloaded after each commit (they are not changed behind it)."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        _Grants(b).build()
    finally:
        session.expire_on_commit = expire


def grants_summary() -> str:
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    counts = dict(db.session.execute(sa.select(Grant.status, sa.func.count()).group_by(Grant.status)).all())
    return ("  资助协议 grants: " + "，".join(f"{status.label} {n}" for status, n in counts.items())
            + f"；拨付 disbursements {count(Disbursement)}，报告 reports {count(GrantReport)}，支出 expenses {count(Expense)}，"
            f"评估 evaluations {count(Evaluation)}，跟踪记录 check-ins {count(CheckIn)}")


# --- receipts and photos: tiny real files ---------------------------------------------------------

def png_file(seed: int, width: int = 48, height: int = 32) -> bytes:
    """A small striped RGB image (a photo or a scanned receipt stand-in)."""
    colour = ((seed * 67) % 200 + 40, (seed * 131) % 200 + 40, (seed * 29) % 200 + 40)
    rows = b"".join(b"\x00" + bytes(colour if (y // 4 + seed) % 3 else (245, 245, 240)) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf_file(*lines: str) -> bytes:
    """A one-page PDF with a few lines of ASCII text (a receipt or the signed agreement's stand-in)."""
    text = "BT /F1 11 Tf 40 160 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class _Grants:
    def __init__(self, b) -> None:
        self.b = b
        self.clock = _Matching(b)  # the matching demo's reading of "2025-08-12 10:00" / "D-9 10:00"
        self.maker, self.checker = b.users["committee2"], b.users["committee"]  # maker-checker
        self.reports: dict[tuple[int, str], GrantReport] = {}
        self.files = 0

    def build(self) -> None:
        self.mentor_account()
        funded = {app.title: app for app in services.candidates(self.b.calls["2025"])}
        for spec in GRANTS:
            self.grant(funded[spec["project"]], spec)
        db.session.flush()

    # --- time ---------------------------------------------------------------------------------------
    @contextmanager
    def dated(self, when: datetime):
        """What a service writes inside (its audit events and notifications) is set back to `when`."""
        assert when < self.b.now, f"demo grant step in the future: {when}"
        marks = {model: db.session.scalar(sa.select(sa.func.max(model.id))) or 0 for model in (AuditEvent, Notification)}
        yield
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id > marks[AuditEvent]).values(created_at=when))
        read = when + timedelta(hours=5) if when < self.b.now - timedelta(days=3) else None
        db.session.execute(sa.update(Notification).where(Notification.id > marks[Notification])
                           .values(created_at=when, read_at=read))

    def file_key(self, data: bytes, suffix: str) -> str:
        self.files += 1
        return storage().save(data, suffix)

    # --- people -------------------------------------------------------------------------------------
    def mentor_account(self) -> None:
        created = self.clock.at("2025-08-01 09:00")
        user = User(password_hash=self.b.password_hash, created_at=created, email_confirmed_at=created + timedelta(minutes=9),
                    **MENTOR)
        db.session.add(user)
        self.b.users["mentor"] = user
        db.session.flush()

    def owner(self, org: Organization) -> User:
        return self.clock.owner_of(org)

    # --- one grant ----------------------------------------------------------------------------------
    def grant(self, application, spec: dict) -> Grant:
        drafted = self.clock.at(spec["drafted"])
        with self.dated(drafted):
            grant = services.draft_grant(self.checker, application)
        grant.created_at = drafted
        for source in grant.sources:
            source.created_at = drafted
        if spec["story"] == "drafted":
            return grant
        self.agreement(grant, spec, drafted + timedelta(days=2, hours=1))
        signed = self.clock.at(spec["signed"])
        with self.dated(signed):
            services.sign_grant(self.checker, grant)
        grant.signed_at = signed
        if spec.get("mentor"):
            self.assign_mentor(grant, self.b.users[spec["mentor"]], signed + timedelta(days=3))
        last = signed
        for action, when_text, step in spec["steps"]:
            when = self.clock.at(when_text)
            assert when >= last, f"demo grant step out of order: {spec['project']} {action} {when_text}"
            last = when
            getattr(self, f"step_{action}")(grant, when, step)
        return grant

    def agreement(self, grant: Grant, spec: dict, when: datetime) -> None:
        """The agreement as the committee settles it before signing: terms, period, payee, budget
        (the application's, rounded to the yuan), the tranche plan, the signed scan; and the report
        schedule (the reports' rows, so that signing adds no default ones)."""
        org_key = next(key for key, org in self.b.orgs.items() if org.id == grant.recipient_id)
        bank, account = BANKS[org_key]
        start, end = (self.clock.day(text) for text in spec["period"])
        with self.dated(when):
            services.update_agreement(self.checker, grant, {
                "title": grant.title, "terms": spec["terms"], "starts_on": start.isoformat(), "ends_on": end.isoformat(),
                "self_funding": spec["self_funding"], "payee_name": grant.recipient.name, "payee_bank": bank,
                "payee_account": account})
            services.set_budget(self.checker, grant, self.budget_rows(grant))
            tranches.set_tranches(self.checker, grant, [
                {"label": label, "share": share, "gate": gate, "due_on": self.clock.day(due).isoformat()}
                for label, share, gate, due in spec["plan"]])
            services.upload_signed_scan(self.checker, grant, f"资助协议{grant.reference}（签字盖章）.pdf",
                                        pdf_file("Grant agreement " + grant.reference, "Signed and sealed by both parties"))
        for key, kind, title, due, schedule, milestone in spec["reports"]:
            report = GrantReport(grant=grant, kind=ReportKind(kind), title=title, due_on=self.clock.day(due),
                                 schedule=ScheduleKind(schedule), milestone=milestone, created_at=when)
            db.session.add(report)
            self.reports[(grant.id, key)] = report
        db.session.flush()
        self.b.event(self.checker, "grant.reports_scheduled", grant, f"设置报告计划：{grant.title}", when,
                     {"reports": [{"title": r[2], "due_on": self.clock.day(r[3])} for r in spec["reports"]]})

    @staticmethod
    def budget_rows(grant: Grant) -> list[dict]:
        lines = [(line.category, line.amount.quantize(Decimal("1"), rounding=ROUND_DOWN)) for line in grant.budget_lines]
        left = ledger.grant_amount(grant) - sum(amount for _, amount in lines)
        largest = max(range(len(lines)), key=lambda i: (lines[i][0] != "管理费", lines[i][1]))
        lines[largest] = (lines[largest][0], lines[largest][1] + left)
        return [{"category": category, "amount": str(amount)} for category, amount in lines]

    def assign_mentor(self, grant: Grant, user: User, when: datetime) -> None:
        db.session.add(GrantMentor(grant=grant, user_id=user.id, email=user.email, name=user.name,
                                   invited_by_id=self.checker.id, invited_at=when))
        self.b.event(self.checker, "grant.mentor_assigned", grant, f"指派孵化导师 {user.name}：{grant.title}", when,
                     {"user_id": user.id, "email": user.email})
        self.tell([user], "您被指派为孵化导师", f"主办方指派您跟踪指导项目“{grant.title}”（{grant.recipient.name}）。", when, grant)

    def tell(self, users, title: str, body: str, when: datetime, grant: Grant) -> None:
        link = absolute_url("grants.grant_page", grant_id=grant.id)
        read = when + timedelta(hours=5) if when < self.b.now - timedelta(days=3) else None
        for user in users:
            db.session.add(Notification(user_id=user.id, title=title, body=body, link=link, created_at=when, read_at=read))

    # --- steps --------------------------------------------------------------------------------------
    def step_pay(self, grant: Grant, when: datetime, spec: dict) -> None:
        """The tranche paid from each of its sources in turn (what is left of each), maker then checker."""
        tranche = next(t for t in grant.tranches if t.label == spec["tranche"])
        left = tranche.amount
        for source in tranche.sources:
            amount = min(left, source.amount - ledger.committed_of_source(source))
            if amount <= 0:
                continue
            left -= amount
            self.pay(grant, tranche, source, amount, when, spec)
            when += timedelta(minutes=20)
        assert left == 0 and (spec.get("until") or tranche.status == TrancheStatus.PAID), f"demo tranche {tranche.label}"

    def pay(self, grant, tranche, source, amount: Decimal, when: datetime, spec: dict) -> None:
        name = source.funder.name if source.funder else (source.label or source.kind.label)
        with self.dated(when):
            payment = disbursements.prepare(self.maker, tranche, {
                "source_id": str(source.id), "amount": str(amount), "method": "bank_transfer",
                "pay_on": _day(when + timedelta(days=1)).isoformat(), "note": f"{tranche.label}，资金来源：{name}"})
        payment.prepared_at = when
        if spec.get("until") == "prepared":
            return
        approved = when + timedelta(hours=3)
        with self.dated(approved):
            disbursements.approve(self.checker, payment)
        payment.decided_at = approved
        paid = when + timedelta(days=1)
        if spec.get("fail"):
            with self.dated(paid):
                disbursements.mark_failed(self.maker, payment, spec["fail"])
            paid += timedelta(days=2)
        first = grant.activated_at is None
        with self.dated(paid):
            disbursements.mark_paid(self.maker, payment, f"PHNS{paid:%Y%m%d}{payment.id:04d}")
        payment.paid_at = paid
        if first:
            grant.activated_at = paid

    def step_file(self, grant: Grant, when: datetime, spec: dict) -> None:
        report = self.reports[(grant.id, spec["report"])]
        owner = self.owner(grant.recipient)
        report.status.check_transition(ReportStatus.SUBMITTED)
        report.status, report.submitted_at, report.submitted_by_id = ReportStatus.SUBMITTED, when, owner.id
        report.narrative, report.beneficiaries_reached = spec["narrative"], spec["reached"]
        for n, (held, place, participants, description) in enumerate(spec["activities"]):
            activity = ReportActivity(report=report, held_on=self.clock.day(held), place=place, participants=participants,
                                      description=description)
            db.session.add(activity)
            db.session.flush()
            photo = png_file(self.files + n)
            db.session.add(ReportFile(report=report, activity_id=activity.id, storage_key=self.file_key(photo, ".png"),
                                      filename=f"{PHOTO_CAPTIONS[n % len(PHOTO_CAPTIONS)]}.png", content_type="image/png",
                                      size=len(photo), uploaded_by_id=owner.id, created_at=when))
        total = Decimal("0")
        for category, item, amount, spent, *receipt in spec["expenses"]:
            expense = Expense(grant=grant, report=report, category=category, item=item, amount=Decimal(amount),
                              spent_on=self.clock.day(spent), created_by_id=owner.id, created_at=when)
            if not receipt or receipt[0]:
                self.attach_receipt(expense, grant)
            db.session.add(expense)
            total += expense.amount
        db.session.flush()
        assert ledger.spent_of_grant(grant) <= ledger.grant_amount(grant), f"demo expenses past {grant.title}"
        self.b.event(owner, "grant_report.submitted", report, f"提交{report.title}：{grant.title}", when,
                     {"beneficiaries_reached": report.beneficiaries_reached, "expenses": len(spec["expenses"]),
                      "expense_total": total})
        self.tell(self.b.members(grant.committee), f"收到{report.title}：{grant.title}",
                  f"{grant.recipient.name}提交了“{grant.title}”的{report.title}，本期支出 {format_yuan(total)}，请评估。", when, grant)

    def attach_receipt(self, expense: Expense, grant: Grant) -> None:
        """Every other receipt a scanned image, the rest a PDF invoice."""
        if self.files % 2:
            data, suffix, kind = png_file(self.files), ".png", "image/png"
        else:
            data, suffix, kind = pdf_file(f"Receipt {grant.reference}-{self.files:03d}", f"CNY {expense.amount}",
                                          f"Date {expense.spent_on.isoformat()}"), ".pdf", "application/pdf"
        expense.receipt_key, expense.receipt_name, expense.receipt_type = (
            self.file_key(data, suffix), f"票据-{expense.item[:40]}{suffix}", kind)

    def step_evaluate(self, grant: Grant, when: datetime, spec: dict) -> None:
        report = self.reports[(grant.id, spec["report"])]
        dimensions = grant.evaluation_dimensions
        scores = [Decimal(score) for score in spec["scores"]]
        total = (sum(score * Decimal(str(d["weight"])) for score, d in zip(scores, dimensions)) / HUNDRED).quantize(
            Decimal("0.01"))
        conclusion = EvaluationConclusion(spec["conclusion"])
        assert (total >= grant.pass_mark) == (conclusion == EvaluationConclusion.PASSED), f"demo evaluation {total}"
        report.status.check_transition(ReportStatus.EVALUATED)
        report.status = ReportStatus.EVALUATED
        rectify_by = self.clock.day(spec["rectify_by"]) if spec.get("rectify_by") else None
        evaluation = Evaluation(report=report, grant=grant, evaluator_id=self.checker.id, total=total,
                                pass_mark=grant.pass_mark, conclusion=conclusion, rectify_by=rectify_by,
                                comments=spec["comments"], created_at=when)
        evaluation.scores = [EvaluationScore(dimension=d["key"], label=d["label"], weight=Decimal(str(d["weight"])), score=s)
                             for d, s in zip(dimensions, scores)]
        db.session.add(evaluation)
        self.b.event(self.checker, "grant_evaluation.recorded", evaluation,
                     f"评估{report.title}：{grant.title} {total} 分，{conclusion.label}", when,
                     {"report_id": report.id, "total": total, "conclusion": conclusion.value, "rectify_by": rectify_by})
        body = f"“{grant.title}”{report.title}评估得分 {total}（合格线 {grant.pass_mark}），结论：{conclusion.label}。"
        if rectify_by:
            body += f"请于 {rectify_by:%Y-%m-%d} 前完成整改并重新提交。"
        self.tell(self.b.members(grant.recipient), f"{report.title}评估结果：{conclusion.label}", body, when, grant)

    def step_check_in(self, grant: Grant, when: datetime, spec: dict) -> None:
        user = self.b.users[spec["mentor"]]
        mentor = next(m for m in grant.mentors if m.user_id == user.id)
        db.session.add(CheckIn(grant=grant, mentor=mentor, held_on=_day(when), form=CheckInForm(spec["form"]),
                               notes=spec["notes"], next_steps=spec["next_steps"], created_by_id=user.id,
                               created_at=when + timedelta(hours=2)))
        self.b.event(user, "grant.check_in_logged", grant, f"导师跟进（{CheckInForm(spec['form']).label}）：{grant.title}",
                     when + timedelta(hours=2), {"form": spec["form"]})

    def step_complete(self, grant: Grant, when: datetime, spec: dict) -> None:
        with self.dated(when):
            services.complete_grant(self.checker, grant)
        grant.completed_at = when
