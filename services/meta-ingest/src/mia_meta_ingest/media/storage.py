"""Where inbound media is kept: a local directory by default, an S3-compatible bucket
by configuration. Both store the content type beside the bytes, and delete both when a
person's erasure asks."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aioboto3
from botocore.exceptions import ClientError

from mia_meta_ingest.config import MetaIngestSettings

__all__ = [
    "FileSystemStorage",
    "MediaStorage",
    "S3Storage",
    "StoredMedia",
    "media_key",
    "storage_from_settings",
]

_CHUNK = 256 * 1024
_SAFE = re.compile(r"[^0-9A-Za-z_-]")
_MISSING = ("404", "NoSuchKey", "NotFound")


def media_key(tenant_id: object, account_id: object, media_id: str) -> str:
    """The storage key: the tenant first, so a bucket policy or a `du` can follow tenants."""
    return f"{tenant_id}/{account_id}/{_SAFE.sub('_', media_id)}"


@dataclass(frozen=True, slots=True)
class StoredMedia:
    content_type: str
    size: int
    chunks: AsyncIterator[bytes]


class MediaStorage(Protocol):
    async def exists(self, key: str) -> bool: ...

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Store ``path``'s bytes under ``key``; readers never see a half-written file."""
        ...

    async def open(self, key: str) -> StoredMedia | None: ...

    async def delete(self, key: str) -> None:
        """Remove what ``key`` holds (bytes and content type); nothing there is no error."""
        ...


class FileSystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(self._put, key, path, content_type)

    def _put(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = target.with_name(target.name + ".json")
        meta.write_text(json.dumps({"content_type": content_type}))
        # The data file appears last and atomically: its presence means "complete".
        staging = target.with_name(f".{target.name}.{os.getpid()}.part")
        shutil.copyfile(path, staging)
        staging.replace(target)

    async def open(self, key: str) -> StoredMedia | None:
        path = self._path(key)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
            meta = json.loads(
                await asyncio.to_thread(path.with_name(path.name + ".json").read_text)
            )
        except FileNotFoundError:
            return None
        return StoredMedia(str(meta["content_type"]), size, _file_chunks(path))

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    def _delete(self, key: str) -> None:
        target = self._path(key)
        # The data file first: without it the media is absent, whatever else is left.
        target.unlink(missing_ok=True)
        target.with_name(target.name + ".json").unlink(missing_ok=True)


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, _CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


class S3Storage:
    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
    ) -> None:
        self.bucket = bucket
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._endpoint_url = endpoint_url

    def _client(self) -> Any:
        return self._session.client("s3", endpoint_url=self._endpoint_url)

    async def exists(self, key: str) -> bool:
        async with self._client() as s3:
            try:
                await s3.head_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return False
                raise
        return True

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        async with self._client() as s3:
            # S3 makes an object visible only once its upload completed.
            await s3.upload_file(
                str(path), self.bucket, key, ExtraArgs={"ContentType": content_type}
            )

    async def open(self, key: str) -> StoredMedia | None:
        client_context = self._client()
        s3 = await client_context.__aenter__()
        try:
            found = await s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            await client_context.__aexit__(None, None, None)
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

        async def chunks() -> AsyncIterator[bytes]:
            # The client lives as long as the response body is being streamed.
            try:
                async for chunk in found["Body"].iter_chunks(_CHUNK):
                    yield chunk
            finally:
                await client_context.__aexit__(None, None, None)

        return StoredMedia(
            str(found.get("ContentType") or "application/octet-stream"),
            int(found["ContentLength"]),
            chunks(),
        )

    async def delete(self, key: str) -> None:
        async with self._client() as s3:
            try:
                # S3 answers 204 for a key it does not have; some compatible stores 404.
                await s3.delete_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in _MISSING:
                    raise


def storage_from_settings(settings: MetaIngestSettings) -> MediaStorage:
    if settings.media_storage == "s3":
        secret = settings.media_s3_secret_access_key
        return S3Storage(
            bucket=settings.media_s3_bucket,
            endpoint_url=settings.media_s3_endpoint_url,
            region=settings.media_s3_region,
            access_key_id=settings.media_s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
        )
    return FileSystemStorage(settings.media_dir)
