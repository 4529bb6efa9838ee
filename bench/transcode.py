"""The video pipeline against the bare ffmpeg command producing the same ladder.

A 60-second 720p source (ffmpeg's test pattern and a tone) is transcoded
  - by the bare command: exactly the argv the pipeline builds, run by hand into a folder;
  - by the pipeline: attach the file to an item (type check, SHA-256, ffprobe, decode check,
    store), then the queued job (probe, ffmpeg with progress, sprite, storing every output,
    the marker, the database) run by a worker thread, timed from queueing to success.
Runs alternate (bare, pipeline, bare, …) so the machine's noise hits both alike; the medians
are compared. Goal: pipeline / bare ≤ 1.05. The realtime factor is source seconds per wall
second of the pipeline.

    .venv/bin/python bench/transcode.py [--seconds 60] [--runs 3] [--preset veryfast]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kholieu.config import load_settings
from kholieu.content.schemas import ContentIn
from kholieu.db.migrate import upgrade
from kholieu.demo.video import make_test_video
from kholieu.jobs.models import Job
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import build_services
from kholieu.video import ladder, media


def bare(source: Path, info: media.MediaInfo, preset: str, work: Path) -> float:
    out, thumbs = work / "out", work / "thumbs"
    shutil.rmtree(work, ignore_errors=True)
    thumbs.mkdir(parents=True)
    command = ladder.command(source, out, thumbs, ladder.plan(info), preset=preset)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def pipeline(source: Path, preset: str, root: Path, run: int) -> tuple[float, float]:
    """(seconds to accept the upload, seconds from queueing to a playable video)."""
    data = root / f"run{run}"
    settings = load_settings(
        data_dir=data, search_url="null://", in_process_workers=0, video_preset=preset,
        log_format="json",
    )  # fmt: skip
    services = build_services(settings)
    upgrade(services.engine)
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        started = time.perf_counter()
        with services.sessions.begin() as session:
            item = services.content.create(
                session, None, ContentIn(kind="video", title="Bench", subject="toan", grade=6)
            )
            with source.open("rb") as stream:
                job_id = services.content.attach(session, None, item.id, stream, "b.mp4").job_id
        accepted = time.perf_counter()
        while True:
            with services.sessions() as session:
                status = session.get(Job, job_id).status
            if status == "succeeded":
                break
            if status in ("failed", "cancelled"):
                raise SystemExit(f"the pipeline's job {status}")
            time.sleep(0.02)
        done = time.perf_counter()
    finally:
        work.stop()
        services.close()
        shutil.rmtree(data, ignore_errors=True)
    return accepted - started, done - accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kholieu-bench-transcode-"))
    try:
        source = make_test_video(root / "source.mp4", seconds=args.seconds, preset="veryfast")
        info = media.probe(source, ffmpeg_path="ffmpeg", ffprobe_path="ffprobe", name="source")
        print(f"machine: {os.cpu_count()} cores, "
              f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
              f"{media.tools_status('ffmpeg', 'ffprobe')['version']}")  # fmt: skip
        print(f"source: {info.duration:.0f} s, {info.width}x{info.height}, {info.fps:g} fps, "
              f"{source.stat().st_size / 2**20:.1f} MiB; rungs "
              f"{', '.join(ladder.plan(info).names)}; preset {args.preset}")  # fmt: skip
        bare_times, accept_times, job_times = [], [], []
        for run in range(args.runs):
            bare_times.append(bare(source, info, args.preset, root / "bare"))
            accept, job = pipeline(source, args.preset, root, run)
            accept_times.append(accept)
            job_times.append(job)
            print(f"run {run + 1}: bare ffmpeg {bare_times[-1]:.2f} s; pipeline: upload "
                  f"accepted in {accept:.2f} s, transcoded and stored in {job:.2f} s")  # fmt: skip
        b, a, j = (statistics.median(x) for x in (bare_times, accept_times, job_times))
        print(f"median bare ffmpeg: {b:.2f} s")
        print(f"median pipeline job (queue → playable): {j:.2f} s; ratio to bare: {j / b:.3f} "
              "(goal ≤ 1.05)")  # fmt: skip
        print(f"median upload check (hash, type, ffprobe, decode check, store): {a:.2f} s; "
              f"job + check to bare: {(a + j) / b:.3f}")  # fmt: skip
        print(f"realtime factor: {info.duration / j:.2f}× (pipeline job), "
              f"{info.duration / b:.2f}× (bare)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
