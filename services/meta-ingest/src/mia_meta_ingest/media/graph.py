"""Downloading one media object from the Graph API: its metadata, then its bytes.

``GET /{version}/{media-id}`` answers a short-lived download URL; that URL wants the
same bearer token. Both steps use the account's own token.

Every way a download can fail is a ``MediaDownloadError`` saying why, for a person: Meta
no longer has the media (``MediaGone``), it is over our limit (``MediaTooLarge``), Meta
refused the request (``GraphRefused``: the token expired or lacks a permission; retrying
will not help until someone acts), Meta is down, limiting us or unreachable
(``GraphUnavailable``, ``GraphTimeout``: retry later), or Meta's answer was unusable
(``GraphBadAnswer``). A refusal is read as Meta asks integrators to: by its Graph error
``code`` first, the HTTP status otherwise (as the sender reads its sends' refusals).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

__all__ = [
    "Downloaded",
    "GraphBadAnswer",
    "GraphMediaClient",
    "GraphRefused",
    "GraphTimeout",
    "GraphUnavailable",
    "MediaDownloadError",
    "MediaGone",
    "MediaTooLarge",
]

# Graph's codes: the token (0 AuthException, 190 expired or invalidated), a permission
# (3 capability, 10 denied, 200-299 API permissions), throttling (4 app, 80007 WABA,
# 130429 Cloud API throughput), outages (1 unknown, 2 service unavailable).
_TOKEN_CODES = frozenset({0, 190})
_PERMISSION_CODES = frozenset({3, 10, *range(200, 300)})
_THROTTLE_CODES = frozenset({4, 80007, 130429})
_OUTAGE_CODES = frozenset({1, 2})
# 100 on a media id: "Object with ID ... does not exist" (expired, or never ours).
_UNKNOWN_OBJECT = 100
# An error body is a few hundred bytes; more than this is not Graph talking.
_ERROR_BODY_LIMIT = 16 * 1024
_A_DAY = 86400.0


class MediaDownloadError(Exception):
    """A media download that did not succeed; the message says why, for a person."""

    def __init__(
        self, detail: str, *, meta_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.meta_code = meta_code
        self.retry_after = retry_after


class MediaGone(MediaDownloadError):
    """Meta no longer has it (ids expire) or never had it: retrying won't help."""


class MediaTooLarge(MediaDownloadError):
    """Over ``MIA_META_INGEST_MEDIA_MAX_BYTES``: never downloaded whole."""


class GraphRefused(MediaDownloadError):
    """Meta refused the request (the token, a permission...): a person must act first."""


class GraphUnavailable(MediaDownloadError):
    """Meta is down, limiting our requests, or unreachable: worth retrying later."""


class GraphTimeout(GraphUnavailable):
    """Meta did not answer within the client's timeout."""


class GraphBadAnswer(MediaDownloadError):
    """Meta answered something we cannot use (a damaged download, metadata without a URL);
    a retry fetches it again."""


@dataclass(frozen=True, slots=True)
class Downloaded:
    mime_type: str
    size: int
    sha256: str


class GraphMediaClient:
    def __init__(self, http: httpx.AsyncClient, *, graph_url: str, version: str) -> None:
        self._http = http
        self._base = f"{graph_url.rstrip('/')}/{version}"

    async def download(
        self, media_id: str, *, token: str, into: Path, max_bytes: int
    ) -> Downloaded:
        try:
            return await self._download(media_id, token=token, into=into, max_bytes=max_bytes)
        except httpx.TimeoutException as exc:
            raise GraphTimeout(
                f"Meta did not answer in time for media {media_id}; try again shortly"
            ) from exc
        except httpx.TransportError as exc:
            raise GraphUnavailable(
                f"Meta could not be reached for media {media_id} ({type(exc).__name__}); "
                "try again shortly"
            ) from exc

    async def _download(
        self, media_id: str, *, token: str, into: Path, max_bytes: int
    ) -> Downloaded:
        auth = {"Authorization": f"Bearer {token}"}
        meta = await self._http.get(f"{self._base}/{media_id}", headers=auth)
        if meta.status_code != 200:
            raise _refusal(meta, meta.content[:_ERROR_BODY_LIMIT], media_id=media_id)
        info = _metadata(meta.content, media_id)
        declared = info.file_size
        if declared > max_bytes:
            raise MediaTooLarge(
                f"media {media_id} is {declared} bytes, over the limit of {max_bytes}"
            )
        digest = hashlib.sha256()
        size = 0
        async with self._http.stream("GET", info.url, headers=auth) as response:
            if response.status_code != 200:
                raise _refusal(
                    response, await _error_body(response), media_id=media_id, step="download"
                )
            with into.open("wb") as file:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaTooLarge(
                            f"media {media_id} is over the limit of {max_bytes} bytes"
                        )
                    digest.update(chunk)
                    file.write(chunk)
        sha256 = digest.hexdigest()
        if info.sha256 is not None and info.sha256 != sha256:
            raise GraphBadAnswer(
                f"the download of media {media_id} does not match the sha256 Meta gave; try again"
            )
        mime_type = info.mime_type or response.headers.get("content-type") or ""
        return Downloaded(mime_type or "application/octet-stream", size, sha256)


