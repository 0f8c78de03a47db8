"""``/api/v1/channels/accounts/{id}/templates``: the number's templates for the picker
(``GET``, every member), and new ones submitted to Meta for review or deleted there
(``POST``, ``DELETE .../{name}``, managers and above; the sender holds the Meta tokens).

The account is read in a session of its own that closes before Meta is asked: a Graph
call can take seconds, and a request transaction would hold a database connection all
that time for nothing (these endpoints write nothing of ours; templates live at Meta).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from mia_common.db import unit_of_work
from mia_common.errors import NotFound
from mia_common.openapi import PROBLEM_RESPONSE
from mia_sender.accounts.repository import AccountRepository
from mia_sender.context import ContextDep, Manager, Reader
from mia_sender.models import ChannelAccount
from mia_sender.templates.schemas import (
    ButtonVariablesOut,
    TemplateCreate,
    TemplateCreated,
    TemplateList,
    TemplateOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/accounts", tags=["channel accounts"])


def _problem(description: str) -> dict[str, Any]:
    return {**PROBLEM_RESPONSE, "description": description}


_NEEDS_ATTENTION = _problem(
    "code token_expired, token_lacks_permission, waba_not_found, account_restricted, "
    "credentials_missing, credentials_unreadable or credentials_invalid: a person "
    "must fix the account"
)


async def _account(
    context: ContextDep, tenant_id: uuid.UUID, account_id: uuid.UUID
) -> ChannelAccount:
    async with unit_of_work(context.infra.sessions) as session:
        account = await AccountRepository.from_session(session).get_for_tenant(
            tenant_id, account_id
        )
    if account is None:
        raise NotFound("no such channel account")
    return account


@router.get(
    "/{account_id}/templates",
    response_model=TemplateList,
    summary="The number's WhatsApp message templates (approved ones unless status=all)",
    responses={
        404: _problem("no such account in this company"),
        409: _NEEDS_ATTENTION,
        502: _problem("code meta_unavailable or meta_error: Meta gave no list"),
    },
)
async def account_templates(
    account_id: uuid.UUID,
    identity: Reader,
    context: ContextDep,
    status: Annotated[
        Literal["approved", "all"],
        Query(description="approved: only what can be sent now; all: every status"),
    ] = "approved",
) -> TemplateList:
    """SMS accounts answer an empty list: SMS has no templates and no 24-hour window.
    Read from Meta at most about once a minute per account (cached in Redis)."""
    account = await _account(context, identity.tenant_id, account_id)
    templates = await context.templates.templates(account)
    return TemplateList(
        items=[
            TemplateOut(
                name=t.name,
                language=t.language,
                status=t.status,
                category=t.category,
                body=t.body,
                variables=t.variables,
                header=t.header,
                footer=t.footer,
                header_variables=t.header_variables,
                button_variables=[
                    ButtonVariablesOut(index=b.index, type=b.type, count=b.count)
                    for b in t.button_variables
                ],
            )
            for t in templates
            if status == "all" or t.status == "APPROVED"
        ]
    )


@router.post(
    "/{account_id}/templates",
    response_model=TemplateCreated,
    status_code=201,
    summary="Submit a new WhatsApp message template to Meta for review",
    responses={
        404: _problem("no such account in this company"),
        409: _NEEDS_ATTENTION,
        422: _problem(
            "the body does not fit the schema; or code template_invalid (its parts do not fit "
            "together: one BODY, an example per variable...), template_rejected_by_meta "
            "(Meta refused it: its words in detail, its code in meta_code) or "
            "sms_has_no_templates"
        ),
        502: _problem("code meta_unavailable or meta_error: Meta did not take the template"),
    },
)
async def create_template(
    account_id: uuid.UUID, body: TemplateCreate, identity: Manager, context: ContextDep
) -> TemplateCreated:
    """Meta answers at once with the template PENDING and reviews it later; the list
    (``GET ...?status=all``) shows it at once and its decision once Meta made it."""
    account = await _account(context, identity.tenant_id, account_id)
    submitted = await context.templates.create(account, body)
    return TemplateCreated(
        id=submitted.id,
        name=body.name,
        language=body.language,
        status=submitted.status,
        category=submitted.category,
    )


@router.delete(
    "/{account_id}/templates/{name}",
    status_code=204,
    summary="Delete a WhatsApp message template at Meta (every language of it)",
    responses={
        404: _problem("no such account in this company; or code template_not_found"),
        409: _NEEDS_ATTENTION,
        422: _problem("code sms_has_no_templates"),
        502: _problem("code meta_unavailable or meta_error: Meta did not delete it"),
    },
)
async def delete_template(
    account_id: uuid.UUID,
    name: Annotated[str, Path(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")],
    identity: Manager,
    context: ContextDep,
) -> Response:
    account = await _account(context, identity.tenant_id, account_id)
    await context.templates.delete(account, name)
    return Response(status_code=204)
