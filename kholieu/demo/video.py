"""A test video made by ffmpeg itself (a moving test pattern with a 440 Hz tone) and its
captions: the demo's TV lesson, and the source the tests and the transcoding bench use."""

from __future__ import annotations

import subprocess
from pathlib import Path

CAPTIONS_VI = """WEBVTT

00:00:00.500 --> 00:00:04.000
Xin chào các em, hôm nay chúng ta ôn tập về phân số.

00:00:04.500 --> 00:00:09.000
Hai phân số bằng nhau khi tử và mẫu cùng nhân với một số khác không.
"""

CAPTIONS_EN = """1
00:00:00,500 --> 00:00:04,000
Hello everyone, today we review fractions.

2
00:00:04,500 --> 00:00:09,000
Two fractions are equal when both terms are multiplied by the same non-zero number.
"""


def make_test_video(
    path: Path,
    *,
    seconds: float = 10,
    width: int = 1280,
    height: int = 720,
    fps: int = 25,
    audio: bool = True,
    ffmpeg_path: str = "ffmpeg",
    preset: str = "ultrafast",
) -> Path:
    """Write an H.264/AAC MP4 (index first, as cameras and editors usually write it)."""
    command = [
        ffmpeg_path, "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
    ]  # fmt: skip
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    command += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"]
    if audio:
        command += ["-c:a", "aac", "-b:a", "96k", "-shortest"]
    command += ["-movflags", "+faststart", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return path
