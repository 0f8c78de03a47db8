"""The review before launch: the audience counted as a launch would freeze it, the
number's daily limit, how long the sends take at the chosen rate and what they cost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.audiences.review import review_audience
from mia_campaigns.campaigns.pricing import country_of, price_of
from mia_campaigns.campaigns.schemas import CostEstimate, DailyLimit, ReviewOut
from mia_campaigns.config import CampaignsSettings
from mia_campaigns.models import Campaign
from mia_campaigns.sending.messages import campaign_messages, member_fields
from mia_campaigns.sending.sender_limits import SenderLimits
from mia_campaigns.templates.sms import sms_segments
from mia_common.contracts import Channel
from mia_common.identity import Identity

__all__ = ["review_campaign"]


async def review_campaign(
    session: AsyncSession,
    campaign: Campaign,
    *,
    caller: Identity,
    crm: CrmMembers,
    sender: SenderLimits,
    settings: CampaignsSettings,
    now: datetime,
) -> ReviewOut:
    fields = member_fields(campaign_messages(campaign))
    async with crm.request(caller, campaign.audience, fields=fields) as stream:
        audience = await review_audience(session, campaign, stream, country_of=country_of, now=now)
    is_template = campaign.message.get("type") == "template"
    whatsapp = campaign.channel == Channel.WHATSAPP_CLOUD.value
    warnings: list[str] = []
    daily: DailyLimit | None = None
    if whatsapp:
        limits = await sender.limits(caller, campaign.channel_account_id)
        if limits is None:
            warnings.append("daily_limit_unknown")
        else:
            remaining = limits.get("remaining")
            over = max(0, audience.outside_window - remaining) if remaining is not None else 0
            daily = DailyLimit(
                tier=str(limits.get("tier")),
                limit=limits.get("limit"),
                remaining=remaining,
                over_by=over,
                resets_at=limits.get("resets_at"),
            )
            if over:
                # Past the wall Meta refuses the rest: split the audience or schedule it.
                warnings.append("daily_limit_exceeded")
        if not is_template and audience.outside_window:
            warnings.append("template_required")
    rate = campaign.rate_per_second or settings.default_rate_per_second
    if not whatsapp:
        category = "sms_segment"
        per_message = sms_segments(str(campaign.message.get("body", ""))).segments
    elif is_template:
        category = str(campaign.message.get("category", "marketing"))
        per_message = 1
    else:
        category, per_message = "free", 0
    by_country = {
        country: round(count * per_message * price_of(settings.prices, category, country), 4)
        for country, count in audience.by_country.items()
    }
    return ReviewOut(
        members=audience.members,
        recipients=audience.recipients,
        excluded=audience.excluded,
        outside_window=audience.outside_window if whatsapp else 0,
        template_required=whatsapp and not is_template and audience.outside_window > 0,
        daily_limit=daily,
        warnings=warnings,
        rate_per_second=rate,
        duration_seconds=round(audience.recipients / rate, 1),
        cost=CostEstimate(
            category=category, total=round(sum(by_country.values()), 2), by_country=by_country
        ),
        by_country=audience.by_country,
    )
