"""A copy of a customer's media and their erasure, in either order: no file is left.

The copy downloads, stores the file, then looks for its key among the erased ones; the
erasure lists the keys (committed), then deletes the files. Each interleaving is forced
here by holding the copy at one point while the erasure runs whole.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_meta_ingest.accounts.directory import KnownAccount
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.erasure.handlers import erase
from mia_meta_ingest.media.graph import Downloaded
from mia_meta_ingest.media.service import MediaErased, MediaFetcher
from mia_meta_ingest.media.storage import FileSystemStorage, media_key

PHOTO = b"\xff\xd8 a photo of the customer"


class HeldGraph:
    """Graph's download, held at the end until the test lets it go; counts downloads."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.downloads = 0

    async def download(
        self, media_id: str, *, token: str, into: Path, max_bytes: int
    ) -> Downloaded:
        self.downloads += 1
        await asyncio.to_thread(into.write_bytes, PHOTO)
        self.started.set()
        await self.release.wait()
        return Downloaded(mime_type="image/jpeg", size=len(PHOTO), sha256="x")


class HeldStorage(FileSystemStorage):
    """The app's storage, holding a copy just after it wrote the file."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.stored = asyncio.Event()
        self.release = asyncio.Event()

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await super().put_file(key, path, content_type)
        self.stored.set()
        await self.release.wait()


def context_of(app: FastAPI) -> MetaIngestContext:
    context: MetaIngestContext = app.state.context
    return context


def an_account() -> KnownAccount:
    return KnownAccount(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        phone_number_id="1234567890",
        waba_id=None,
        status="connected",
        updated_at=datetime.now(UTC),
        app_secret=None,
        access_token="token",
    )


def erasure(account: KnownAccount, media_id: str) -> Envelope[ContactErased]:
    return Envelope[ContactErased](
        type="contact.erased",
        source="/services/crm",
        tenantid=account.tenant_id,
        data=ContactErased(
            contact_id=uuid.uuid4(),
            media=[ErasedMedia(channel_account_id=account.id, media_id=media_id)],
            occurred_at=datetime.now(UTC),
        ),
    )


def fetcher(app: FastAPI, graph: HeldGraph, storage: FileSystemStorage) -> MediaFetcher:
    return MediaFetcher(
        storage=storage,
        graph=graph,  # type: ignore[arg-type]
        max_bytes=1 << 20,
        sessions=context_of(app).infra.sessions,
    )


def app_storage(app: FastAPI) -> FileSystemStorage:
    storage = context_of(app).media.storage
    assert isinstance(storage, FileSystemStorage)
    return storage


def stored(storage: FileSystemStorage, account: KnownAccount, media_id: str) -> bool:
    path = storage.root / media_key(account.tenant_id, account.id, media_id)
    return path.exists() or path.with_name(path.name + ".json").exists()


async def test_an_erasure_while_the_copy_downloads_leaves_no_file(ingest_app: FastAPI) -> None:
    account, media_id = an_account(), f"{uuid.uuid4().int}"
    graph = HeldGraph()
    storage = app_storage(ingest_app)
    copy = asyncio.create_task(fetcher(ingest_app, graph, storage).ensure_stored(account, media_id))
    await asyncio.wait_for(graph.started.wait(), 10)

    # The erasure runs whole before the file is written: it deletes nothing yet.
    await erase(context_of(ingest_app), erasure(account, media_id))
    graph.release.set()

    with pytest.raises(MediaErased):
        await copy
    assert not stored(storage, account, media_id)


async def test_an_erasure_between_storing_and_the_look_up_leaves_no_file(
    ingest_app: FastAPI,
) -> None:
    account, media_id = an_account(), f"{uuid.uuid4().int}"
    graph = HeldGraph()
    graph.release.set()
    storage = HeldStorage(app_storage(ingest_app).root)
    copy = asyncio.create_task(fetcher(ingest_app, graph, storage).ensure_stored(account, media_id))
    await asyncio.wait_for(storage.stored.wait(), 10)
    assert stored(storage, account, media_id)

    await erase(context_of(ingest_app), erasure(account, media_id))
    assert not stored(storage, account, media_id), "the erasure deleted the stored file"
    storage.release.set()

    with pytest.raises(MediaErased):
        await copy
    assert not stored(storage, account, media_id)


async def test_an_erasure_after_the_copy_finished_deletes_it_and_it_is_never_copied_again(
    ingest_app: FastAPI,
) -> None:
    account, media_id = an_account(), f"{uuid.uuid4().int}"
    graph = HeldGraph()
    graph.release.set()
    storage = app_storage(ingest_app)
    media = fetcher(ingest_app, graph, storage)
    await media.ensure_stored(account, media_id)
    assert stored(storage, account, media_id)

    await erase(context_of(ingest_app), erasure(account, media_id))
    assert not stored(storage, account, media_id)

    # The inbound message redelivered, or the media endpoint asked for it: refused, and
    # Meta is not even asked.
    with pytest.raises(MediaErased):
        await media.ensure_stored(account, media_id)
    assert graph.downloads == 1
    assert not stored(storage, account, media_id)


async def test_another_tenants_media_of_the_same_id_is_still_copied(
    ingest_app: FastAPI,
) -> None:
    erased, other, media_id = an_account(), an_account(), f"{uuid.uuid4().int}"
    graph = HeldGraph()
    graph.release.set()
    storage = app_storage(ingest_app)
    await erase(context_of(ingest_app), erasure(erased, media_id))

    await fetcher(ingest_app, graph, storage).ensure_stored(other, media_id)

    assert stored(storage, other, media_id)
