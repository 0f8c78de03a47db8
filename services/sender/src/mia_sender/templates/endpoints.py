"""``GET /api/v1/channels/accounts/{id}/templates``: the number's templates for the picker.

The account is read in a session of its own that closes before Meta is asked: a Graph
read can take seconds, and a request transaction would hold a database connection all
that time for nothing (the endpoint writes nothing).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from mia_common.db import unit_of_work
from mia_common.errors import NotFound
from mia_common.openapi import PROBLEM_RESPONSE
from mia_sender.accounts.repository import AccountRepository
from mia_sender.context import ContextDep, Reader
from mia_sender.templates.schemas import TemplateList, TemplateOut

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/accounts", tags=["channel accounts"])


def _problem(description: str) -> dict[str, Any]:
    return {**PROBLEM_RESPONSE, "description": description}


@router.get(
    "/{account_id}/templates",
    response_model=TemplateList,
    summary="The number's WhatsApp message templates (approved ones unless status=all)",
    responses={
        404: _problem("no such account in this company"),
        409: _problem(
            "code token_expired, token_lacks_permission, waba_not_found, account_restricted, "
            "credentials_missing, credentials_unreadable or credentials_invalid: a person "
            "must fix the account"
        ),
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
    async with unit_of_work(context.infra.sessions) as session:
        account = await AccountRepository.from_session(session).get_for_tenant(
            identity.tenant_id, account_id
        )
    if account is None:
        raise NotFound("no such channel account")
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
            )
            for t in templates
            if status == "all" or t.status == "APPROVED"
        ]
    )
