"""Copying one account's media from Meta into our storage, once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog

from mia_meta_ingest.accounts.directory import KnownAccount
from mia_meta_ingest.media.graph import GraphMediaClient, MediaDownloadError
from mia_meta_ingest.media.storage import MediaStorage, media_key

__all__ = ["MediaFetcher", "NoAccessToken"]

logger = structlog.get_logger(__name__)


class NoAccessToken(MediaDownloadError):
    """The account's state carries no usable access token: media cannot be downloaded."""


class MediaFetcher:
    def __init__(
        self,
        *,
        storage: MediaStorage,
        graph: GraphMediaClient,
        max_bytes: int,
    ) -> None:
        self.storage = storage
        self._graph = graph
        self._max_bytes = max_bytes

    async def ensure_stored(self, account: KnownAccount, media_id: str) -> str:
        """The storage key of ``media_id``, downloading it first when we don't have it.

        Two workers racing on the same media both download it; the second write replaces
        the first with identical bytes, which is cheaper than a lock on every media.
        """
        key = media_key(account.tenant_id, account.id, media_id)
        if await self.storage.exists(key):
            return key
        token = account.access_token
        if token is None:
            raise NoAccessToken(
                f"channel account {account.id} has no usable access token to download media "
                "with; enter its access token again"
            )
        with tempfile.TemporaryDirectory(prefix="mia-media-") as directory:
            path = Path(directory) / "download"
            downloaded = await self._graph.download(
                media_id, token=token, into=path, max_bytes=self._max_bytes
            )
            await self.storage.put_file(key, path, downloaded.mime_type)
        logger.info("media stored", media_id=media_id, bytes=downloaded.size, key=key)
        return key
