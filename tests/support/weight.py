"""What a page costs on the wire: every response of a cold load (a fresh browser context, so
no cache), as Chromium counted its bytes (DevTools' ``Network.loadingFinished``
``encodedDataLength``: the compressed body and the headers, as they came over the network).
Shared by tests/e2e/test_site_delivery.py and bench/page_weight.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Transfer:
    url: str
    mime: str
    encoding: str
    status: int
    bytes: int


@dataclass
class Weight:
    url: str
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.bytes for t in self.transfers)

    def lines(self) -> list[str]:
        rows = sorted(self.transfers, key=lambda t: -t.bytes)
        return [f"{t.bytes:>8}  {t.encoding or '-':<5} {t.mime:<28} {t.url}" for t in rows]


def cold_load(browser, url: str, *, storage_state=None, viewport=None) -> Weight:
    """Load ``url`` in a new context (empty cache), wait until the network is quiet (lazy
    images in view included), and return what came over the wire."""
    context = browser.new_context(
        storage_state=storage_state, viewport=viewport or {"width": 1366, "height": 768}
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen: dict[str, dict] = {}
    done: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: seen.__setitem__(e["requestId"], e["response"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: done.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="networkidle")
    weight = Weight(url)
    for request_id, size in done.items():
        response = seen.get(request_id)
        if response is None:
            continue
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        weight.transfers.append(
            Transfer(
                url=response["url"],
                mime=response.get("mimeType", ""),
                encoding=headers.get("content-encoding", ""),
                status=int(response.get("status", 0)),
                bytes=size,
            )
        )
    context.close()
    return weight
