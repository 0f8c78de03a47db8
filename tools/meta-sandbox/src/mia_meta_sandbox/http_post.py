"""A lean HTTP/1.1 keep-alive client that only POSTs: the webhook sender's transport.

Why not httpx here: under the sender benchmark the sandbox posts thousands of webhooks a
second, and measured on the development machine httpx spends about 2 ms of CPU per POST
(4-5 ms with a 32-connection pool, whose bookkeeping scans every connection on every
request) against about 0.1 ms for this loop over asyncio streams. Webhooks are the one
hot path; everything else in the sandbox uses httpx.

It speaks just what a webhook receiver answers: a status line, headers, and a body
delimited by Content-Length, chunked encoding or the end of the connection. Connections
are kept per origin and reused; one that went stale while idle is retried once on a
fresh connection before the attempt counts as failed.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["PostError", "PostResponse", "WebhookPoster"]

MAX_BODY = 64 * 1024
# Receivers (uvicorn: 5 s) close idle keep-alive connections; give up on ours a bit sooner.
IDLE_SECONDS = 4.0
Origin = tuple[str, str, int]


class PostError(Exception):
    """The POST got no usable answer: refused, reset, timed out or malformed."""


@dataclass(frozen=True, slots=True)
class PostResponse:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, limit: int = 200) -> str:
        return self.body[:limit].decode("utf-8", "replace")


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def close(self) -> None:
        self.writer.close()


class _Stale(Exception):
    """A reused connection was closed by the peer before any answer: try a fresh one."""


def _origin(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PostError(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (parts.scheme, parts.hostname, port), target


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, bool]:
    """The body, and whether the connection can carry another request."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = bytearray()
        while True:
            size_line = await reader.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailers, if any, end with an empty line.
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(chunks[:MAX_BODY]), True
            data = await reader.readexactly(size + 2)
            if len(chunks) < MAX_BODY:
                chunks.extend(data[:-2])
    if "content-length" in headers:
        length = int(headers["content-length"])
        data = await reader.readexactly(length)
        return data[:MAX_BODY], True
    return (await reader.read(MAX_BODY)), False


class WebhookPoster:
    def __init__(self, *, connections: int, timeout_seconds: float, user_agent: str) -> None:
        self._slots = asyncio.Semaphore(connections)
        self._timeout = timeout_seconds
        self._user_agent = user_agent
        self._idle: dict[Origin, deque[_Connection]] = defaultdict(deque)
        self._ssl = ssl.create_default_context()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostResponse:
        """POST ``body``; raises ``PostError`` when no HTTP answer came back in time."""
        origin, target = _origin(url)
        host_header = origin[1] if origin[2] in (80, 443) else f"{origin[1]}:{origin[2]}"
        lines = [
            f"POST {target} HTTP/1.1",
            f"Host: {host_header}",
            f"User-Agent: {self._user_agent}",
            f"Content-Length: {len(body)}",
            "Connection: keep-alive",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        async with self._slots:
            try:
                async with asyncio.timeout(self._timeout):
                    reused = self._take_idle(origin)
                    if reused is not None:
                        try:
                            return await self._exchange(origin, reused, request, reused=True)
                        except _Stale:
                            pass
                    fresh = await self._connect(origin)
                    return await self._exchange(origin, fresh, request, reused=False)
            except TimeoutError:
                raise PostError(f"no answer within {self._timeout}s") from None
            except (OSError, asyncio.IncompleteReadError, ValueError, _Stale) as exc:
                raise PostError(f"{type(exc).__name__}: {exc}") from None

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle[origin]
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if now - connection.idle_since < IDLE_SECONDS and not connection.reader.at_eof():
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        reader, writer = await asyncio.open_connection(
            host, port, ssl=self._ssl if scheme == "https" else None, limit=MAX_BODY
        )
        return _Connection(reader, writer)

    async def _exchange(
        self, origin: Origin, connection: _Connection, request: bytes, *, reused: bool
    ) -> PostResponse:
        keep = False
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            status_line = await connection.reader.readline()
            if not status_line:
                if reused:
                    raise _Stale()
                raise PostError("the connection closed without an answer")
            version, _, rest = status_line.decode("latin-1").partition(" ")
            if not version.startswith("HTTP/1."):
                raise PostError(f"not an HTTP/1.x answer: {status_line[:80]!r}")
            status = int(rest.split(" ", 1)[0])
            headers: dict[str, str] = {}
            while True:
                line = await connection.reader.readline()
                if line in (b"\r\n", b"\n"):
                    break
                if not line:
                    raise PostError("the connection closed inside the headers")
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body, reusable = await _read_body(connection.reader, headers)
            keep = reusable and headers.get("connection", "").lower() != "close"
            return PostResponse(status, body)
        finally:
            if keep:
                connection.idle_since = time.monotonic()
                self._idle[origin].append(connection)
            else:
                connection.close()

    async def aclose(self) -> None:
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        self._idle.clear()
