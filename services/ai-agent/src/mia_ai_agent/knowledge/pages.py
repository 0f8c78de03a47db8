"""Fetching a web page for a knowledge base: bounded in time, size and destination.

The address is the tenant's to choose, so the fetch must not become a way into our own
network: only http(s), and (unless the settings allow it, as tests and a local run do)
never a host that resolves to a private, loopback or link-local address, checked again at
every redirect. The body is read as a stream and abandoned past the size cap; only pages
(HTML, text, Markdown) and PDFs are taken.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from mia_ai_agent.knowledge.errors import DocumentTooLarge, PageUnavailable, UrlRefused
from mia_ai_agent.knowledge.parsing import HTML, MARKDOWN, PDF, TEXT

__all__ = ["FetchedPage", "PageFetcher"]

_TAKEN = {HTML, TEXT, MARKDOWN, PDF, "application/xhtml+xml", "text/x-markdown"}
_REDIRECTS = 5


@dataclass(frozen=True)
class FetchedPage:
    url: str
    content_type: str
    data: bytes


class PageFetcher:
    def __init__(
        self, *, timeout_seconds: float, max_bytes: int, allow_private_networks: bool
    ) -> None:
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._allow_private = allow_private_networks

    async def fetch(self, url: str) -> FetchedPage:
        async with httpx.AsyncClient(
            timeout=self._timeout,
            follow_redirects=False,
            headers={"User-Agent": "MasterIA-knowledge/1 (+knowledge base import)"},
        ) as client:
            for _ in range(_REDIRECTS + 1):
                await self._check_destination(url)
                try:
                    async with client.stream("GET", url) as response:
                        if response.is_redirect and "location" in response.headers:
                            url = urljoin(url, response.headers["location"])
                            continue
                        return await self._read(url, response)
                except httpx.TimeoutException:
                    raise PageUnavailable(f"{url} did not answer in {self._timeout:g} s") from None
                except httpx.HTTPError as error:
                    raise PageUnavailable(f"{url} could not be fetched: {error}") from None
        raise PageUnavailable(f"more than {_REDIRECTS} redirects")

    async def _read(self, url: str, response: httpx.Response) -> FetchedPage:
        if response.status_code != 200:
            raise PageUnavailable(
                f"{url} answered {response.status_code}", page_status=response.status_code
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in _TAKEN:
            raise PageUnavailable(
                f"{url} is {content_type or 'of no declared type'}: a page (HTML or text) or a"
                " PDF is needed"
            )
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise DocumentTooLarge(f"the page is larger than {self._max_bytes} bytes")
        body = bytearray()
        async for piece in response.aiter_bytes():
            body.extend(piece)
            if len(body) > self._max_bytes:
                raise DocumentTooLarge(f"the page is larger than {self._max_bytes} bytes")
        return FetchedPage(url=str(response.url), content_type=content_type, data=bytes(body))

    async def _check_destination(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UrlRefused(f"{url!r} is not an http(s) address")
        if self._allow_private:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                parts.hostname,
                parts.port or (443 if parts.scheme == "https" else 80),
                type=socket.SOCK_STREAM,
            )
        except OSError:
            raise PageUnavailable(f"{parts.hostname} does not resolve") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise UrlRefused(f"{parts.hostname} is not a public address")
