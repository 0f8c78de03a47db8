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
from mia_common.openapi import PROBLEM_RESPONSE
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
    description=(
        "Meta's webhook: a JSON body signed with an app secret (`X-Hub-Signature-256`). "
        "200 once its events are published, or once it is dead-lettered (unreadable, or "
        "for a number no account has, signed by an app we know); 401 or 403 when no app "
        "secret we know signs it."
    ),
    response_class=Response,
    responses={
        200: {"description": "Accepted", "content": {}},
        413: PROBLEM_RESPONSE,
    },
    # What a RequestOnlyRoute reads itself, so the document says it.
    openapi_extra={
        "parameters": [
            {
                "name": "X-Hub-Signature-256",
                "in": "header",
                "required": False,
                "description": "`sha256=` and the hex HMAC-SHA256 of the raw body",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
    route_class_override=RequestOnlyRoute,
)
