"""Media: upload, look-up and download, each guarded by the owning number's token."""

from __future__ import annotations

import hashlib
import os

import httpx

from mia_meta_sandbox.testing import SandboxHandle
from support.constants import GRAPH_VERSION, PHONE_NUMBER_ID


async def _upload(graph: httpx.AsyncClient, content: bytes, mime_type: str) -> httpx.Response:
    return await graph.post(
        f"/{PHONE_NUMBER_ID}/media",
        data={"messaging_product": "whatsapp", "type": mime_type},
        files={"file": ("photo.jpg", content, mime_type)},
    )


async def test_uploaded_media_is_described_and_downloadable_with_the_token(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    content = os.urandom(3000) + b"\r\n--not-a-boundary\r\n"

    uploaded = await _upload(graph, content, "image/jpeg")

    assert uploaded.status_code == 200
    media_id = uploaded.json()["id"]
    assert media_id.isdigit()
    described = await graph.get(f"/{media_id}")
    assert described.status_code == 200
    info = described.json()
    assert info["messaging_product"] == "whatsapp"
    assert info["id"] == media_id
    assert info["mime_type"] == "image/jpeg"
    assert info["file_size"] == len(content)
    assert info["sha256"] == hashlib.sha256(content).hexdigest()
    assert info["url"].startswith(f"{sandbox.url}/sandbox/media-download/{media_id}?")
    downloaded = await graph.get(info["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert downloaded.headers["content-type"] == "image/jpeg"


async def test_media_download_needs_the_owning_numbers_token(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    await sandbox.client.register_number(
        phone_number_id="100000000000009", access_token="other-token", app_secret="s9"
    )
    media_id = (await _upload(graph, b"secret bytes", "application/pdf")).json()["id"]
    url = (await graph.get(f"/{media_id}")).json()["url"]

    async with httpx.AsyncClient() as anonymous:
        without_token = await anonymous.get(url)
        foreign_token = await anonymous.get(url, headers={"Authorization": "Bearer other-token"})
        foreign_lookup = await anonymous.get(
            f"{sandbox.url}/{GRAPH_VERSION}/{media_id}",
            headers={"Authorization": "Bearer other-token"},
        )
    forged_url = await graph.get(url.split("?")[0] + "?token=forged")

    assert without_token.status_code == 401
    assert foreign_token.status_code == 401
    assert foreign_token.json()["error"]["code"] == 190
    assert foreign_lookup.status_code == 401
    assert forged_url.status_code == 404


async def test_uploaded_media_can_be_sent_and_deleted(graph: httpx.AsyncClient) -> None:
    media_id = (await _upload(graph, b"%PDF-1.4 tiny", "application/pdf")).json()["id"]

    sent = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages",
        json={
            "messaging_product": "whatsapp",
            "to": "5511987654321",
            "type": "document",
            "document": {"id": media_id, "filename": "a.pdf", "caption": "Invoice"},
        },
    )
    deleted = await graph.delete(f"/{media_id}")
    gone = await graph.get(f"/{media_id}")

    assert sent.status_code == 200
    assert deleted.json() == {"success": True}
    assert gone.status_code == 400
    assert gone.json()["error"]["code"] == 100


async def test_upload_refuses_a_body_without_the_required_fields(graph: httpx.AsyncClient) -> None:
    without_product = await graph.post(
        f"/{PHONE_NUMBER_ID}/media", files={"file": ("a.png", b"x", "image/png")}
    )
    not_multipart = await graph.post(f"/{PHONE_NUMBER_ID}/media", json={"file": "x"})
    without_file = await graph.post(
        f"/{PHONE_NUMBER_ID}/media",
        data={"messaging_product": "whatsapp"},
        files={"other": ("a.png", b"x", "image/png")},
    )

    for response in (without_product, not_multipart, without_file):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 100


async def test_customer_media_is_downloadable_by_the_business(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + os.urandom(64)

    answer = await sandbox.client.customer_message(
        from_="5511987654321", type="image", media=picture, mime_type="image/png", text="look"
    )

    assert answer.media_id is not None
    info = (await graph.get(f"/{answer.media_id}")).json()
    assert info["mime_type"] == "image/png"
    assert (await graph.get(info["url"])).content == picture


async def test_phone_number_lookup_describes_the_number(graph: httpx.AsyncClient) -> None:
    response = await graph.get(f"/{PHONE_NUMBER_ID}")

    assert response.status_code == 200
    assert response.json()["display_phone_number"] == "+15550001111"
