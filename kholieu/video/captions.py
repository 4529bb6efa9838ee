"""Caption files: WebVTT, or SubRip (.srt) converted to WebVTT, one per language.

webvtt-py reads both formats, but skips a cue whose timing line it cannot read; a teacher
would then lose a caption without a word. So every timing line is checked first, and a bad
one is reported by line number.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedFileError

from kholieu.errors import ValidationFailed
from kholieu.video.models import Caption

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
MAX_BYTES = 2 * 1024 * 1024
_TIME = r"(?:\d{1,}:)?[0-5]?\d:[0-5]\d[.,]\d{3}"
_TIMING = re.compile(rf"^\s*({_TIME})\s+-->\s+({_TIME})(?:\s+.*)?$")
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class CaptionFile:
    vtt: str
    text: str  # every cue's words, tags removed, for search
    cues: int


def read_captions(data: bytes, filename: str) -> CaptionFile:
    """Parse ``data`` (VTT or SRT, told by its first line rather than its name)."""
    where = {"file": filename}
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            "{filename}: lớn hơn {value} MiB",
            filename=filename,
            value=MAX_BYTES // 2**20,
            details=where,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "{filename}: không phải văn bản UTF-8 (byte {start}); hãy lưu phụ đề dạng UTF-8",
            filename=filename,
            start=exc.start,
            details=where,
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_vtt = text.lstrip().startswith("WEBVTT")
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" in line and not _TIMING.match(line):
            raise ValidationFailed(
                "{filename}, dòng {number}: không đọc được thời gian “{strip}” (cần dạng "
                "00:00:01.000 --> 00:00:04.000)",
                filename=filename,
                number=number,
                strip=line.strip(),
                details={**where, "line": number},
            )
    try:
        parsed = webvtt.from_buffer(
            io.BytesIO(text.encode()), format="vtt" if is_vtt else "srt", strict=False
        )
    except MalformedFileError as exc:
        if is_vtt:
            raise ValidationFailed(
                "{filename}: không phải tệp WebVTT hợp lệ: {exc}",
                filename=filename,
                exc=exc,
                details=where,
            ) from None
        raise ValidationFailed(
            "{filename}: không phải tệp SRT hợp lệ (tệp WebVTT bắt đầu bằng dòng WEBVTT): {exc}",
            filename=filename,
            exc=exc,
            details=where,
        ) from None
    if not parsed.captions:
        raise ValidationFailed(
            "{filename}: tệp không có phụ đề nào", filename=filename, details=where
        )
    for cue in parsed.captions:
        if cue.start_in_seconds >= cue.end_in_seconds + 0.0005:
            raise ValidationFailed(
                "{filename}: phụ đề lúc {start} kết thúc trước khi bắt đầu ({end})",
                filename=filename,
                start=cue.start,
                end=cue.end,
                details=where,
            )
    words = "\n".join(_TAGS.sub("", cue.text) for cue in parsed.captions)
    return CaptionFile(vtt=parsed.content, text=words, cues=len(parsed.captions))


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed(
            "Ngôn ngữ: “{language}” không phải một trong {join}",
            language=language,
            join=", ".join(LANGUAGES),
            details={"field": "language"},
        )
    return language


def caption_link(caption: Caption) -> dict[str, str]:
    """A caption track as the player and the API name it: language, label, where to get it."""
    return {
        "language": caption.language,
        "label": LANGUAGES.get(caption.language, caption.language),
        "url": f"/content/{caption.item_id}/captions/{caption.language}.vtt",
    }


def default_language(languages: list[str], item_language: str) -> str | None:
    """The captions a player shows first: those in the item's own language (Vietnamese on a
    Vietnamese lesson), else Vietnamese, else the first there is; None when there are none."""
    for wanted in (item_language, "vi"):
        if wanted in languages:
            return wanted
    return languages[0] if languages else None
