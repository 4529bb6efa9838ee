"""A switchable TCP proxy for fault tests: put it between the app and a dependency (moto's S3
server) and make the dependency go down, hang, or break off part-way, at a moment the test
chooses by state (bytes forwarded), not by time."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Literal

Mode = Literal["up", "slow", "down", "hang"]
FLOWING = ("up", "slow")


class Switch:
    """``127.0.0.1:<port>`` forwarding to ``target`` while ``up``.

    ``slow``: bytes from the target are held ``delay_s`` per chunk of up to 64 KiB (a congested
    link or a busy disk: answers come, late). ``down``: every connection, open or new, is
    reset (what a stopped server or a cut network looks like to a client). ``hang``:
    connections are accepted and never answered (a server whose disk or process froze).
    ``down_after(n)``: go down once ``n`` more bytes have come back from the target — in the
    middle of a download.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode: Mode = "up"
        self.delay_s = 0.0
        self.forwarded = 0  # bytes from the target to clients, in total
        self.refused = 0  # connections reset or left hanging since the last "up"
        self._cut_at: int | None = None
        self._went_down = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()  # forwarded connections, both ends
        self._hanging: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="fault-switch", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: Mode, *, delay_s: float = 0.0) -> None:
        with self._lock:
            self.mode, self.delay_s = mode, delay_s
            self._cut_at = None
            if mode in FLOWING:
                self.refused = 0
                self._went_down.clear()
            else:
                self._went_down.set()
        if mode == "down":
            self._reset_all(hanging=True)
        elif mode == "hang":  # pooled connections would go on working: they go too
            self._reset_all()

    def down_after(self, more_bytes: int) -> None:
        with self._lock:
            self._cut_at = self.forwarded + more_bytes

    def wait_down(self, timeout: float = 120) -> None:
        assert self._went_down.wait(timeout), "the switch never went down"

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self._reset_all(hanging=True)

    # -- the proxy ---------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                self.refused += 1
                _reset(client)
                continue
            if self.mode == "hang":
                self.refused += 1
                with self._lock:
                    self._hanging.add(client)
                threading.Thread(target=_swallow, args=(client,), daemon=True).start()
                continue
            self._track(client)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)
                continue
            upstream.settimeout(None)
            self._track(upstream)
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_target: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if self.mode not in FLOWING:
                    break
                if from_target:
                    chunk = self._count(chunk)
                    if chunk is None:
                        break
                    if self.delay_s:
                        time.sleep(self.delay_s)
                sink.sendall(chunk)
        except OSError:
            pass
        if self.mode in FLOWING:
            _shut(sink)
        else:
            _reset(source)
            _reset(sink)

    def _count(self, chunk: bytes) -> bytes | None:
        """``chunk`` as it may pass, or None once the switch went down at its cut."""
        with self._lock:
            if self._cut_at is not None and self.forwarded + len(chunk) >= self._cut_at:
                self.mode, self._cut_at = "down", None
                self._went_down.set()
                return None
            self.forwarded += len(chunk)
            return chunk

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _reset_all(self, *, hanging: bool = False) -> None:
        with self._lock:
            sockets, self._open = self._open, set()
            if hanging:
                sockets |= self._hanging
                self._hanging = set()
        for sock in sockets:
            _reset(sock)


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a peer that died does, not a polite FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_WR)


def _swallow(sock: socket.socket) -> None:
    """Read and never answer, until the test resets the connection."""
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


@contextmanager
def switch_in_front_of(url: str) -> Iterator[Switch]:
    host, port = url.removeprefix("http://").split(":")
    switch = Switch(host, int(port))
    try:
        yield switch
    finally:
        switch.close()
