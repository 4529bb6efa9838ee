"""Search engines for tests: the embedded tantivy backend, and Elasticsearch — a real cluster
when KHOLIEU_TEST_ES_URL is set, otherwise osmem-server (an Elasticsearch-API emulator)
started here on 127.0.0.1 with its stderr kept, so a test can fail when it says it ignored
part of our analysis settings."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from elastic_transport import Urllib3HttpNode

from kholieu.search.elastic import ElasticBackend

ES_URL = os.environ.get("KHOLIEU_TEST_ES_URL")
IGNORED = "not supported; ignored"


class PlainJsonNode(Urllib3HttpNode):
    """Test configuration only: the official client asks for
    ``application/vnd.elasticsearch+json; compatible-with=N``, which osmem refuses (406)."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers is not None:
            headers = headers.copy()
            for name in list(headers):
                if name.lower() in ("accept", "content-type"):
                    headers[name] = "application/json"
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


@dataclass
class Osmem:
    process: subprocess.Popen
    url: str
    stderr: Path

    def ignored(self) -> list[str]:
        """Lines where osmem said it ignored a setting (our analysis would silently differ)."""
        text = self.stderr.read_text(errors="replace")
        return [line for line in text.splitlines() if IGNORED in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


def start_osmem(workdir: Path, addr: str | None = None) -> Osmem:
    from osmem_server import resolve_binary

    stderr = workdir / f"osmem-{uuid.uuid4().hex[:6]}.log"
    args = [resolve_binary(), "--parent-pid", str(os.getpid()), "--no-ja"]
    if addr:
        args += ["--addr", addr]
    with stderr.open("w") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
        )
    ready: dict = {}

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and "url" in message:
                ready.update(message)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(30)
    if not ready:
        process.kill()
        raise RuntimeError(f"osmem-server did not start: {stderr.read_text()[-500:]}")
    return Osmem(process, ready["url"], stderr)


def elastic_backend(url: str, prefix: str | None = None) -> ElasticBackend:
    """A backend on its own index names, so tests never see each other's documents."""
    return ElasticBackend(
        [url],
        prefix=prefix or f"t{uuid.uuid4().hex[:10]}-",
        node_class=None if ES_URL else PlainJsonNode,
        retries=0,
        timeout=10,
    )


def drop_indices(backend: ElasticBackend) -> None:
    """Delete this backend's indices by name (a real cluster refuses wildcard deletes)."""
    names = list(backend.client.indices.get(index=f"{backend.prefix}*", expand_wildcards="all"))
    if names:
        backend.client.options(ignore_status=404).indices.delete(index=",".join(names))
