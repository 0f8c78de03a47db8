"""The webhook transport: keep-alive reuse, response framings, stale connections, timeouts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from mia_common.testing import wait_until
from mia_meta_sandbox.http_post import PostError, WebhookPoster
from mia_meta_sandbox.testing import free_listener


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return await reader.readexactly(length)


@asynccontextmanager
async def _raw_server(answer: bytes, *, close_after: bool = False) -> AsyncIterator[dict[str, int]]:
    """An HTTP server written by hand, answering ``answer`` to every request."""
    seen = {"connections": 0, "requests": 0, "closed": 0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen["connections"] += 1
        try:
            while True:
                await _read_request(reader)
                seen["requests"] += 1
                writer.write(answer)
                await writer.drain()
                if close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            seen["closed"] += 1

    listener, url = free_listener()
    server = await asyncio.start_server(handle, sock=listener)
    seen["port"] = int(url.rsplit(":", 1)[1])
    async with server:
        yield seen


def _poster(timeout: float = 2.0) -> WebhookPoster:
    return WebhookPoster(connections=4, timeout_seconds=timeout, user_agent="test")


async def test_chunked_answers_are_read_and_the_connection_reused() -> None:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
    async with _raw_server(answer) as seen:
        poster = _poster()
        url = f"http://127.0.0.1:{seen['port']}/hook"
        first = await poster.post(url, b"{}", {"Content-Type": "application/json"})
        second = await poster.post(url, b"{}", {})
        await poster.aclose()

    assert (first.status, first.body, second.ok) == (200, b"ok", True)
    assert (seen["connections"], seen["requests"]) == (1, 2)


async def test_connection_close_is_honoured() -> None:
    answer = b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope"
    async with _raw_server(answer, close_after=True) as seen:
        poster = _poster()
        url = f"http://127.0.0.1:{seen['port']}/hook"
        first = await poster.post(url, b"{}", {})
        second = await poster.post(url, b"{}", {})
        await poster.aclose()

    assert (first.status, first.text(), second.status) == (500, "nope", 500)
    assert seen["connections"] == 2


async def test_a_connection_closed_while_idle_is_replaced_transparently() -> None:
    # Keep-alive promised, but the server hangs up after each answer (as an idle timeout).
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    async with _raw_server(answer, close_after=True) as seen:
        poster = _poster()
        url = f"http://127.0.0.1:{seen['port']}/hook"
        await poster.post(url, b"{}", {})
        # The server hangs up while the connection sits idle in the poster's pool.
        await wait_until(lambda: seen["closed"] == 1, message="the server's hang-up")
        second = await poster.post(url, b"{}", {})
        await poster.aclose()

    assert second.ok
    assert seen["requests"] == 2


async def test_a_silent_server_times_out() -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    listener, url = free_listener()
    server = await asyncio.start_server(never_answer, sock=listener)
    async with server:
        poster = _poster(timeout=0.2)
        with pytest.raises(PostError, match="no answer"):
            await poster.post(f"{url}/hook", b"{}", {})
        await poster.aclose()


async def test_a_refused_connection_is_a_post_error() -> None:
    listener, url = free_listener()
    listener.close()
    poster = _poster()

    with pytest.raises(PostError):
        await poster.post(f"{url}/hook", b"{}", {})
    with pytest.raises(PostError, match="not an http"):
        await poster.post("ftp://example.com/x", b"{}", {})
