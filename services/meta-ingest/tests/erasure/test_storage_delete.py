"""Both media storages delete a file and its content type, and take a missing one calmly."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import aioboto3
import pytest
from moto.server import ThreadedMotoServer

from mia_meta_ingest.media.storage import FileSystemStorage, MediaStorage, S3Storage, media_key


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


async def test_a_deleted_file_is_gone_and_its_neighbour_stays(
    storage: MediaStorage, tmp_path: Path
) -> None:
    tenant, account = uuid.uuid4(), uuid.uuid4()
    key, neighbour = media_key(tenant, account, "photo.1"), media_key(tenant, account, "photo.2")
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8 a photo")
    await storage.put_file(key, source, "image/jpeg")
    await storage.put_file(neighbour, source, "image/jpeg")

    await storage.delete(key)

    assert not await storage.exists(key)
    assert await storage.open(key) is None
    assert await storage.exists(neighbour)


async def test_deleting_a_file_never_stored_is_no_error(storage: MediaStorage) -> None:
    key = media_key(uuid.uuid4(), uuid.uuid4(), "never-stored")

    await storage.delete(key)
    await storage.delete(key)

    assert not await storage.exists(key)


async def test_the_filesystem_storage_leaves_no_content_type_behind(tmp_path: Path) -> None:
    storage = FileSystemStorage(tmp_path / "media")
    key = media_key(uuid.uuid4(), uuid.uuid4(), "photo.1")
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8 a photo")
    await storage.put_file(key, source, "image/jpeg")

    await storage.delete(key)

    assert list((storage.root / key).parent.iterdir()) == []
