"""The Graph API endpoints our clients call: messages, media, phone number look-ups and a
WhatsApp Business Account's message templates.

Paths are Meta's, under any version segment (``/v23.0/...``). Every refusal is a
``GraphError`` rendered in Meta's shape; the app turns it into the response in one
handler, and the messages endpoint also counts it in the stats.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from mia_meta_sandbox.context import Sandbox, SandboxDep
from mia_meta_sandbox.faults import FaultCall
from mia_meta_sandbox.graph_errors import (
    GraphError,
    invalid_parameter,
    invalid_token,
    unknown_object,
    unknown_path,
)
from mia_meta_sandbox.media import MediaObject, parse_multipart
from mia_meta_sandbox.numbers import RegisteredNumber, bearer_token
from mia_meta_sandbox.send_request import parse_send
from mia_meta_sandbox.template_review import parse_submission
from mia_meta_sandbox.templates import TemplatePage

__all__ = ["router"]

router = APIRouter(tags=["graph"])
VERSION = re.compile(r"^v\d+\.\d+$")
# Graph's default page size for edges, and the most the sandbox hands out at once.
TEMPLATES_DEFAULT_LIMIT = 25
TEMPLATES_MAX_LIMIT = 1000


def _check_version(version: str, request: Request) -> None:
    if not VERSION.match(version):
        raise unknown_path(request.url.path)


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise invalid_parameter("The request body is not valid JSON.") from None


async def _refuse_if_faulted(sandbox: Sandbox, number: RegisteredNumber, call: FaultCall) -> None:
    """A call other than a send, refused (or held) by the first fault aimed at it, matched
    by the number whose token made it."""
    fault = sandbox.faults.draw(number.phone_number_id, (), call)
    if fault is None:
        return
    if fault.code == "timeout":
        await asyncio.sleep(fault.hold_seconds)
    if not (fault.code == "timeout" and fault.accept_after_hold):
        raise GraphError(fault.spec, label=fault.code)


async def _mark_read(sandbox: Sandbox, number: RegisteredNumber, body: dict[str, Any]) -> Response:
    """``{"status": "read", "message_id": ...}``: mark an inbound message read, and with
    ``"typing_indicator": {"type": "text"}`` show "typing…" to the customer as well."""
    message_id = body.get("message_id")
    if not isinstance(message_id, str) or not message_id:
        raise invalid_parameter("The parameter message_id is required.")
    indicator = body.get("typing_indicator")
    if indicator is not None and (
        not isinstance(indicator, dict) or indicator.get("type") != "text"
    ):
        raise invalid_parameter("typing_indicator['type'] must be 'text'.")
    await _refuse_if_faulted(sandbox, number, "read_receipts")
    sandbox.ledger.record_marked_read(
        number.phone_number_id, message_id, typing=indicator is not None, at=datetime.now(UTC)
    )
    return JSONResponse({"success": True})


@router.post("/{version}/{phone_number_id}/messages", summary="Send a message")
async def send_message(
    version: str, phone_number_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    try:
        _check_version(version, request)
        number = sandbox.numbers.authorize(phone_number_id, request.headers.get("authorization"))
        body = await _json_body(request)
        if isinstance(body, dict) and body.get("status") == "read":
            return await _mark_read(sandbox, number, body)
        outbound = parse_send(body)
        if outbound.media_id is not None and sandbox.media.get(outbound.media_id) is None:
            raise invalid_parameter(f"{outbound.type}['id'] {outbound.media_id} is not a media id.")
        message = await sandbox.outbound.send(number, outbound)
    except GraphError as error:
        sandbox.ledger.record_refused(phone_number_id, error.label)
        raise
    contact: dict[str, Any] = {"input": outbound.input}
    if message.wa_id is not None and outbound.to is not None:
        contact["wa_id"] = message.wa_id
    if message.user_id is not None:
        contact["user_id"] = message.user_id
    sent: dict[str, Any] = {"id": message.wamid}
    if message.type == "template":
        # Meta tells template sends apart: accepted, held_for_quality_assessment, paused.
        sent["message_status"] = "accepted"
    return JSONResponse(
        {"messaging_product": "whatsapp", "contacts": [contact], "messages": [sent]}
    )


@router.post("/{version}/{phone_number_id}/media", summary="Upload media")
async def upload_media(
    version: str, phone_number_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    _check_version(version, request)
    number = sandbox.numbers.authorize(phone_number_id, request.headers.get("authorization"))
    raw = await request.body()
    if len(raw) > sandbox.settings.max_media_bytes:
        raise invalid_parameter(
            f"The file is larger than {sandbox.settings.max_media_bytes} bytes."
        )
    try:
        parts = parse_multipart(raw, request.headers.get("content-type", ""))
    except ValueError as exc:
        raise invalid_parameter(f"Upload as multipart/form-data: {exc}.") from None
    product = parts.get("messaging_product")
    if product is None or product.content.decode(errors="replace").strip() != "whatsapp":
        raise invalid_parameter("The parameter messaging_product is required: 'whatsapp'.")
    file = parts.get("file")
    if file is None or not file.content:
        raise invalid_parameter("The parameter file is required.")
    declared = parts.get("type")
    mime_type = (
        declared.content.decode(errors="replace").strip() if declared else None
    ) or file.content_type
    if not mime_type:
        raise invalid_parameter("The parameter type (the file's MIME type) is required.")
    media = sandbox.media.add(
        phone_number_id=number.phone_number_id,
        content=file.content,
        mime_type=mime_type,
        filename=file.filename,
    )
    return JSONResponse({"id": media.id})


def _owned_media(sandbox: Sandbox, media_id: str, request: Request, method: str) -> MediaObject:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise invalid_token("An active access token must be used")
    media = sandbox.media.get(media_id)
    owner = sandbox.numbers.get(media.phone_number_id) if media is not None else None
    if media is None or owner is None:
        raise unknown_object(media_id, method)
    if not owner.token_matches(token):
        raise invalid_token()
    return media


def _media_url(sandbox: Sandbox, media: MediaObject) -> str:
    base = sandbox.settings.public_url.rstrip("/")
    return f"{base}/sandbox/media-download/{media.id}?token={media.url_token}"


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return TEMPLATES_DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= TEMPLATES_MAX_LIMIT:
        raise invalid_parameter(f"limit must be an integer from 1 to {TEMPLATES_MAX_LIMIT}.")
    return int(raw)


def _csv(raw: str | None) -> list[str] | None:
    values = [part.strip() for part in (raw or "").split(",") if part.strip()]
    return values or None


def _templates_answer(
    sandbox: Sandbox, request: Request, page: TemplatePage, fields: list[str] | None
) -> dict[str, Any]:
    answer: dict[str, Any] = {"data": [t.graph_json(fields) for t in page.items]}
    if page.before is None or page.after is None:
        # Graph leaves paging out of an empty page.
        return answer
    paging: dict[str, Any] = {"cursors": {"before": page.before, "after": page.after}}
    if page.has_next:
        # Like Graph: the same query, the cursor moved on; the token is not repeated.
        query = {k: v for k, v in request.query_params.items() if k not in ("after", "before")}
        query["after"] = page.after
        base = sandbox.settings.public_url.rstrip("/")
        paging["next"] = f"{base}{request.url.path}?{urlencode(query)}"
    answer["paging"] = paging
    return answer


@router.get(
    "/{version}/{waba_id}/message_templates", summary="A WhatsApp Business Account's templates"
)
async def list_message_templates(
    version: str, waba_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    """``?limit=&after=&before=&status=APPROVED,PENDING&fields=name,status`` (Meta's names)."""
    query = request.query_params
    limit_raw, after = query.get("limit"), query.get("after")
    status_filter = query.get("status")
    reader: str | None = None
    try:
        _check_version(version, request)
        number = sandbox.numbers.authorize_waba(waba_id, request.headers.get("authorization"))
        reader = number.phone_number_id
        await _refuse_if_faulted(sandbox, number, "message_templates")
        statuses = _csv(status_filter)
        try:
            page = sandbox.templates.page(
                waba_id,
                limit=_limit(limit_raw),
                after=after or None,
                before=query.get("before") or None,
                statuses={s.upper() for s in statuses} if statuses else None,
            )
        except ValueError as exc:
            raise invalid_parameter(f"{exc}.") from None
    except GraphError as error:
        sandbox.templates.record_read(
            waba_id=waba_id,
            phone_number_id=reader,
            limit=int(limit_raw) if limit_raw and limit_raw.isdigit() else None,
            after=after,
            status_filter=status_filter,
            http_status=error.http_status,
            returned=0,
        )
        raise
    sandbox.templates.record_read(
        waba_id=waba_id,
        phone_number_id=reader,
        limit=int(limit_raw) if limit_raw and limit_raw.isdigit() else None,
        after=after,
        status_filter=status_filter,
        http_status=200,
        returned=len(page.items),
    )
    return JSONResponse(_templates_answer(sandbox, request, page, _csv(query.get("fields"))))


@router.post(
    "/{version}/{waba_id}/message_templates", summary="Create a template and submit it for review"
)
async def create_message_template(
    version: str, waba_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    """Meta's answer: ``{"id", "status": "PENDING", "category"}``; the review decision comes
    later as a ``message_template_status_update`` webhook."""
    _check_version(version, request)
    sandbox.numbers.authorize_waba(waba_id, request.headers.get("authorization"), method="POST")
    template = parse_submission(await _json_body(request))
    submission = sandbox.reviews.submit(waba_id, template)
    return JSONResponse(
        {
            "id": submission.template.id,
            "status": submission.template.status,
            "category": submission.template.category,
        }
    )


@router.delete(
    "/{version}/{waba_id}/message_templates", summary="Delete a template by name (and hsm_id)"
)
async def delete_message_template(
    version: str, waba_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    _check_version(version, request)
    sandbox.numbers.authorize_waba(waba_id, request.headers.get("authorization"), method="DELETE")
    name = request.query_params.get("name")
    if not name:
        raise invalid_parameter("The parameter name is required.")
    removed = sandbox.templates.delete(waba_id, name, request.query_params.get("hsm_id") or None)
    if not removed:
        raise invalid_parameter(f"Message template {name!r} not found.")
    return JSONResponse({"success": True})


@router.get("/{version}/{object_id}", summary="A media object's URL, or a phone number")
async def get_object(
    version: str, object_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    _check_version(version, request)
    if sandbox.media.get(object_id) is not None:
        media = _owned_media(sandbox, object_id, request, "GET")
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "url": _media_url(sandbox, media),
                "mime_type": media.mime_type,
                "sha256": media.sha256_hex,
                "file_size": media.size,
                "id": media.id,
            }
        )
    number = sandbox.numbers.authorize(
        object_id, request.headers.get("authorization"), method="GET"
    )
    return JSONResponse(
        {
            "verified_name": number.verified_name,
            "display_phone_number": number.display_phone_number,
            "id": number.phone_number_id,
            "quality_rating": "GREEN",
            "code_verification_status": "VERIFIED",
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
        }
    )


@router.delete("/{version}/{media_id}", summary="Delete a media object")
async def delete_media(
    version: str, media_id: str, request: Request, sandbox: SandboxDep
) -> Response:
    _check_version(version, request)
    media = _owned_media(sandbox, media_id, request, "DELETE")
    sandbox.media.delete(media.id)
    return JSONResponse({"success": True})


@router.get("/sandbox/media-download/{media_id}", summary="Download media (needs the token)")
async def download_media(
    media_id: str,
    request: Request,
    sandbox: SandboxDep,
    token: Annotated[str, Query()] = "",
) -> Response:
    media = _owned_media(sandbox, media_id, request, "GET")
    if token != media.url_token:
        # An expired or forged lookaside URL: Meta answers 404 there.
        return Response(status_code=404)
    return Response(content=media.content, media_type=media.mime_type)
