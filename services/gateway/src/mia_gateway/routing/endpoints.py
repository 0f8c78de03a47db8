"""The catch-all route: any ``/api/v1/<area>/...`` not owned by the gateway is forwarded.

Included last in ``main.py``, so the gateway's own ``/api/v1`` routes win. The caller is
authenticated first (401 before anything, so anonymous callers cannot probe which areas
exist), then the area is looked up (404) and checked against an API key's scopes (403).
Left out of the OpenAPI document as a route: each service documents its own area, and
``create_document_router`` serves the public document that merges them in (``openapi``).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse

from mia_common.db import unit_of_work
from mia_gateway.auth.dependencies import get_principal
from mia_gateway.auth.principal import Principal
from mia_gateway.context import ContextDep, SettingsDep
from mia_gateway.routing.openapi import PublicDocument
from mia_gateway.routing.proxy import forward, owning_service

__all__ = [
    "DOCS_PATH",
    "DOCUMENT_PATH",
    "FORWARDED_METHODS",
    "ForwardingPrincipal",
    "create_document_router",
    "get_forwarding_principal",
    "router",
]

DOCUMENT_PATH: Final = "/api/openapi.json"
DOCS_PATH: Final = "/api/docs"

FORWARDED_METHODS: Final = ["GET", "POST", "PUT", "PATCH", "DELETE"]
router = APIRouter(tags=["routing"])


async def get_forwarding_principal(request: Request, context: ContextDep) -> Principal:
    """``CurrentPrincipal``, authenticated in a transaction that ends before forwarding.

    ``SessionDep`` lives until the response is sent; holding a database connection while
    a service answers and its body streams would make the pool the gateway's limit.
    """
    # Autocommit: authenticating is one statement (two for an API key), nothing to hold
    # together, so no BEGIN and COMMIT round trips on the busiest path of the gateway.
    async with unit_of_work(context.autocommit_sessions) as session:
        return await get_principal(request, session, context)


ForwardingPrincipal = Annotated[Principal, Depends(get_forwarding_principal)]


@router.api_route("/api/v1/{area}", methods=FORWARDED_METHODS, include_in_schema=False)
@router.api_route("/api/v1/{area}/{path:path}", methods=FORWARDED_METHODS, include_in_schema=False)
async def forward_to_area(
    area: str,
    request: Request,
    principal: ForwardingPrincipal,
    context: ContextDep,
    settings: SettingsDep,
) -> Response:
    """Forward to the service owning ``area`` (the path is read raw from the request)."""
    base_url = owning_service(settings, principal, area)
    return await forward(
        request,
        client=context.upstream.for_area(area),
        area=area,
        base_url=base_url,
        principal=principal,
        settings=settings,
    )


def create_document_router(document: PublicDocument, *, title: str) -> APIRouter:
    """``/api/openapi.json`` (the merged document) and ``/api/docs`` (Swagger UI on it).

    Public, as an API's description is: an integrator reads it before having a key.
    """
    documents = APIRouter()

    @documents.get(DOCUMENT_PATH, include_in_schema=False)
    async def public_document() -> Response:
        return Response(await document.render(), media_type="application/json")

    @documents.get(DOCS_PATH, include_in_schema=False)
    async def public_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=DOCUMENT_PATH, title=f"{title} - docs")

    return documents
