"""Background work in one process: huey consumer threads, the search-outbox drainer, the
watch for jobs whose worker died and the periodic sweeper.

`kholieu serve` starts it inside the web process (embedded SQLite queue); `kholieu worker`
runs the same pieces as a dedicated process (Redis queue in production).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from kholieu.gc import sweep_round
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
        self._sweeper = threading.Thread(target=self._sweep, name="sweeper", daemon=True)

    def _requeue_stale(self) -> None:
        while not self._stop.wait(self.platform.settings.job_stale_s / 2):
            try:
                self.platform.queue.requeue_stale()
            except Exception as exc:  # the database may be briefly away; try next round
                log.warning("could not look for stale jobs: %s", exc)

    def _sweep(self) -> None:
        """The sweeper (kholieu/gc.py) every KHOLIEU_GC_INTERVAL_S, in whichever process claims
        the interval first; looked for more often than that (at most every five minutes) so
        that a restart does not skip a round."""
        settings = self.platform.settings
        interval = settings.gc_interval_s
        older_than = timedelta(seconds=settings.gc_older_than_s)
        while not self._stop.wait(min(interval, 300)):
            try:
                sweep_round(self.platform.sweeper, older_than, interval, settings.job_stale_s,
                            stopping=self._stop.is_set)  # fmt: skip
            except Exception as exc:  # the store or the database away: the next round retries
                log.warning("the sweeper could not finish: %s", exc)

    def _threads(self) -> list[threading.Thread]:
        sweeping = [self._sweeper] if self.platform.settings.gc_interval_s > 0 else []
        return [self._drainer, self._reaper, *sweeping]

    def start(self) -> None:
        self.consumer.start()
        for thread in self._threads():
            thread.start()
        log.info(
            "background work started: %d job threads and the outbox drainer", self.consumer.workers
        )

    def stop(self) -> None:
        self._stop.set()
        self.platform.outbox.wake()
        self.consumer.stop(graceful=True)
        for thread in self._threads():
            if thread.is_alive():
                thread.join(timeout=10)

    def run(self) -> None:
        """Block in the consumer's loop (signals handled by huey): `kholieu worker`."""
        for thread in self._threads():
            thread.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()
            self.platform.outbox.wake()
