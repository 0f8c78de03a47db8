"""``/webhooks/meta``: Meta's verification handshake and its signed deliveries.

The delivery endpoint is the platform's hottest path: a ``RequestOnlyRoute`` (no
dependency resolution, no parameter validation by FastAPI), reaching the context through
the app rather than ``ContextDep``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from mia_common.errors import Forbidden
from mia_common.text import ApiStr
from mia_common.webhooks import RequestOnlyRoute
from mia_meta_ingest.context import ContextDep, MetaIngestContext

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])


@router.get("/webhooks/meta", response_class=PlainTextResponse, summary="Meta's verification")
async def verify(
    context: ContextDep,
    mode: Annotated[ApiStr | None, Query(alias="hub.mode")] = None,
    token: Annotated[ApiStr | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[ApiStr | None, Query(alias="hub.challenge")] = None,
) -> str:
    expected = context.settings.verify_token.get_secret_value()
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a 500).
    if (
        mode != "subscribe"
        or token is None
        or not hmac.compare_digest(token.encode(), expected.encode())
    ):
        raise Forbidden("the verify token does not match", code="verify_token_mismatch")
    return challenge or ""


async def receive(request: Request) -> Response:
    context: MetaIngestContext = request.app.state.context
    await context.webhook.receive(
        await request.body(), signature=request.headers.get("x-hub-signature-256")
    )
    return Response(status_code=200)


router.add_api_route(
    "/webhooks/meta",
    receive,
    methods=["POST"],
    summary="A signed delivery of messages and statuses",
    route_class_override=RequestOnlyRoute,
)
