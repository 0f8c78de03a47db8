"""Deleting the listed media of one tenant from the storage."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from typing import Final

from mia_common.contracts.contacts import ErasedMedia
from mia_meta_ingest.media.storage import MediaStorage, media_key

__all__ = ["erased_keys", "forget_keys"]

# Deletions under way at once: a person with thousands of files is forgotten in seconds
# without opening thousands of storage connections together.
_CONCURRENT_DELETES: Final = 8


def erased_keys(tenant_id: uuid.UUID, media: Collection[ErasedMedia]) -> list[str]:
    """The storage keys of ``media`` under ``tenant_id``, once each."""
    return list(
        dict.fromkeys(
            media_key(tenant_id, item.channel_account_id, item.media_id) for item in media
        )
    )


async def forget_keys(storage: MediaStorage, keys: Collection[str]) -> int:
    """Delete what each of ``keys`` holds; how many were listed."""
    limit = asyncio.Semaphore(_CONCURRENT_DELETES)

    async def delete(key: str) -> None:
        async with limit:
            await storage.delete(key)

    async with asyncio.TaskGroup() as group:
        for key in keys:
            group.create_task(delete(key))
    return len(keys)
