"""What the campaigns API refuses: problem+json with a stable ``code`` to switch on."""

from __future__ import annotations

from typing import Any, ClassVar

from mia_common.errors import AppError

__all__ = [
    "AudienceRejected",
    "AudienceUnavailable",
    "CampaignNotFound",
    "CampaignStateConflict",
    "CampaignsError",
    "InvalidMessage",
]


class CampaignsError(AppError):
    code: ClassVar[str] = "campaigns_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, code=self.code, **extra)


class CampaignNotFound(CampaignsError):
    status_code = 404
    title = "No such campaign"
    code = "campaign_not_found"


class CampaignStateConflict(CampaignsError):
    status_code = 409
    title = "The campaign's status does not allow this"
    code = "campaign_state_conflict"


class InvalidMessage(CampaignsError):
    status_code = 422
    title = "The message cannot be sent as written"
    code = "campaign_message_invalid"


class AudienceUnavailable(CampaignsError):
    status_code = 502
    title = "The crm did not give the audience"
    code = "audience_unavailable"


class AudienceRejected(CampaignsError):
    status_code = 422
    title = "The audience is not valid"
    code = "audience_invalid"
