"""Mail, sent only after the transaction that caused it has committed.

queue_mail() parks a message on the database session; a SQLAlchemy after_commit hook hands the
parked messages to the job facade, and a rollback drops them. Backends: "console" (logged, the
development default), "smtp" (when MAIL_SERVER is set) and "memory" (tests read app.extensions
["mail_outbox"]).
"""
from __future__ import annotations

import logging
import smtplib
from contextlib import contextmanager
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .jobs import enqueue

log = logging.getLogger("portal.mail")
_PENDING = "pending_mail"
_SUPPRESSED = "mail_suppressed"


@contextmanager
def mail_suppressed():
    """No mail from what runs inside (the demo loader: its services notify made-up addresses)."""
    info = db.session().info
    info[_SUPPRESSED] = True
    try:
        yield
    finally:
        info.pop(_SUPPRESSED, None)


def queue_mail(to: str | list[str], subject: str, body: str) -> None:
    recipients = [to] if isinstance(to, str) else list(to)
    session = db.session()
    if not recipients or session.info.get(_SUPPRESSED):
        return
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still drops the parked mail
    session.info.setdefault(_PENDING, []).append({"to": recipients, "subject": subject, "body": body})


def send_mail(message: dict) -> None:
    """Deliver one message through the configured backend (runs as a job)."""
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
        return
    if backend == "console":
        log.info("MAIL to %s: %s\n%s", ", ".join(message["to"]), message["subject"], message["body"])
        return
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = ", ".join(message["to"])
    email["Subject"] = message["subject"]
    email.set_content(message["body"])
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


@event.listens_for(Session, "after_commit")
def _flush_mail(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    for message in pending:
        enqueue(send_mail, message)


@event.listens_for(Session, "after_soft_rollback")
def _drop_mail(session: Session, previous_transaction) -> None:
    # Fires on every rollback() call, even when no transaction had begun yet.
    session.info.pop(_PENDING, None)
