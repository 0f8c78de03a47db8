"""Copying one account's media from Meta into our storage, once, unless its sender was
erased: a listed key (``erased_media``) is never copied, and a copy that finds its key
listed after it stored the file deletes it (the erasure may have deleted before the file
was written; ``mia_meta_ingest.erasure.handlers`` says why no file is left)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_meta_ingest.accounts.directory import KnownAccount
from mia_meta_ingest.erasure.repository import is_erased
from mia_meta_ingest.media.graph import GraphMediaClient, MediaDownloadError
from mia_meta_ingest.media.storage import MediaStorage, media_key

__all__ = ["MediaErased", "MediaFetcher", "NoAccessToken"]

logger = structlog.get_logger(__name__)


class NoAccessToken(MediaDownloadError):
    """The account's state carries no usable access token: media cannot be downloaded."""


class MediaErased(MediaDownloadError):
    """The person who sent it asked to be forgotten: it is not kept, nor copied again."""


class MediaFetcher:
    def __init__(
        self,
        *,
        storage: MediaStorage,
        graph: GraphMediaClient,
        max_bytes: int,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.storage = storage
        self._graph = graph
        self._max_bytes = max_bytes
        self._sessions = sessions

    async def ensure_stored(self, account: KnownAccount, media_id: str) -> str:
        """The storage key of ``media_id``, downloading it first when we don't have it.

        Two workers racing on the same media both download it; the second write replaces
        the first with identical bytes, which is cheaper than a lock on every media.
        ``MediaErased`` when its sender was erased, before or while it was copied.
        """
        key = media_key(account.tenant_id, account.id, media_id)
        await self._refuse_erased(key)
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
        # After the file exists: an erasure listed before this look-up deleted it, or did
        # not find it yet; then this copy deletes it.
        await self._refuse_erased(key)
        logger.info("media stored", media_id=media_id, bytes=downloaded.size, key=key)
        return key

    async def _refuse_erased(self, key: str) -> None:
        async with self._sessions() as session:
            erased = await is_erased(session, key)
        if erased:
            # A copy stored before an earlier look-up failed may still be there.
            await self.storage.delete(key)
            raise MediaErased("the person who sent this media asked to be forgotten")
