"""What the template library refuses, each with its problem+json code."""

from __future__ import annotations

from mia_campaigns.campaigns.errors import CampaignsError

__all__ = [
    "PreviewContactNotFound",
    "PreviewVariableMissing",
    "TemplateInvalid",
    "TemplateNameTaken",
    "TemplateNotFound",
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