@dataclass(frozen=True, slots=True)
class _Metadata:
    url: str
    file_size: int
    mime_type: str
    sha256: str | None


def _metadata(raw: bytes, media_id: str) -> _Metadata:
    try:
        info = orjson.loads(raw)
        url = info["url"]
        file_size = int(info.get("file_size") or 0)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise GraphBadAnswer(
            f"Meta's description of media {media_id} has no usable download URL; try again"
        ) from exc
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise GraphBadAnswer(f"Meta's description of media {media_id} has no usable URL")
    expected = info.get("sha256")
    return _Metadata(
        url=url,
        file_size=file_size,
        mime_type=str(info.get("mime_type") or ""),
        sha256=expected.lower() if isinstance(expected, str) and len(expected) == 64 else None,
    )


async def _error_body(response: httpx.Response) -> bytes:
    """The first bytes of a refused streamed answer (an error body is small)."""
    body = b""
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= _ERROR_BODY_LIMIT:
            break
    return body[:_ERROR_BODY_LIMIT]


def _refusal(
    response: httpx.Response, body: bytes, *, media_id: str, step: str = "metadata"
) -> MediaDownloadError:
    """The error of a non-200 Graph answer, by Meta's error code, else its HTTP status."""
    status = response.status_code
    code, message, transient = _graph_error(body)
    said = f"Meta answered {status}" + (f": {message}" if message else "")
    if status == 404 or (status == 400 and step == "metadata" and code in (None, _UNKNOWN_OBJECT)):
        return MediaGone(
            f"Meta no longer has media {media_id} (its ids expire) or never had it ({said})",
            meta_code=code,
        )
    if status == 401 or code in _TOKEN_CODES:
        return GraphRefused(
            f"Meta refused the account's access token ({said}); enter a new token for the account",
            meta_code=code,
        )
    if status == 403 or code in _PERMISSION_CODES:
        return GraphRefused(
            f"Meta refused the download of media {media_id} ({said}); the access token may "
            "lack the whatsapp_business_messaging permission",
            meta_code=code,
        )
    if status == 429 or code in _THROTTLE_CODES:
        return GraphUnavailable(
            f"Meta is limiting our requests ({said}); try again shortly",
            meta_code=code,
            retry_after=_retry_after(response.headers.get("retry-after")),
        )
    if status >= 500 or transient or code in _OUTAGE_CODES:
        return GraphUnavailable(
            f"Meta is unavailable ({said}); try again shortly",
            meta_code=code,
            retry_after=_retry_after(response.headers.get("retry-after")),
        )
    return GraphRefused(f"Meta refused the download of media {media_id} ({said})", meta_code=code)


def _graph_error(body: bytes) -> tuple[int | None, str | None, bool]:
    """``(code, message, is_transient)`` of a Graph error body; Nones when it is not one."""
    try:
        parsed: Any = orjson.loads(body)
    except ValueError:
        return None, None, False
    error = parsed.get("error") if isinstance(parsed, Mapping) else None
    if not isinstance(error, Mapping):
        return None, None, False
    code = error.get("code")
    message = error.get("message")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        message if isinstance(message, str) and message else None,
        error.get("is_transient") is True,
    )


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (Graph sends seconds, never an HTTP date)."""
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < _A_DAY else None
