"""Both media storages keep bytes and content type, and never show a missing file."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aioboto3
import pytest
from moto.server import ThreadedMotoServer

from mia_meta_ingest.media.storage import (
    FileSystemStorage,
    MediaStorage,
    S3Storage,
    media_key,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local server speaking the S3 protocol (moto), standing in for MinIO or AWS."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
async def s3_storage(s3_endpoint: str) -> S3Storage:
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    session = aioboto3.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    async with session.client("s3", endpoint_url=s3_endpoint) as s3:
        await s3.create_bucket(Bucket=bucket)
    return S3Storage(
        bucket=bucket,
        endpoint_url=s3_endpoint,
        region="us-east-1",
        access_key_id="test",
        secret_access_key="test",
    )


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStorage:
    if request.param == "filesystem":
        return FileSystemStorage(tmp_path / "media")
    return request.getfixturevalue("s3_storage")  # type: ignore[no-any-return]


async def _read(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def test_a_stored_file_comes_back_with_its_content_type(
    storage: MediaStorage, tmp_path: Path
) -> None:
    key = media_key(uuid.uuid4(), uuid.uuid4(), "1234567890")
    assert not await storage.exists(key)
    assert await storage.open(key) is None
    payload = bytes(range(256)) * 2000  # 512 KB: more than one read chunk
    source = tmp_path / "photo.jpg"
    source.write_bytes(payload)

    await storage.put_file(key, source, "image/jpeg")

    assert await storage.exists(key)
    stored = await storage.open(key)
    assert stored is not None
    assert stored.content_type == "image/jpeg"
    assert stored.size == len(payload)
    assert await _read(stored.chunks) == payload


def test_keys_start_with_the_tenant_and_cannot_escape_their_folder() -> None:
    tenant, account = uuid.uuid4(), uuid.uuid4()
    key = media_key(tenant, account, "../../etc/passwd")
    assert key.startswith(f"{tenant}/{account}/")
    assert "/" not in key.removeprefix(f"{tenant}/{account}/")
