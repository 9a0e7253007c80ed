"""Attachments of an application: up to 10 files of 10 MB, type checked by content."""
from __future__ import annotations

import os

from .. import audit
from ..accounts.models import User
from ..errors import DomainError
from ..extensions import db
from ..i18n import N_
from ..storage import check_upload, storage
from .models import Application, Attachment
from .services import editable

MAX_ATTACHMENTS = 10


def clean_filename(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/").replace("\x00", "")).strip()
    return name[:200] or "附件"


def add_attachment(user: User, application: Application, filename: str, data: bytes) -> Attachment:
    editable(user, application)
    if len(application.attachments) >= MAX_ATTACHMENTS:
        raise DomainError(N_("最多上传 %(n)s 个附件。", n=MAX_ATTACHMENTS), field="file")
    try:
        kind = check_upload(data)
    except DomainError as exc:
        raise DomainError(exc.message, field="file") from exc
    key = storage().save(data, suffix="." + kind)
    attachment = Attachment(application=application, storage_key=key, filename=clean_filename(filename), kind=kind,
                            size=len(data), uploaded_by_id=user.id)
    db.session.add(attachment)
    audit.record(user, "application.attachment_added", application, f"上传附件 {attachment.filename}",
                 {"filename": attachment.filename, "kind": kind, "size": len(data)})
    db.session.commit()
    return attachment


def delete_attachment(user: User, application: Application, attachment: Attachment) -> None:
    editable(user, application)
    if attachment.application_id != application.id:
        raise DomainError(N_("附件不存在。"))
    key = attachment.storage_key
    application.attachments.remove(attachment)
    audit.record(user, "application.attachment_deleted", application, f"删除附件 {attachment.filename}",
                 {"filename": attachment.filename})
    db.session.commit()
    storage().delete(key)
