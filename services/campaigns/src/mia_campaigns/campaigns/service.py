"""Campaigns: create, launch (freeze the audience), pause, resume, cancel, read progress.

Keyword-only; never commits (the request is the transaction). A launch freezes the
audience in the launching request's transaction, with the campaign row locked: two
launches at once cannot both freeze, and a launch that fails half-way leaves a draft.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.audiences.snapshot import freeze
from mia_campaigns.campaigns.errors import CampaignNotFound, CampaignStateConflict, InvalidMessage
from mia_campaigns.campaigns.lifecycle import move
from mia_campaigns.campaigns.schemas import CampaignCreate, CampaignOut, CampaignUpdate
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign, Recipient, Template
from mia_campaigns.sending.messages import campaign_messages, check_message, member_fields
from mia_campaigns.templates.errors import TemplateNotApproved
from mia_campaigns.templates.library_messages import resolve_library_messages
from mia_common.contracts.campaigns import CampaignStatus, RecipientState
from mia_common.identity import Identity

__all__ = [
    "cancel_campaign",
    "create_campaign",
    "delete_campaign",
    "get_campaign",
    "launch_campaign",
    "pause_campaign",
    "progress",
    "resume_campaign",
    "update_campaign",
]


async def create_campaign(
    session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID | None, body: CampaignCreate
) -> Campaign:
    body = await resolve_library_messages(session, tenant_id=tenant_id, body=body)
    campaign = Campaign(
        tenant_id=tenant_id,
        status=CampaignStatus.DRAFT.value,
        channel=body.channel.value,
        channel_account_id=body.channel_account_id,
        **await _checked(body),
        allowance=0.0,
        created_by_user_id=user_id,
    )
    session.add(campaign)
    await session.flush()
    await session.refresh(campaign)
    return campaign


def _require_draft(campaign: Campaign, doing: str) -> None:
    if campaign.status != CampaignStatus.DRAFT.value:
        raise CampaignStateConflict(
            f"only a draft can be {doing}; this campaign is {campaign.status}",
            current_status=campaign.status,
        )


async def update_campaign(
    session: AsyncSession, *, tenant_id: uuid.UUID, campaign_id: uuid.UUID, changes: CampaignUpdate
) -> Campaign:
    campaign = await get_campaign(session, tenant_id=tenant_id, campaign_id=campaign_id, lock=True)
    _require_draft(campaign, "edited")
    given = changes.model_fields_set
    # The result is checked as a new campaign would be: one message or variants, SMS text.
    merged = CampaignCreate.model_validate(
        {
            "name": campaign.name,
            "channel": campaign.channel,
            "channel_account_id": campaign.channel_account_id,
            "message": None if campaign.variants else campaign.message,
            "variants": campaign.variants,
            "audience": campaign.audience,
            "in_flight_limit": campaign.in_flight_limit,
            "rate_per_second": campaign.rate_per_second,
            "frequency_cap_hours": campaign.frequency_cap_hours,
            "send_window": campaign.send_window,
        }
        | {key: getattr(changes, key) for key in given if key not in ("message", "variants")}
        | (
            {"message": changes.message, "variants": changes.variants}
            if {"message", "variants"} & given
            else {}
        )
    )
    merged = await resolve_library_messages(session, tenant_id=tenant_id, body=merged)
    replacement = await _checked(merged)
    for key in ("name", "audience", "in_flight_limit", "rate_per_second", "frequency_cap_hours"):
        setattr(campaign, key, replacement[key])
    campaign.message = replacement["message"]
    campaign.variants = replacement["variants"]
    campaign.send_window = replacement["send_window"]
    await session.flush()
    await session.refresh(campaign)
    return campaign


async def delete_campaign(
    session: AsyncSession, *, tenant_id: uuid.UUID, campaign_id: uuid.UUID
) -> None:
    campaign = await get_campaign(session, tenant_id=tenant_id, campaign_id=campaign_id, lock=True)
    _require_draft(campaign, "deleted")
    await session.delete(campaign)


async def _checked(body: CampaignCreate) -> dict[str, Any]:
    """The stored form of ``body``, its messages compiled (422 naming the variant)."""
    for number, spec in enumerate(body.messages()):
        problem = check_message(spec)
        if problem is not None:
            where = f"variant {body.variants[number].label}: " if body.variants else ""
            raise InvalidMessage(where + problem)
    return {
        "name": body.name,
        "message": body.messages()[0].model_dump(mode="json"),
        "variants": [v.model_dump(mode="json") for v in body.variants] if body.variants else None,
        "audience": body.audience.model_dump(mode="json"),
        "in_flight_limit": body.in_flight_limit,
        "rate_per_second": body.rate_per_second,
        "frequency_cap_hours": body.frequency_cap_hours,
        "send_window": body.send_window.model_dump(mode="json") if body.send_window else None,
    }


async def get_campaign(
    session: AsyncSession, *, tenant_id: uuid.UUID, campaign_id: uuid.UUID, lock: bool = False
) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id, Campaign.tenant_id == tenant_id)
    if lock:
        query = query.with_for_update()
    campaign = await session.scalar(query)
    if campaign is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    return campaign


async def progress(session: AsyncSession, campaign: Campaign) -> CampaignOut:
    rows = await session.execute(
        select(Recipient.variant, Recipient.state, Recipient.reason, func.count())
        .where(Recipient.campaign_id == campaign.id)
        .group_by(Recipient.variant, Recipient.state, Recipient.reason)
    )
    counts: dict[str, int] = {}
    excluded: dict[str, int] = {}
    failures: dict[str, int] = {}
    by_variant: dict[int, dict[str, int]] = {}
    for variant, state, reason, count in rows:
        counts[state] = counts.get(state, 0) + count
        if variant is not None:
            of_variant = by_variant.setdefault(variant, {})
            of_variant[state] = of_variant.get(state, 0) + count
        if state == RecipientState.EXCLUDED.value:
            excluded[reason or "unknown"] = count
        elif state == RecipientState.FAILED.value:
            failures[reason or "unknown"] = failures.get(reason or "unknown", 0) + count
    return CampaignOut.of(
        campaign, counts=counts, excluded=excluded, failures=failures, by_variant=by_variant
    )


async def launch_campaign(
    session: AsyncSession,
    *,
    caller: Identity,
    campaign_id: uuid.UUID,
    scheduled_at: datetime | None,
    crm: CrmMembers,
    events: CampaignEvents,
    now: datetime,
) -> Campaign:
    campaign = await get_campaign(
        session, tenant_id=caller.tenant_id, campaign_id=campaign_id, lock=True
    )
    if campaign.status != CampaignStatus.DRAFT.value:
        raise CampaignStateConflict(
            f"only a draft is launched; this campaign is {campaign.status}",
            current_status=campaign.status,
        )
    await _check_still_approved(session, campaign)
    fields = member_fields(campaign_messages(campaign))
    async with crm.request(caller, campaign.audience, fields=fields) as stream:
        await freeze(
            session,
            campaign,
            stream,
            frequency_cap_hours=campaign.frequency_cap_hours,
            now=now,
        )
    campaign.launched_at = now
    later = scheduled_at is not None and scheduled_at > now
    if later:
        campaign.scheduled_at = scheduled_at
    to = CampaignStatus.SCHEDULED if later else CampaignStatus.RUNNING
    await move(session, campaign, to, events=events, now=now, actor_user_id=caller.user_id)
    return campaign


_WITHDRAWN = frozenset({"PAUSED", "DISABLED", "REJECTED", "DELETED", "PENDING_DELETION"})
"""Meta statuses under which an approved template no longer sends."""


async def _check_still_approved(session: AsyncSession, campaign: Campaign) -> None:
    """422 ``template_not_approved`` when Meta withdrew a library template the draft was
    saved with (approved then): every send of it would fail."""
    stored = [v["message"] for v in campaign.variants] if campaign.variants else [campaign.message]
    for message in stored:
        library_id = message.get("library_template_id")
        if message.get("type") != "template" or not library_id:
            continue
        template = await session.get(Template, uuid.UUID(str(library_id)))
        if (
            template is not None
            and template.tenant_id == campaign.tenant_id
            and template.meta_name == message.get("name")
            and template.meta_status in _WITHDRAWN
        ):
            raise TemplateNotApproved(
                f"the template {template.name!r} is {template.meta_status} at Meta since the"
                " draft was saved: every send of it would fail",
                template_id=str(template.id),
                meta_status=template.meta_status,
            )


async def _moved_by(
    session: AsyncSession,
    *,
    caller: Identity,
    campaign_id: uuid.UUID,
    to: CampaignStatus,
    events: CampaignEvents,
    now: datetime,
    reason: str | None = None,
) -> Campaign:
    """The caller's campaign, locked, moved to ``to`` (409 when its status forbids it)."""
    campaign = await get_campaign(
        session, tenant_id=caller.tenant_id, campaign_id=campaign_id, lock=True
    )
    await move(
        session, campaign, to, events=events, now=now, actor_user_id=caller.user_id, reason=reason
    )
    return campaign


