"""Documents: their text for search (PDF by pypdf, Word and PowerPoint by ``office``), and a
PDF's first-page thumbnail when poppler's ``pdftoppm`` is installed (cheap; skipped
otherwise)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from kholieu.content.files import OOXML_SLIDES, OOXML_TEXT, PDF
from kholieu.content.office import docx_text, pptx_text
from kholieu.files.zipsafe import PackageLimits

log = logging.getLogger(__name__)
MAX_TEXT = 2_000_000  # characters kept for search from one document
THUMBNAIL_WIDTH = 480  # pixels: twice the 240 CSS pixels a card shows it at
THUMBNAIL_HEIGHT = 300  # the top of page 1 (title, first lines), not the blank page below
THUMBNAIL_COLOURS = 64  # a palette PNG: a page of text needs few colours, and weighs a third
DOCUMENTS = {PDF, OOXML_TEXT, OOXML_SLIDES}  # the types whose text is extracted


def document_text(path: Path, mime: str, limits: PackageLimits) -> str | None:
    """The text of a document of type ``mime`` (one of DOCUMENTS); None when it cannot be
    read. ``limits`` are the zip checks Word and PowerPoint files pass first."""
    if mime == OOXML_TEXT:
        return docx_text(path, limits, MAX_TEXT)
    if mime == OOXML_SLIDES:
        return pptx_text(path, limits, MAX_TEXT)
    return pdf_text(path)


def pdf_text(path: Path) -> str | None:
    """The document's text, page after page; None when the PDF cannot be read (encrypted,
    damaged), which is not worth failing an upload over."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return None
        parts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_TEXT:
                break
        return "\n".join(parts)[:MAX_TEXT]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        log.warning("could not read the text of %s: %s", path.name, exc)
        return None


def pdf_thumbnail(path: Path, timeout_s: float = 30) -> bytes | None:
    """PNG of the top of the first page (``THUMBNAIL_WIDTH`` × at most ``THUMBNAIL_HEIGHT``,
    a palette image), or None when pdftoppm is missing or fails."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        target = Path(out) / "thumb"
        command = [
            tool,
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-scale-to-x",
            str(THUMBNAIL_WIDTH),
            "-scale-to-y",
            "-1",
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            str(THUMBNAIL_WIDTH),
            "-H",
            str(THUMBNAIL_HEIGHT),
            str(path),
            str(target),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout_s)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            stderr = getattr(exc, "stderr", b"") or b""
            log.warning("pdftoppm failed on %s: %s", path.name, stderr.decode()[-200:] or exc)
            return None
        return _small_png((Path(out) / "thumb.png").read_bytes())


def _small_png(png: bytes) -> bytes:
    """The same picture with an adaptive palette, optimised (Pillow)."""
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as picture:
        small = picture.convert("RGB").quantize(THUMBNAIL_COLOURS)
        out = BytesIO()
        small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png
