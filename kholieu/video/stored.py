"""The shapes of a video file's stored JSON (``ContentFile.media`` and ``ContentFile.hls``),
checked by ``kholieu.db.types.Stored``."""

from __future__ import annotations

from kholieu.db.types import StoredModel


class MediaSummary(StoredModel):
    """``ContentFile.media``: what ffprobe read at upload, ``media.MediaInfo.as_json()``; the
    transcoder rebuilds a ``MediaInfo`` from it rather than probing again."""

    duration: float  # seconds
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    bit_rate: int | None  # bits per second, when the container says
    has_audio: bool


class Rendition(StoredModel):
    name: str  # "240p" … "720p", or "audio" for the audio-only rendition
    height: int  # 0 for audio
    kbps: int  # video and audio together


class HlsSummary(StoredModel):
    """``ContentFile.hls``: the stored ladder (``transcode._summary``), set once every output
    is in the store; the file names are relative to ``hls/<sha256>/``."""

    duration: float
    renditions: list[Rendition]
    master: str
    poster: str
    sprite: str
    thumbnails: str
