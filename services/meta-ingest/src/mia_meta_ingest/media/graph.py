"""Downloading one media object from the Graph API: its metadata, then its bytes.

``GET /{version}/{media-id}`` answers a short-lived download URL; that URL wants the
same bearer token. Both steps use the account's own token.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Downloaded", "GraphMediaClient", "MediaGone", "MediaTooLarge"]


class MediaGone(Exception):
    """Meta no longer has it (ids expire after 7 days) or never had it: retrying won't help."""


class MediaTooLarge(Exception):
    pass


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
        auth = {"Authorization": f"Bearer {token}"}
        meta = await self._http.get(f"{self._base}/{media_id}", headers=auth)
        if meta.status_code in (400, 404):
            raise MediaGone(f"Graph API answered {meta.status_code} for media {media_id}")
        meta.raise_for_status()
        info = meta.json()
        declared = int(info.get("file_size") or 0)
        if declared > max_bytes:
            raise MediaTooLarge(f"media {media_id} is {declared} bytes, over {max_bytes}")
        digest = hashlib.sha256()
        size = 0
        async with self._http.stream("GET", str(info["url"]), headers=auth) as response:
            if response.status_code == 404:
                raise MediaGone(f"the download URL of media {media_id} is gone")
            response.raise_for_status()
            with into.open("wb") as file:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaTooLarge(f"media {media_id} is over {max_bytes} bytes")
                    digest.update(chunk)
                    file.write(chunk)
        sha256 = digest.hexdigest()
        expected = info.get("sha256")
        if isinstance(expected, str) and len(expected) == 64 and expected.lower() != sha256:
            # A truncated or altered download: a retry fetches it again.
            raise httpx.TransportError(f"media {media_id}: sha256 mismatch")
        mime_type = str(info.get("mime_type") or response.headers.get("content-type") or "")
        return Downloaded(mime_type or "application/octet-stream", size, sha256)
