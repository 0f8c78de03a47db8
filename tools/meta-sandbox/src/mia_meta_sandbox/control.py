"""The control API (``/sandbox/*``): numbers, templates, faults, what was sent, statistics,
reset.

Tests and the dev tool drive the sandbox through it; nothing here exists at Meta.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mia_common.errors import AppError, NotFound
from mia_meta_sandbox.context import SandboxDep
from mia_meta_sandbox.faults import Fault
from mia_meta_sandbox.numbers import RegisteredNumber
from mia_meta_sandbox.schemas import (
    FaultIn,
    FaultOut,
    NumberIn,
    NumberOut,
    NumberStats,
    ReadReceiptOut,
    SentMessageOut,
    SentPage,
    Stats,
    TemplateDecisionIn,
    TemplateIn,
    TemplateOut,
    TemplateReadOut,
    TemplateSubmissionOut,
    WebhookDeliveryOut,
)
from mia_meta_sandbox.store import SentMessage
from mia_meta_sandbox.template_review import Submission
from mia_meta_sandbox.templates import MessageTemplate, TemplateRead
from mia_meta_sandbox.webhooks import WebhookDelivery

__all__ = ["router"]

router = APIRouter(prefix="/sandbox", tags=["sandbox"])


class InvalidFault(AppError):
    status_code = 422
    title = "Invalid fault"


def _number_out(number: RegisteredNumber) -> NumberOut:
    return NumberOut(
        phone_number_id=number.phone_number_id,
        display_phone_number=number.display_phone_number,
        waba_id=number.waba_id,
        access_token=number.access_token,
        app_secret=number.app_secret,
        webhook_url=number.webhook_url,
        throughput_per_second=number.throughput_per_second,
        verified_name=number.verified_name,
    )


def _fault_out(fault: Fault) -> FaultOut:
    return FaultOut(
        id=fault.id,
        fired=fault.fired,
        code=fault.code,
        phone_number_id=fault.phone_number_id,
        recipient=fault.recipient,
        rate=fault.rate,
        count=fault.count,
        mode=fault.mode,
        hold_seconds=fault.hold_seconds,
        accept_after_hold=fault.accept_after_hold,
        seed=fault.seed,
        applies_to=fault.applies_to,
    )


def _template(template: TemplateIn) -> MessageTemplate:
    return MessageTemplate(**template.model_dump())


def _template_out(template: MessageTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.id,
        name=template.name,
        language=template.language,
        status=template.status,
        category=template.category,
        components=template.components,
        parameter_format=template.parameter_format,
    )


def _read_out(read: TemplateRead) -> TemplateReadOut:
    return TemplateReadOut(
        waba_id=read.waba_id,
        phone_number_id=read.phone_number_id,
        limit=read.limit,
        after=read.after,
        status_filter=read.status_filter,
        http_status=read.http_status,
        returned=read.returned,
        at=read.at,
    )


def _sent_out(message: SentMessage) -> SentMessageOut:
    return SentMessageOut(
        wamid=message.wamid,
        phone_number_id=message.phone_number_id,
        to=message.to,
        recipient=message.recipient,
        wa_id=message.wa_id,
        user_id=message.user_id,
        type=message.type,
        body=message.body,
        biz_opaque_callback_data=message.biz_opaque_callback_data,
        accepted_at=message.accepted_at,
        accepted_monotonic=message.accepted_monotonic,
        status=message.status,
        failure_code=message.failure_code,
    )


def _delivery_out(delivery: WebhookDelivery, *, include_body: bool) -> WebhookDeliveryOut:
    return WebhookDeliveryOut(
        id=delivery.id,
        kind=delivery.kind,
        phone_number_id=delivery.phone_number_id,
        url=delivery.url,
        wamid=delivery.wamid,
        status=delivery.status,
        state=delivery.state,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        signature=delivery.signature,
        body=json.loads(delivery.body) if include_body else None,
    )


@router.post("/numbers", summary="Register or update a number", response_model=NumberOut)
async def register_number(number: NumberIn, sandbox: SandboxDep) -> NumberOut:
    registered = sandbox.register_number(
        RegisteredNumber(
            phone_number_id=number.phone_number_id,
            display_phone_number=number.display_phone_number,
            waba_id=number.waba_id,
            access_token=number.access_token,
            app_secret=number.app_secret,
            webhook_url=number.webhook_url or sandbox.settings.webhook_url,
            throughput_per_second=number.throughput_per_second,
            verified_name=number.verified_name,
        )
    )
    return _number_out(registered)


@router.get("/numbers", summary="The registered numbers", response_model=list[NumberOut])
async def list_numbers(sandbox: SandboxDep) -> list[NumberOut]:
    return [_number_out(number) for number in sandbox.numbers.all()]


@router.get(
    "/wabas/{waba_id}/templates",
    summary="A WABA's message templates (every status)",
    response_model=list[TemplateOut],
)
async def list_templates(waba_id: str, sandbox: SandboxDep) -> list[TemplateOut]:
    return [_template_out(t) for t in sandbox.templates.all(waba_id)]


@router.put(
    "/wabas/{waba_id}/templates",
    summary="Replace a WABA's message templates ([] leaves it without any)",
    response_model=list[TemplateOut],
)
async def replace_templates(
    waba_id: str, templates: list[TemplateIn], sandbox: SandboxDep
) -> list[TemplateOut]:
    replaced = sandbox.templates.replace(waba_id, [_template(t) for t in templates])
    return [_template_out(t) for t in replaced]


@router.post(
    "/wabas/{waba_id}/templates",
    summary="Add a template (one of the same name and language is replaced)",
    response_model=TemplateOut,
    status_code=201,
)
async def add_template(waba_id: str, template: TemplateIn, sandbox: SandboxDep) -> TemplateOut:
    return _template_out(sandbox.templates.add(waba_id, _template(template)))


@router.get(
    "/template-requests",
    summary="The GET /{waba_id}/message_templates calls answered, oldest first",
    response_model=list[TemplateReadOut],
)
async def list_template_requests(
    sandbox: SandboxDep, waba_id: str | None = None
) -> list[TemplateReadOut]:
    return [_read_out(read) for read in sandbox.templates.reads(waba_id)]


def _submission_out(submission: Submission) -> TemplateSubmissionOut:
    template = submission.template
    return TemplateSubmissionOut(
        id=template.id,
        waba_id=submission.waba_id,
        name=template.name,
        language=template.language,
        category=template.category,
        status=template.status,
        components=template.components,
        submitted_at=submission.submitted_at,
        decision=submission.decision,
        reason=submission.reason,
        decided_at=submission.decided_at,
        forced=submission.forced,
    )


@router.get(
    "/template-submissions",
    summary="Templates created through the Graph API and their review, oldest first",
    response_model=list[TemplateSubmissionOut],
)
async def list_template_submissions(
    sandbox: SandboxDep, waba_id: str | None = None
) -> list[TemplateSubmissionOut]:
    return [_submission_out(s) for s in sandbox.reviews.submissions(waba_id)]


@router.post(
    "/template-submissions/{template_id}/decision",
    summary="Decide a submission now (its webhook is posted as the rules' would be)",
    response_model=TemplateSubmissionOut,
)
async def decide_template_submission(
    template_id: str, decision: TemplateDecisionIn, sandbox: SandboxDep
) -> TemplateSubmissionOut:
    submission = sandbox.reviews.get(template_id)
    if submission is None:
        raise NotFound(f"no template submission {template_id}")
    sandbox.reviews.decide(submission, decision.event, decision.reason, forced=True)
    return _submission_out(submission)


@router.get("/sent", summary="Accepted sends, oldest first", response_model=SentPage)
async def list_sent(
    sandbox: SandboxDep,
    phone_number_id: str | None = None,
    to: Annotated[str | None, Query(description="a phone number or a BSUID")] = None,
    biz_opaque_callback_data: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> SentPage:
    found = sandbox.ledger.find(
        phone_number_id=phone_number_id, to=to, biz_opaque_callback_data=biz_opaque_callback_data
    )
    return SentPage(total=len(found), items=[_sent_out(m) for m in found[offset : offset + limit]])


@router.get(
    "/read-receipts",
    summary="Customer messages marked read (with the typing indicator or not), oldest first",
    response_model=list[ReadReceiptOut],
)
async def list_read_receipts(
    sandbox: SandboxDep, phone_number_id: str | None = None, message_id: str | None = None
) -> list[ReadReceiptOut]:
    return [
        ReadReceiptOut(
            phone_number_id=r.phone_number_id, message_id=r.message_id, typing=r.typing, at=r.at
        )
        for r in sandbox.ledger.marked_read()
        if (phone_number_id is None or r.phone_number_id == phone_number_id)
        and (message_id is None or r.message_id == message_id)
    ]


@router.get(
    "/stats", summary="Per number: accepted, refused, duplicates, pacing", response_model=Stats
)
async def stats(sandbox: SandboxDep, phone_number_id: str | None = None) -> Stats:
    ids = [phone_number_id] if phone_number_id else sandbox.ledger.phone_number_ids()
    numbers: dict[str, NumberStats] = {}
    for number_id in ids:
        tally = sandbox.ledger.tally(number_id)
        numbers[number_id] = NumberStats(
            phone_number_id=number_id,
            accepted=tally.accepted,
            refused=tally.refused,
            refused_total=sum(tally.refused.values()),
            duplicate_callback_values=tally.duplicate_callback_values,
            duplicate_callback_sends=tally.duplicate_callback_sends,
            max_per_second=tally.max_per_second,
            per_second=tally.per_second,
        )
    return Stats(numbers=numbers)


@router.post("/faults", summary="Inject a fault", response_model=FaultOut, status_code=201)
async def add_fault(fault: FaultIn, sandbox: SandboxDep) -> FaultOut:
    try:
        added = sandbox.faults.add(Fault(**fault.model_dump()))
    except ValueError as exc:
        raise InvalidFault(str(exc)) from None
    return _fault_out(added)


@router.get("/faults", summary="Active faults", response_model=list[FaultOut])
async def list_faults(sandbox: SandboxDep) -> list[FaultOut]:
    return [_fault_out(fault) for fault in sandbox.faults.all()]


@router.delete("/faults", summary="Remove every fault", status_code=204)
async def clear_faults(sandbox: SandboxDep) -> Response:
    sandbox.faults.clear()
    return Response(status_code=204)


@router.delete("/faults/{fault_id}", summary="Remove one fault", status_code=204)
async def remove_fault(fault_id: str, sandbox: SandboxDep) -> Response:
    if not sandbox.faults.remove(fault_id):
        raise NotFound(f"no fault {fault_id}")
    return Response(status_code=204)


@router.post("/reset", summary="Forget sends, faults, stats and deliveries", status_code=204)
async def reset(sandbox: SandboxDep) -> Response:
    await sandbox.reset()
    return Response(status_code=204)


@router.get(
    "/webhooks",
    summary="Webhook deliveries and their attempts",
    response_model=list[WebhookDeliveryOut],
)
async def list_webhooks(
    sandbox: SandboxDep,
    kind: str | None = None,
    wamid: str | None = None,
    phone_number_id: str | None = None,
    state: str | None = None,
    include_body: bool = False,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 1000,
) -> list[WebhookDeliveryOut]:
    found = sandbox.dispatcher.deliveries(
        kind=kind, wamid=wamid, phone_number_id=phone_number_id, state=state
    )
    return [_delivery_out(d, include_body=include_body) for d in found[-limit:]]
