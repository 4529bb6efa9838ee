"""Background work in one process: huey consumer threads, the search-outbox drainer and the
watch for jobs whose worker died.

`kholieu serve` starts it inside the web process (embedded SQLite queue); `kholieu worker`
runs the same pieces as a dedicated process (Redis queue in production).
"""

from __future__ import annotations

import logging
import threading

from kholieu.platform import Platform

log = logging.getLogger(__name__)


class BackgroundWork:
    def __init__(self, platform: Platform, workers: int, *, in_process: bool = True) -> None:
        self.platform = platform
        self.consumer = platform.queue.consumer(workers, in_process=in_process)
        self._stop = threading.Event()
        self._drainer = threading.Thread(
            target=platform.outbox.run_forever,
            args=(self._stop, platform.settings.outbox_interval_s),
            name="outbox-drainer",
            daemon=True,
        )
        self._reaper = threading.Thread(target=self._requeue_stale, name="job-reaper", daemon=True)

    def _requeue_stale(self) -> None:
        while not self._stop.wait(self.platform.settings.job_stale_s / 2):
            try:
                self.platform.queue.requeue_stale()
            except Exception as exc:  # the database may be briefly away; try next round
                log.warning("could not look for stale jobs: %s", exc)

    def start(self) -> None:
        self.consumer.start()
        self._drainer.start()
        self._reaper.start()
        log.info(
            "background work started: %d job threads and the outbox drainer", self.consumer.workers
        )

    def stop(self) -> None:
        self._stop.set()
        self.platform.outbox.wake()
        self.consumer.stop(graceful=True)
        self._drainer.join(timeout=10)
        self._reaper.join(timeout=10)

    def run(self) -> None:
        """Block in the consumer's loop (signals handled by huey): `kholieu worker`."""
        self._drainer.start()
        self._reaper.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()
            self.platform.outbox.wake()
