"""``GET /api/v1/media/{account_id}/{media_id}``: a stored media file, for its tenant only.

Reached through the gateway's ``media`` area (identity checked there and here). Media not
copied yet (the consumer is behind, say) is fetched on demand while Meta still has it.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse

from mia_common.errors import AppError, NotFound
from mia_common.identity import CurrentTenantId
from mia_meta_ingest.accounts.repository import account_by_id
from mia_meta_ingest.media.consumer import MEDIA_FETCHER_KEY
from mia_meta_ingest.media.fetching import MediaFetcher, NoAccessToken
from mia_meta_ingest.media.graph import MediaGone, MediaTooLarge

__all__ = ["router"]

router = APIRouter(tags=["media"])


class MediaUnavailable(AppError):
    status_code = 410
    title = "Media no longer available"


@router.get("/api/v1/media/{account_id}/{media_id}", summary="A customer's media file")
async def get_media(
    account_id: uuid.UUID,
    media_id: Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,200}$")],
    tenant_id: CurrentTenantId,
    request: Request,
) -> StreamingResponse:
    ctx = request.app.state.context
    async with ctx.session_factory() as session:
        account = await account_by_id(session, account_id)
    if account is None or account.tenant_id != tenant_id:
        raise NotFound("no such media", code="media_not_found")
    fetcher: MediaFetcher = ctx.extras[MEDIA_FETCHER_KEY]
    try:
        key = await fetcher.ensure_stored(account, media_id)
    except (MediaGone, NoAccessToken, MediaTooLarge) as exc:
        raise MediaUnavailable(str(exc), code="media_unavailable") from exc
    stored = await fetcher.storage.open(key)
    if stored is None:
        raise NotFound("no such media", code="media_not_found")
    return StreamingResponse(
        stored.chunks,
        media_type=stored.content_type,
        headers={
            "Content-Length": str(stored.size),
            # Customer media: the browser may keep it, shared caches may not.
            "Cache-Control": "private, max-age=86400, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
