"""The certificate's fonts: Noto Serif CJK SC (regular and a real bold), cut down once to the
characters of GB 2312 with ASCII and the usual punctuation, and kept in the font folder.

Why: WeasyPrint embeds a subset of each face, but keeps every glyph number up to the highest one
used, and the full Noto CJK faces number 65,000 glyphs — about 100 KB a face on every certificate.
Cut to ~7,600 characters and renumbered, both faces together weigh about 80 KB in the PDF. A rare
character outside the cut falls back, glyph by glyph, to the full system face named after it in
the styles (CERTIFICATE_FONT_STACK), so nothing is ever dropped.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..pdf import FONT_MESSAGE, PdfFontError

# The families named in the certificate's styles, in order: the cut faces, then the full ones.
CUT_FAMILY = "Yichuang Certificate Serif"
SOURCE_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
WEIGHTS = {"regular": "Regular", "bold": "Bold"}
VERSION = "1"  # bump when the cut changes, so that cached faces are remade


@dataclass(frozen=True)
class CertificateFonts:
    family: str  # the source family the cut was made from
    files: dict[str, Path]  # weight ("regular" / "bold") → the cut face

    def font_stack(self) -> str:
        return ", ".join(f'"{name}"' for name in (CUT_FAMILY, self.family, *SOURCE_FAMILIES)) + ", serif"


def _characters() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))
    chars |= {0xA5, 0xB7, 0xD7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2022, 0x25CF, 0x2116, 0xFFE5}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def source_face(family: str, style: str) -> tuple[Path, int] | None:
    """The file and collection index fontconfig has for family + style, if that exact family is installed."""
    try:
        result = subprocess.run(["fc-match", "-f", "%{family}|%{style}|%{file}|%{index}", f"{family}:style={style}"], check=False,
                                capture_output=True, text=True, timeout=20, env=dict(os.environ))
    except (OSError, subprocess.SubprocessError):
        return None
    parts = result.stdout.split("|")
    if result.returncode != 0 or len(parts) != 4:
        return None
    families, styles, file, index = parts
    if family not in families.split(",") or style not in styles.split(","):
        return None  # fontconfig answered with a substitute: not the face we name
    return Path(file), int(index or 0)


def _cut(source: Path, index: int, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=index, lazy=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_characters())
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".otf.part")
    os.close(handle)
    try:
        font.save(partial)
        os.replace(partial, target)  # atomic: two workers cutting at once both end with a whole file
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def font_folder() -> Path:
    configured = current_app.config.get("CERTIFICATE_FONT_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "fonts"


def certificate_fonts() -> CertificateFonts:
    """The cut faces, made on first use (about 35 s); PdfFontError when no source family is installed."""
    for family in SOURCE_FAMILIES:
        faces = {weight: source_face(family, style) for weight, style in WEIGHTS.items()}
        if not all(faces.values()):
            continue
        slug = family.replace(" ", "")
        files = {}
        for weight, (path, index) in faces.items():
            target = font_folder() / f"{slug}-{weight}-v{VERSION}.otf"
            if not target.is_file():
                _cut(path, index, target)
            files[weight] = target
        return CertificateFonts(family, files)
    raise PdfFontError(FONT_MESSAGE)
