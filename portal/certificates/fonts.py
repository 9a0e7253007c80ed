"""The certificate's fonts: Noto Serif CJK SC (regular and a real bold), cut down once into two
parts — ASCII, punctuation and GB 2312's 3,755 common characters (一级字); then the rest of GB 2312
(二级字 and symbols) — and kept in the font folder.

Why: WeasyPrint embeds a subset of each face, but keeps every glyph number up to the highest one
used, and the full Noto CJK faces number 65,000 glyphs — about 100 KB a face on every certificate.
Cut and renumbered, a certificate in common characters embeds only the first part's two faces
(about 60 KB in all); a rarer character brings in the second part's face, and one outside GB 2312
falls back, glyph by glyph, to the full system face named after them in the styles, so nothing is
ever dropped.
"""
from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..pdf import FONT_MESSAGE, PdfFontError

# The families named in the certificate's styles, in order: the cut faces, then the full ones.
CUT_FAMILY = "Yichuang Certificate Serif"
PARTS = ("common", "extended")  # the cut's two parts, in the order the styles name them
SOURCE_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
WEIGHTS = {"regular": "Regular", "bold": "Bold"}
VERSION = "2"  # bump when the cut changes, so that cached faces are remade


@dataclass(frozen=True)
class CertificateFonts:
    family: str  # the source family the cut was made from
    files: dict[tuple[str, str], Path]  # (part, weight) → the cut face

    def font_stack(self) -> str:
        names = [part_family(part) for part in PARTS] + [self.family, *SOURCE_FAMILIES]
        return ", ".join(f'"{name}"' for name in names) + ", serif"


def part_family(part: str) -> str:
    return CUT_FAMILY if part == "common" else f"{CUT_FAMILY} {part.capitalize()}"


def _gb2312(rows: range) -> set[int]:
    chars = set()
    for high in rows:
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def characters(part: str) -> set[int]:
    if part == "common":
        chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))
        chars |= {0xA5, 0xB7, 0xD7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2022, 0x25CF, 0x2116, 0xFFE5}
        return chars | _gb2312(range(0xB0, 0xD8))  # rows 16–55: 一级字, the common characters
    return _gb2312(range(0xA1, 0xB0)) | _gb2312(range(0xD8, 0xF8))  # symbols, 二级字


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


def _cut(source: Path, index: int, part: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=index, lazy=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters(part))
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
    """The cut faces, made on first use (about two minutes); PdfFontError when no source family is
    installed. Looked up once per process and fontconfig set-up (asking fontconfig costs a
    subprocess per face, more than laying out the certificate's text)."""
    fonts = _lookup(os.environ.get("FONTCONFIG_FILE"), str(font_folder()))
    if not all(path.is_file() for path in fonts.files.values()):  # the folder was emptied meanwhile
        _lookup.cache_clear()
        fonts = _lookup(os.environ.get("FONTCONFIG_FILE"), str(font_folder()))
    return fonts


@functools.lru_cache(maxsize=8)
def _lookup(fontconfig_file: str | None, folder: str) -> CertificateFonts:
    for family in SOURCE_FAMILIES:
        faces = {weight: source_face(family, style) for weight, style in WEIGHTS.items()}
        if not all(faces.values()):
            continue
        slug = family.replace(" ", "")
        files = {}
        for part in PARTS:
            for weight, (path, index) in faces.items():
                target = Path(folder) / f"{slug}-{part}-{weight}-v{VERSION}.otf"
                if not target.is_file():
                    _cut(path, index, part, target)
                files[part, weight] = target
        return CertificateFonts(family, files)
    raise PdfFontError(FONT_MESSAGE)
