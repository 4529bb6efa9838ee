"""The HLS ladder a video is cut into, and the one ffmpeg command that makes all of it.

Rungs run from 240p (about 300 kb/s with its audio: a weak 3G link in a mountain district) to
720p; rungs above the source's height are skipped, so nothing is ever upscaled. An audio-only
rendition at 48 kb/s lets a student on the weakest link still follow the lesson.

One invocation decodes the source once and feeds every rung through ``split``/``scale``
(measured here: faster than one ffmpeg per rung), plus a poster frame and small thumbnails for
scrubbing, which ``make_sprite`` then pastes into one sprite image. (ffmpeg's ``tile`` filter
could make the sprite, but it emits only at the end, and ffmpeg holds back every progress
report until each output has started: the job would sit at 0 % until it is done.)

Keyframes are forced every 2 s on every rung, so 6-second segments line up
across rungs and a player can switch quality at any segment boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image

from kholieu.video.media import MediaInfo

SEGMENT_S = 6
KEYFRAME_S = 2
MAX_FPS = 30
AUDIO_ONLY_KBPS = 48
THUMB_WIDTH = 160
SPRITE_COLUMNS = 10
MAX_THUMBS = 100


@dataclass(frozen=True)
class Rung:
    name: str
    height: int
    video_kbps: int
    audio_kbps: int


RUNGS = (
    Rung("240p", 240, 250, 64),
    Rung("360p", 360, 600, 96),
    Rung("480p", 480, 1000, 96),
    Rung("720p", 720, 2200, 128),
)


@dataclass(frozen=True)
class Sprite:
    interval_s: int
    width: int  # of one thumbnail
    height: int
    columns: int


@dataclass(frozen=True)
class Plan:
    rungs: tuple[Rung, ...]
    audio: bool
    fps: float | None  # lowered to this, or None to keep the source's rate
    poster_at: float
    sprite: Sprite

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.rungs] + (["audio"] if self.audio else [])


def plan(info: MediaInfo) -> Plan:
    """The rungs this source gets: every standard rung up to its height, or one rung at its
    own height when it is smaller than 240p."""
    rungs = tuple(r for r in RUNGS if r.height <= info.height)
    if not rungs:
        small = RUNGS[0]
        rungs = (Rung(f"{_even(info.height)}p", _even(info.height), small.video_kbps,
                      small.audio_kbps),)  # fmt: skip
    interval = max(2, math.ceil(info.duration / MAX_THUMBS))
    thumb_height = _even(THUMB_WIDTH * info.height / info.width)
    return Plan(
        rungs=rungs,
        audio=info.has_audio,
        fps=MAX_FPS if info.fps > MAX_FPS + 0.5 else None,
        poster_at=round(min(5.0, info.duration / 10), 3),
        sprite=Sprite(
            interval_s=interval,
            width=THUMB_WIDTH,
            height=thumb_height,
            columns=SPRITE_COLUMNS,
        ),
    )


def command(
    source: Path,
    out: Path,
    thumbs: Path,
    ladder: Plan,
    *,
    ffmpeg_path: str = "ffmpeg",
    preset: str = "veryfast",
) -> list[str]:
    """The ffmpeg command writing ``out/master.m3u8``, ``out/<rung>/index.m3u8`` with its
    ``seg00000.ts`` segments, ``out/poster.jpg`` and ``thumbs/0001.jpg``… (outside ``out``:
    they are pasted into the sprite, not published); progress goes to stdout as
    ``key=value`` lines."""
    source_in = ffmpeg.input(str(source))
    video = source_in["v:0"]
    if ladder.fps:
        video = video.filter("fps", ladder.fps)
    branches = video.filter_multi_output("split", len(ladder.rungs) + 2)
    scaled = [
        branches[i].filter("scale", -2, rung.height).filter("setsar", 1)
        for i, rung in enumerate(ladder.rungs)
    ]
    n = len(ladder.rungs)
    audio = [source_in["a:0"]] * (n + 1) if ladder.audio else []
    options: dict[str, object] = {
        "c:v": "libx264", "preset": preset, "profile:v": "main", "pix_fmt": "yuv420p",
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_S})", "sc_threshold": 0,
        "f": "hls", "hls_time": SEGMENT_S, "hls_playlist_type": "vod",
        "hls_flags": "independent_segments+temp_file", "hls_segment_type": "mpegts",
        "hls_segment_filename": str(out / "%v" / "seg%05d.ts"),
        "master_pl_name": "master.m3u8", "var_stream_map": _stream_map(ladder),
    }  # fmt: skip
    for i, rung in enumerate(ladder.rungs):
        options[f"b:v:{i}"] = f"{rung.video_kbps}k"
        options[f"maxrate:v:{i}"] = f"{rung.video_kbps * 11 // 10}k"
        options[f"bufsize:v:{i}"] = f"{rung.video_kbps * 2}k"
    if ladder.audio:
        options.update({"c:a": "aac", "ac": 2, "ar": 44100})
        for i, rung in enumerate(ladder.rungs):
            options[f"b:a:{i}"] = f"{rung.audio_kbps}k"
        options[f"b:a:{n}"] = f"{AUDIO_ONLY_KBPS}k"
    hls = ffmpeg.output(*scaled, *audio, str(out / "%v" / "index.m3u8"), **options)
    top = ladder.rungs[-1].height
    poster = ffmpeg.output(
        branches[n].filter("trim", start=ladder.poster_at).filter("scale", -2, top)
        .filter("setsar", 1),
        str(out / "poster.jpg"), vframes=1, **{"q:v": 3},
    )  # fmt: skip
    sprite = ladder.sprite
    sheet = ffmpeg.output(
        branches[n + 1].filter("fps", f"1/{sprite.interval_s}")
        .filter("scale", sprite.width, sprite.height).filter("setsar", 1),
        str(thumbs / "%04d.jpg"), **{"q:v": 5},
    )  # fmt: skip
    return (
        ffmpeg.merge_outputs(hls, poster, sheet)
        .global_args("-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats")
        .global_args("-progress", "pipe:1")
        .compile(cmd=ffmpeg_path)
    )


def make_sprite(thumbs: Path, sprite: Sprite, target: Path) -> int:
    """Paste the thumbnails, in order, into one JPEG of ``sprite.columns`` per row; returns
    how many there were."""
    frames = sorted(thumbs.glob("*.jpg"))
    rows = max(1, -(-len(frames) // sprite.columns))
    columns = min(sprite.columns, max(1, len(frames)))
    sheet = Image.new("RGB", (columns * sprite.width, rows * sprite.height))
    for i, frame in enumerate(frames):
        with Image.open(frame) as picture:
            box = ((i % columns) * sprite.width, (i // columns) * sprite.height)
            sheet.paste(picture.convert("RGB").resize((sprite.width, sprite.height)), box)
    sheet.save(target, "JPEG", quality=70)
    return len(frames)


def thumbnails_vtt(sprite: Sprite, count: int, duration: float, image: str = "sprite.jpg") -> str:
    """The WebVTT track pointing each stretch of time at its tile in the sprite (``#xywh``),
    which players use to show a picture while scrubbing."""
    columns = min(sprite.columns, max(1, count))
    lines = ["WEBVTT", ""]
    for i in range(count):
        start, end = i * sprite.interval_s, min((i + 1) * sprite.interval_s, duration)
        if start >= duration:
            break
        x, y = (i % columns) * sprite.width, (i // columns) * sprite.height
        lines += [f"{_clock(start)} --> {_clock(end)}",
                  f"{image}#xywh={x},{y},{sprite.width},{sprite.height}", ""]  # fmt: skip
    return "\n".join(lines)


def _stream_map(ladder: Plan) -> str:
    entries = [
        f"v:{i},a:{i},name:{rung.name}" if ladder.audio else f"v:{i},name:{rung.name}"
        for i, rung in enumerate(ladder.rungs)
    ]
    if ladder.audio:
        entries.append(f"a:{len(ladder.rungs)},name:audio")
    return " ".join(entries)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _clock(seconds: float) -> str:
    whole, millis = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{millis:03d}"
