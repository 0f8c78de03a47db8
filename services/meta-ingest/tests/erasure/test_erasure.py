"""A customer's erasure in meta-ingest: the files the event lists are deleted from the
storage, under the event's tenant only, once; the topic's other events are left alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson
from fastapi import FastAPI

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_common.testing import wait_until
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.erasure.handlers import erase, handle_contact_record
from mia_meta_ingest.media.storage import FileSystemStorage, media_key


def erasure(tenant_id: uuid.UUID, media: list[ErasedMedia]) -> Envelope[ContactErased]:
    contact_id = uuid.uuid4()
    return Envelope[ContactErased](
        type="contact.erased",
        source="/services/crm",
        tenantid=tenant_id,
        subject=str(contact_id),
        data=ContactErased(
            contact_id=contact_id,
            phones=["+5511999990000"],
            media=media,
            occurred_at=datetime.now(UTC),
        ),
    )


def context_of(app: FastAPI) -> MetaIngestContext:
    context: MetaIngestContext = app.state.context
    return context


def storage_of(app: FastAPI) -> FileSystemStorage:
    storage = context_of(app).media.storage
    assert isinstance(storage, FileSystemStorage), "the tests' app keeps media on disk"
    return storage


async def a_stored_file(
    app: FastAPI, tmp_path: Path, tenant_id: uuid.UUID, account_id: uuid.UUID, media_id: str
) -> Path:
    """The data file of a media copied for that tenant and account."""
    source = tmp_path / f"{uuid.uuid4().hex}.jpg"
    source.write_bytes(b"\xff\xd8 a photo of the customer")
    storage = storage_of(app)
    key = media_key(tenant_id, account_id, media_id)
    await storage.put_file(key, source, "image/jpeg")
    path = storage.root / key
    assert path.is_file()
    assert path.with_name(path.name + ".json").is_file()
    return path


def gone(path: Path) -> bool:
    return not path.exists() and not path.with_name(path.name + ".json").exists()


async def test_an_erasure_deletes_each_listed_file_and_its_content_type(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    tenant_id, account_id, second_account = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    photo = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "photo.1")
    voice = await a_stored_file(ingest_app, tmp_path, tenant_id, second_account, "voice.2")
    kept = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "someone-else")

    deleted = await erase(
        context_of(ingest_app),
        erasure(
            tenant_id,
            [
                ErasedMedia(channel_account_id=account_id, media_id="photo.1"),
                ErasedMedia(channel_account_id=second_account, media_id="voice.2"),
            ],
        ),
    )

    assert deleted == 2
    assert gone(photo)
    assert gone(voice)
    assert kept.is_file(), "another customer's file of the same account stays"
    assert await storage_of(ingest_app).open(media_key(tenant_id, account_id, "photo.1")) is None


async def test_another_tenants_file_with_the_same_ids_stays(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    ours, theirs, account_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    mine = await a_stored_file(ingest_app, tmp_path, ours, account_id, "shared.id")
    other = await a_stored_file(ingest_app, tmp_path, theirs, account_id, "shared.id")

    await erase(
        context_of(ingest_app),
        erasure(ours, [ErasedMedia(channel_account_id=account_id, media_id="shared.id")]),
    )

    assert gone(mine)
    assert other.is_file()
    assert other.with_name(other.name + ".json").is_file()


async def test_a_redelivered_erasure_and_a_file_never_copied_are_harmless(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    tenant_id, account_id = uuid.uuid4(), uuid.uuid4()
    photo = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "photo.1")
    event = erasure(
        tenant_id,
        [
            ErasedMedia(channel_account_id=account_id, media_id="photo.1"),
            ErasedMedia(channel_account_id=account_id, media_id="never-copied"),
        ],
    )
    context = context_of(ingest_app)

    assert await erase(context, event) == 2
    assert await erase(context, event) == 0, "applied once"
    assert gone(photo)


async def test_an_erasure_without_media_deletes_nothing(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    tenant_id, account_id = uuid.uuid4(), uuid.uuid4()
    kept = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "photo.1")

    assert await erase(context_of(ingest_app), erasure(tenant_id, [])) == 0

    assert kept.is_file()


async def test_an_erasure_on_the_contacts_topic_deletes_the_files(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    tenant_id, account_id = uuid.uuid4(), uuid.uuid4()
    photo = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "photo.kafka")
    context = context_of(ingest_app)
    event = erasure(tenant_id, [ErasedMedia(channel_account_id=account_id, media_id="photo.kafka")])
    # The topic's other events come first and are skipped.
    await context.infra.broker.publish(
        {"type": "contact.updated", "id": str(uuid.uuid4()), "data": {}},
        context.settings.contacts_topic,
        key=event.subject.encode() if event.subject else None,
    )

    await context.infra.broker.publish(
        event.to_json_dict(),
        context.settings.contacts_topic,
        key=event.subject.encode() if event.subject else None,
    )

    await wait_until(lambda: gone(photo), timeout=30, message="the erased file is deleted")


async def test_a_record_that_is_no_erasure_touches_nothing(
    ingest_app: FastAPI, tmp_path: Path
) -> None:
    tenant_id, account_id = uuid.uuid4(), uuid.uuid4()
    kept = await a_stored_file(ingest_app, tmp_path, tenant_id, account_id, "photo.1")

    await handle_contact_record(
        context_of(ingest_app), orjson.dumps({"type": "contact.updated", "tenantid": "x"})
    )

    assert kept.is_file()
