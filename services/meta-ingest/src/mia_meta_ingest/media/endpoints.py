"""``GET /api/v1/media/{account_id}/{media_id}``: a stored media file, for its tenant only.

Reached through the gateway's ``media`` area (identity checked there and here). Media not
copied yet (the consumer is behind, say) is fetched on demand while Meta still has it.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from mia_common.errors import NotFound
from mia_common.identity import CurrentTenantId
from mia_meta_ingest.context import ContextDep
from mia_meta_ingest.media.errors import MediaUnavailable
from mia_meta_ingest.media.graph import MediaGone, MediaTooLarge
from mia_meta_ingest.media.service import NoAccessToken

__all__ = ["router"]

router = APIRouter(tags=["media"])


@router.get("/api/v1/media/{account_id}/{media_id}", summary="A customer's media file")
async def get_media(
    account_id: uuid.UUID,
    media_id: Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,200}$")],
    tenant_id: CurrentTenantId,
    context: ContextDep,
) -> StreamingResponse:
    account = context.accounts.get(account_id)
    if account is None or account.tenant_id != tenant_id:
        raise NotFound("no such media", code="media_not_found")
    try:
        key = await context.media.ensure_stored(account, media_id)
    except (MediaGone, NoAccessToken, MediaTooLarge) as exc:
        raise MediaUnavailable(str(exc), code="media_unavailable") from exc
    stored = await context.media.storage.open(key)
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
