"""File storage behind one small interface: a local folder by default.

Files get generated names; the original name is kept by the caller's model. The type is checked
by content, never by the name the user gave.
"""
from __future__ import annotations

import io
import os
import uuid
import zipfile
from pathlib import Path

from flask import current_app

from .errors import DomainError
from .i18n import N_

MAX_FILE_SIZE = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TYPE_LABELS = N_("PDF、JPEG、PNG、DOCX、XLSX")


def sniff_type(data: bytes) -> str | None:
    """The file's kind by its content (magic bytes; Office files by their zip members)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_upload(data: bytes, allowed: set[str] | None = None) -> str:
    """Return the file's kind or raise a DomainError with a Chinese message."""
    if not data:
        raise DomainError(N_("文件是空的。"))
    if len(data) > MAX_FILE_SIZE:
        raise DomainError(N_("文件超过 %(n)s MB。", n=MAX_FILE_SIZE // (1024 * 1024)))
    kind = sniff_type(data)
    if kind is None or (allowed and kind not in allowed):
        raise DomainError(N_("不支持的文件类型：只接受 %(types)s 文件（按文件内容检查）。", types=TYPE_LABELS))
    return kind


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise DomainError(N_("无效的文件。"))
        return path

    def save(self, data: bytes, suffix: str = "") -> str:
        key = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{suffix}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_FOLDER"])
