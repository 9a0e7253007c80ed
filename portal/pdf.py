"""PDF rendering (the kernel's one rendering module): HTML templates through WeasyPrint.

Domain-free: callers pass a template and its context. Only the portal's own static files may be
fetched while rendering; a CJK font must be installed, or PdfFontError says so in Chinese.
"""
from __future__ import annotations

import functools
import io
import mimetypes
import os
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, render_template

from .errors import DomainError
from .links import portal_url
from .i18n import N_


class PdfFontError(DomainError):
    """No Chinese font is available to the renderer."""


class PdfFetchRefused(Exception):
    pass


FONT_MESSAGE = N_("没有可用的中文字体，无法生成 PDF。请联系管理员安装 Noto Sans CJK 或文泉驿字体（fonts-noto-cjk / fonts-wqy-microhei）。")


def cjk_font_families() -> list[str]:
    """Families fontconfig offers for Chinese (honours FONTCONFIG_FILE in the environment)."""
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20, env=dict(os.environ)
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    return sorted({line.strip() for line in result.stdout.splitlines() if line.strip()})


def check_cjk_font() -> None:
    if not _has_cjk_font(os.environ.get("FONTCONFIG_FILE")):
        raise PdfFontError(FONT_MESSAGE)


@functools.lru_cache(maxsize=8)
def _has_cjk_font(fontconfig_file: str | None) -> bool:
    """Asked of fontconfig once per process and set-up, not per PDF (a subprocess each time)."""
    return bool(cjk_font_families())


def static_path_for(url: str) -> Path:
    """The file under the portal's static folder that `url` names, or PdfFetchRefused.

    Only http(s) URLs of this portal's /static/… path (on PORTAL_URL's host, with or without its
    path prefix) are served (read from disk, never over the network); file://, data:, other hosts
    and paths outside the static folder are refused.
    """
    parsed = urlparse(url)
    portal = urlparse(portal_url())
    static_url = current_app.static_url_path.rstrip("/") + "/"
    path_part = parsed.path
    if portal.path and path_part.startswith(portal.path + "/"):
        path_part = path_part[len(portal.path):]
    if parsed.scheme in ("http", "https") and parsed.netloc == portal.netloc and path_part.startswith(static_url):
        root = Path(current_app.static_folder).resolve()
        path = (root / unquote(path_part[len(static_url):])).resolve()
        if root in path.parents and path.is_file():
            return path
    raise PdfFetchRefused(f"refused to fetch {url}")


def _fetcher(local_files: dict[str, Path] | None = None):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = dict(local_files or {})

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = allowed[url] if url in allowed else static_path_for(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticOnlyFetcher()


def render_pdf(template_name: str, local_files: dict[str, Path] | None = None, **context) -> bytes:
    """`local_files` maps URLs the template names (e.g. a font's file:// URL) to the only files
    outside the static folder the renderer may read."""
    from flask_babel import force_locale

    check_cjk_font()
    with force_locale("zh_CN"):  # the documents are Chinese: a marked label in them stays Chinese too
        html = render_template(template_name, **context)
    return render_html(html, local_files)


def render_html(html: str, local_files: dict[str, Path] | None = None) -> bytes:
    from weasyprint import HTML

    base = portal_url() + "/"  # relative links in the PDF become absolute links to the portal
    return HTML(string=html, base_url=base, url_fetcher=_fetcher(local_files)).write_pdf()


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    """The /BaseFont names of every font used on the PDF's pages (subset prefixes kept)."""
    from pypdf import PdfReader

    names: set[str] = set()
    reader = PdfReader(io.BytesIO(pdf_bytes))
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        fonts = resources.get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if "/BaseFont" in font:
                names.add(str(font["/BaseFont"]).lstrip("/"))
    return names
