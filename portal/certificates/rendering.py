"""A certificate's PDF from its record alone: the frozen values, the serial and the verification URL.

Deterministic: the same record renders to the same bytes (WeasyPrint writes no creation date and
the QR code is drawn from the URL), which is what lets anyone check a copy against the record.
One PDF of many certificates (a batch's print file) embeds each face once.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import date

import segno
from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from ..links import absolute_url
from ..pdf import check_cjk_font, render_html
from .fonts import CertificateFonts, certificate_fonts, characters, part_family
from .text import chinese_date, render_text


def verification_url(serial: str) -> str:
    return absolute_url("certificates.verify", serial=serial)


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (vector: sharp in print, no image file to fetch)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, dark="#000", omitsize=True)
    return Markup(svg)


def paragraphs(body: Markup) -> list[tuple[bool, Markup]]:
    """The body's lines as paragraphs, each with whether it is the salutation (“某某：”, set flush left
    as custom has it, where the paragraphs after it are indented)."""
    lines = [Markup(line) for line in str(body).split("<br>")]
    return [(index == 0 and line.rstrip().endswith(("：", ":")), line) for index, line in enumerate(lines) if line.strip()]


def page_context(values: dict, serial: str) -> dict:
    """What the PDF template prints, from the record's values (plain strings and lists)."""
    fields = dict(values["fields"], serial=serial)
    url = verification_url(serial)
    return {
        "title": values["title"],
        "paragraphs": paragraphs(render_text(values["body"], fields)),
        "closing": values["closing"],
        "issuers": values["issuers"],
        "issue_date": chinese_date(date.fromisoformat(values["issue_date"])),
        "signature_line": values.get("signature_line", ""),
        "border": values["border"],
        "orientation": values["orientation"],
        "serial": serial,
        "recipient": fields.get("recipient", ""),
        "kind_label": values["kind_label"],
        "url": url,
        "qr": qr_svg(url),
        "seals": values.get("seals", []),
    }


def _font_faces() -> tuple[CertificateFonts, list[dict]]:
    check_cjk_font()
    fonts = certificate_fonts()
    faces = [{"family": part_family(part), "part": part, "weight": 700 if weight == "bold" else 400,
              "url": path.resolve().as_uri(), "path": path} for (part, weight), path in fonts.files.items()]
    return fonts, faces


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[int]:
    return frozenset(characters("common"))


def _needs_extended(pages: list[dict]) -> bool:
    """Whether any printed character lies outside the common part (the template's own text is in it)."""
    common = _common()
    for page in pages:
        text = "".join([page["title"], str(page["paragraphs"]), page["closing"], page["signature_line"], page["issue_date"],
                        *page["issuers"], page["url"]])
        if any(ord(char) not in common for char in text):
            return True
    return False


def render_pages(pages: list[dict], *, title: str, author: str, subject: str) -> bytes:
    """One PDF of the given pages (page_context dicts)."""
    fonts, faces = _font_faces()
    if not _needs_extended(pages):  # every face declared is loaded: leave out the part no page uses
        faces = [face for face in faces if face["part"] != "extended"]
    with force_locale("zh_CN"):
        html = render_template("certificates/pdf.html", pages=pages, faces=faces, font_stack=fonts.font_stack(),
                               pdf_title=title, pdf_author=author, pdf_subject=subject)
    return render_html(html, {face["url"]: face["path"] for face in faces})


def render_certificate(values: dict, serial: str) -> bytes:
    page = page_context(values, serial)
    return render_pages([page], title=f"{values['title']} {serial}", author="，".join(values["issuers"]),
                        subject=f"{values['kind_label']}：{page['recipient']}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
