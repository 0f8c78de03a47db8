"""``GET /api/v1/media/{account_id}/{media_id}``: a stored media file, for its tenant only.

Reached through the gateway's ``media`` area (identity checked there and here). Media not
copied yet (the consumer is behind, say) is fetched on demand while Meta still has it;
a download that fails answers the problem ``errors.problem_for`` says (502/503/504 when
Meta refuses or is away, 404 ``media_gone`` when Meta no longer has it).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from mia_common.errors import NotFound
from mia_common.identity import CurrentTenantId
from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.text import ApiStr
from mia_meta_ingest.context import ContextDep
from mia_meta_ingest.media.errors import problem_for
from mia_meta_ingest.media.graph import MediaDownloadError

__all__ = ["router"]

router = APIRouter(tags=["media"])

# Meta's media ids are digits; the pattern also keeps the id a safe storage key. Said a
# second time in the schema: ApiStr's own documented pattern would otherwise replace it.
_MEDIA_ID = r"^[0-9A-Za-z_-]{1,200}$"
MediaId = Annotated[
    ApiStr,
    Path(pattern=_MEDIA_ID, json_schema_extra={"pattern": _MEDIA_ID}, description="Meta's id"),
]


@router.get(
    "/api/v1/media/{account_id}/{media_id}",
    summary="A customer's media file",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The file, with its content type", "content": {"*/*": {}}},
        502: PROBLEM_RESPONSE,
        504: PROBLEM_RESPONSE,
    },
)
async def get_media(
    account_id: uuid.UUID,
    media_id: MediaId,
    tenant_id: CurrentTenantId,
    context: ContextDep,
) -> StreamingResponse:
    account = context.accounts.get(account_id)
    if account is None or account.tenant_id != tenant_id:
        raise NotFound("no such media", code="media_not_found")
    try:
        key = await context.media.ensure_stored(account, media_id)
    except MediaDownloadError as exc:
        raise problem_for(exc) from exc
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
