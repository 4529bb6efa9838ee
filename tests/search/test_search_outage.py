"""Killing the search engine during edits loses no update once it is back.

The engine here is a real process (osmem-server, an Elasticsearch-API server) killed with
SIGKILL in the middle of a run of edits, then started again on the same address. It comes back
empty (it keeps nothing on disk), so this also covers a cluster that lost its indices: the
outbox notices, rebuilds from the database and then replays what it still held.
With KHOLIEU_TEST_ES_URL set there is no process of ours to kill, so this test skips.
"""

from __future__ import annotations

import pytest

from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.errors import SearchUnavailable
from kholieu.search.query import SearchRequest
from kholieu.services import build_services
from tests.conftest import _empty_tables, make_settings
from tests.support import search_engines
from tests.support.ports import free_port

pytestmark = pytest.mark.skipif(
    bool(search_engines.ES_URL), reason="needs an engine process of its own to kill"
)


def titles(services) -> set[str]:
    services.search.refresh("content")
    result = services.searching.search(None, SearchRequest(size=50), system=True)
    return {hit.title for hit in result.hits}


def test_killing_the_engine_during_edits_loses_nothing(tmp_path, database_url):
    addr = f"127.0.0.1:{free_port()}"
    engine = search_engines.start_osmem(tmp_path, addr)
    backend = search_engines.elastic_backend(engine.url)
    services = build_services(make_settings(tmp_path, database_url=database_url), search=backend)
    _empty_tables(services.engine)
    try:
        ids = []
        for n in range(5):
            with services.sessions.begin() as session:
                data = ContentIn(kind="lecture", title=f"Bài {n}", subject="toan", grade=9)
                ids.append(services.content.create(session, None, data).id)
        services.outbox.drain()
        assert titles(services) == {f"Bài {n}" for n in range(5)}

        engine.stop()  # SIGKILL, mid-run
        for n, item_id in enumerate(ids[:3]):  # edits still succeed
            with services.sessions.begin() as session:
                patch = ContentPatch(title=f"Bài {n} (sửa khi máy tìm kiếm tắt)")
                services.content.update(session, None, item_id, patch)
        with services.sessions.begin() as session:
            data = ContentIn(kind="video", title="Bài mới khi tắt", subject="toan", grade=9)
            services.content.create(session, None, data)
        with pytest.raises(SearchUnavailable):
            services.outbox.drain()
        assert services.outbox.lag().pending == 4

        engine = search_engines.start_osmem(tmp_path, addr)  # back, and empty
        services.outbox.drain()
        assert services.outbox.lag().pending == 0
        assert titles(services) == {
            "Bài 0 (sửa khi máy tìm kiếm tắt)", "Bài 1 (sửa khi máy tìm kiếm tắt)",
            "Bài 2 (sửa khi máy tìm kiếm tắt)", "Bài 3", "Bài 4", "Bài mới khi tắt",
        }  # fmt: skip
        assert not engine.ignored()
    finally:
        engine.stop()
        _empty_tables(services.engine)
        services.close()
