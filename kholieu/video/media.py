"""What an uploaded video is, asked of ffprobe (through ffmpeg-python) before it is accepted.

A file whose type says "video" may still be cut short or damaged: an MP4 without its ``moov``
index fails to open at all, and one with the index first (``faststart``) opens fine but stops
decoding where the bytes stop. So besides reading the streams, the check decodes one frame at
the start and one a second before the end; each failure is reported with ffmpeg's own words.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from kholieu.errors import ServiceUnavailable, ValidationFailed

_ADDRESS = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")
_TELLING = re.compile(
    r"partial file|moov atom not found|Invalid data found|truncat|corrupt|No such file"
    r"|Invalid argument|not supported|Unknown encoder|No space left",
    re.IGNORECASE,
)


class MediaToolsMissing(ServiceUnavailable):
    code = "ffmpeg_missing"


class BadVideo(ValidationFailed):
    code = "bad_video"


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    bit_rate: int | None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "has_audio": self.has_audio}


def tools_status(ffmpeg_path: str, ffprobe_path: str) -> dict[str, Any]:
    """The ffmpeg and ffprobe this process would run; raises when either is missing."""
    found = {name: shutil.which(path) for name, path in
             (("ffmpeg", ffmpeg_path), ("ffprobe", ffprobe_path))}  # fmt: skip
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise MediaToolsMissing(
            "Không tìm thấy {join} (đã tìm {join2}): không xử lí được video; hãy cài đặt "
            "(Debian/Ubuntu: apt install ffmpeg) hoặc đặt KHOLIEU_FFMPEG_PATH và "
            "KHOLIEU_FFPROBE_PATH",
            join=" and ".join(missing),
            join2=", ".join(repr(p) for p in (ffmpeg_path, ffprobe_path)),
        )
    return {"ffmpeg": found["ffmpeg"], "ffprobe": found["ffprobe"],
            "version": _version(found["ffmpeg"])}  # fmt: skip


@functools.lru_cache(maxsize=4)
def _version(ffmpeg_path: str) -> str:
    done = subprocess.run(
        [ffmpeg_path, "-hide_banner", "-version"], capture_output=True, text=True, timeout=10
    )
    return done.stdout.split("\n", 1)[0]


def error_line(stderr: str) -> str:
    """The line of ffmpeg's error output that says what went wrong (not "Conversion failed!")."""
    lines = [_ADDRESS.sub("", line).strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line and line != "Conversion failed!"]
    if not lines:
        return "ffmpeg stopped without saying why"
    telling = [line for line in lines if _TELLING.search(line)]
    return (telling or lines)[0]


def probe(path: Path, *, ffmpeg_path: str, ffprobe_path: str, name: str) -> MediaInfo:
    """Read ``path``'s streams and prove its first and last second decode; ``name`` is how
    errors refer to the file (the uploaded name, not the temporary one)."""
    tools_status(ffmpeg_path, ffprobe_path)
    try:
        data = ffmpeg.probe(str(path), cmd=ffprobe_path)
    except ffmpeg.Error as exc:
        reason = error_line(exc.stderr.decode("utf-8", "replace").replace(str(path), name))
        raise BadVideo(
            "{name}: không đọc được video ({reason})",
            name=name,
            reason=reason,
            details={"file": name},
        ) from None
    video = next(
        (s for s in data["streams"] if s.get("codec_type") == "video"
         and not s.get("disposition", {}).get("attached_pic")),
        None,
    )  # fmt: skip
    if video is None:
        raise BadVideo("{name}: tệp không có luồng hình", name=name, details={"file": name})
    audio = next((s for s in data["streams"] if s.get("codec_type") == "audio"), None)
    duration = float(data["format"].get("duration") or video.get("duration") or 0)
    if duration <= 0:
        raise BadVideo("{name}: không đọc được độ dài video", name=name, details={"file": name})
    info = MediaInfo(
        duration=round(duration, 3),
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        fps=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")) or 25.0,
        video_codec=video.get("codec_name", "unknown"),
        audio_codec=audio.get("codec_name") if audio else None,
        bit_rate=int(data["format"]["bit_rate"]) if data["format"].get("bit_rate") else None,
    )
    if info.width <= 0 or info.height <= 0:
        raise BadVideo(
            "{name}: video không có kích thước khung hình", name=name, details={"file": name}
        )
    for at in (0.0, max(0.0, duration - 1.0)):
        _decode_one_frame(path, at, ffmpeg_path=ffmpeg_path, name=name)
    return info


def _decode_one_frame(path: Path, at: float, *, ffmpeg_path: str, name: str) -> None:
    command = (
        ffmpeg.input(str(path), ss=f"{at:.3f}")
        .output("-", map="0:v:0", vframes=1, f="null")
        .global_args("-hide_banner", "-nostdin", "-v", "error", "-progress", "pipe:1")
        .compile(cmd=ffmpeg_path)
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    frames = re.findall(r"^frame=(\d+)", done.stdout, re.MULTILINE)
    if done.returncode != 0 or done.stderr.strip() or not frames or frames[-1] == "0":
        reason = error_line(done.stderr.replace(str(path), name))
        where = f"{int(at // 60)}:{int(at % 60):02d}"
        raise BadVideo(
            "{name}: video bị cắt cụt hoặc hỏng: không giải mã được hình nào ở {where} ({reason})",
            name=name,
            where=where,
            reason=reason,
            details={"file": name, "at_s": round(at, 3)},
        )


def _rate(text: str | None) -> float | None:
    try:
        value = float(Fraction(text)) if text else 0.0
    except (ValueError, ZeroDivisionError):
        return None
    return round(value, 3) if value > 0 else None
