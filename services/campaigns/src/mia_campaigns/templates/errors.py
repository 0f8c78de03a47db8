"""What the template library refuses, each with its problem+json code."""

from __future__ import annotations

from typing import Any

from mia_campaigns.campaigns.errors import CampaignsError
from mia_common.errors import AppError

__all__ = [
    "PreviewContactNotFound",
    "PreviewVariableMissing",
    "SenderRefused",
    "SenderUnavailable",
    "TemplateAlreadySubmitted",
    "TemplateChannelMismatch",
    "TemplateInvalid",
    "TemplateNameTaken",
    "TemplateNotApproved",
    "TemplateNotFound",
    "TemplateNotOnMeta",
    "TemplateOnAnotherNumber",
]


class TemplateNotFound(CampaignsError):
    status_code = 404
    title = "No such template"
    code = "template_not_found"


class TemplateNameTaken(CampaignsError):
    status_code = 409
    title = "A template of this name exists"
    code = "template_name_taken"


class TemplateInvalid(CampaignsError):
    status_code = 422
    title = "The template cannot be used as written"
    code = "template_invalid"


class PreviewContactNotFound(CampaignsError):
    status_code = 404
    title = "No such contact"
    code = "contact_not_found"


class PreviewVariableMissing(CampaignsError):
    status_code = 422
    title = "A variable has no value for this contact"
    code = "template_variable_missing"


class TemplateNotOnMeta(CampaignsError):
    status_code = 422
    title = "An SMS template has no Meta counterpart"
    code = "sms_has_no_templates"


class TemplateAlreadySubmitted(CampaignsError):
    status_code = 409
    title = "The template is already at Meta"
    code = "template_already_submitted"


class TemplateNotApproved(CampaignsError):
    status_code = 422
    title = "The template is not approved by Meta"
    code = "template_not_approved"


class TemplateChannelMismatch(CampaignsError):
    status_code = 422
    title = "The template is for another channel"
    code = "template_channel_mismatch"


class TemplateOnAnotherNumber(CampaignsError):
    status_code = 422
    title = "The template was approved for another number"
    code = "template_on_another_number"


class SenderUnavailable(CampaignsError):
    status_code = 502
    title = "The sender did not answer"
    code = "sender_unavailable"


_TITLES = {
    404: "No such channel account",
    409: "The account's Meta credentials need attention",
    422: "Meta's template cannot be submitted",
    502: "Meta did not answer",
}


class SenderRefused(AppError):
    """The sender's own problem, passed on as it said it: its status, ``code`` and detail
    (Meta's words in it for ``template_rejected_by_meta``), and ``meta_code``."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status_code = status if status in _TITLES else 502
        self.title = _TITLES[self.status_code]
        # A body the sender's schema refused carries ``errors`` and no code of its own.
        fallback = {404: "channel_account_not_found", 422: "template_invalid"}
        code = problem.get("code") or fallback.get(status, "sender_refused")
        extra = {key: problem[key] for key in ("meta_code", "errors") if key in problem}
        detail = problem.get("detail") or problem.get("title") or f"the sender answered {status}"
        super().__init__(str(detail), code=code, **extra)