async def pause_campaign(
    session: AsyncSession,
    *,
    caller: Identity,
    campaign_id: uuid.UUID,
    events: CampaignEvents,
    now: datetime,
) -> Campaign:
    return await _moved_by(
        session,
        caller=caller,
        campaign_id=campaign_id,
        to=CampaignStatus.PAUSED,
        events=events,
        now=now,
        reason="paused_by_user",
    )


async def resume_campaign(
    session: AsyncSession,
    *,
    caller: Identity,
    campaign_id: uuid.UUID,
    events: CampaignEvents,
    now: datetime,
) -> Campaign:
    campaign = await get_campaign(
        session, tenant_id=caller.tenant_id, campaign_id=campaign_id, lock=True
    )
    if campaign.status != CampaignStatus.PAUSED.value:
        # A draft or a scheduled campaign may become running too, but not by "resume".
        raise CampaignStateConflict(
            f"only a paused campaign resumes; this one is {campaign.status}",
            current_status=campaign.status,
        )
    to = CampaignStatus.RUNNING
    await move(session, campaign, to, events=events, now=now, actor_user_id=caller.user_id)
    return campaign


async def cancel_campaign(
    session: AsyncSession,
    *,
    caller: Identity,
    campaign_id: uuid.UUID,
    events: CampaignEvents,
    now: datetime,
) -> Campaign:
    campaign = await _moved_by(
        session,
        caller=caller,
        campaign_id=campaign_id,
        to=CampaignStatus.CANCELLED,
        events=events,
        now=now,
        reason="cancelled_by_user",
    )
    await session.execute(
        update(Recipient)
        .where(
            Recipient.campaign_id == campaign.id,
            Recipient.state == RecipientState.QUEUED.value,
        )
        .values(state=RecipientState.CANCELLED.value, reason="campaign_cancelled", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return campaign
