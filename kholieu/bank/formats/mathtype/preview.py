"""An equation's preview picture (the WMF Word keeps beside a MathType object) as PNG,
for the equations that could not be turned into LaTeX.

libwmf's ``wmf2gd`` (Debian ``libwmf-bin``, with ``fonts-urw-base35`` for the text) draws
WMF; nothing offline here draws EMF (ImageMagick and Pillow only read it on Windows), so an
EMF gives None and the caller says the equation is missing. The converter runs as a
subprocess on a copy in a private folder, with a time limit and size limits both ways.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

MAX_INPUT = 4 << 20  # a preview is a few kilobytes
MAX_OUTPUT = 8 << 20
MAX_SIDE = 2000  # pixels
DPI = 192  # twice a screen's, so that formulas stay sharp when zoomed
TIMEOUT_S = 15
PLACEABLE_KEY = 0x9AC6CDD7
WMF_TYPES = {"image/x-wmf", "image/wmf", "application/x-msmetafile", "image/x-ms-wmf"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def preview_png(data: bytes, media_type: str) -> bytes | None:
    """The picture as PNG, or None when no converter here can draw it."""
    if not data or len(data) > MAX_INPUT:
        return None
    if media_type == "image/png" and data.startswith(PNG_MAGIC):
        return data
    if media_type.lower() not in WMF_TYPES and not _looks_like_wmf(data):
        return None
    tool = shutil.which("wmf2gd")
    if tool is None:
        return None
    width, height = _size_px(data)
    with tempfile.TemporaryDirectory(prefix="kholieu-wmf-") as folder:
        source, target = Path(folder) / "in.wmf", Path(folder) / "out.png"
        source.write_bytes(data)
        command = [tool, "-t", "png", f"--maxwidth={width}", f"--maxheight={height}",
                   "--maxpect", "-o", str(target), str(source)]  # fmt: skip
        try:
            subprocess.run(command, cwd=folder, capture_output=True, timeout=TIMEOUT_S,
                           check=True, stdin=subprocess.DEVNULL)  # fmt: skip
        except (subprocess.SubprocessError, OSError):
            return None
        if not target.is_file() or target.stat().st_size > MAX_OUTPUT:
            return None
        png = target.read_bytes()
    return png if png.startswith(PNG_MAGIC) else None


def _looks_like_wmf(data: bytes) -> bool:
    if len(data) >= 4 and struct.unpack("<I", data[:4])[0] == PLACEABLE_KEY:
        return True
    return data[:6] in (b"\x01\x00\x09\x00\x00\x03", b"\x02\x00\x09\x00\x00\x03")


def _size_px(data: bytes) -> tuple[int, int]:
    """The picture's size at ``DPI`` from its placeable header (a default without one)."""
    if len(data) >= 22 and struct.unpack("<I", data[:4])[0] == PLACEABLE_KEY:
        left, top, right, bottom, inch = struct.unpack("<hhhhH", data[6:16])
        if inch:
            width = abs(right - left) * DPI // inch
            height = abs(bottom - top) * DPI // inch
            if width and height:
                return min(max(width, 8), MAX_SIDE), min(max(height, 8), MAX_SIDE)
    return 800, 200
