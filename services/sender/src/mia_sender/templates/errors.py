"""Why an account's templates cannot be listed, created or deleted, as problem+json with a
``code``.

409: the account itself must be fixed by a person (its token, its WABA id); 502: Meta did
not give an answer we can use (down, slow, refusing); 422: the template as written cannot
be submitted; 404: no template of that name. ``meta_code`` carries Meta's own
error code when there is one.
"""

from __future__ import annotations

from mia_common.errors import AppError

__all__ = ["AccountNeedsAttention", "MetaUnavailable", "TemplateNotFound", "TemplateRefused"]


class AccountNeedsAttention(AppError):
    """Meta refuses the account's credentials or cannot find its WABA, or the stored
    credentials cannot be used at all (409)."""

    status_code = 409
    title = "The account's Meta credentials need attention"


class MetaUnavailable(AppError):
    """Meta is down, too slow, or answered something unusable (502)."""

    status_code = 502
    title = "Meta did not answer"


class TemplateRefused(AppError):
    """The template as written cannot be submitted (422): our own check of the rules that
    tie its parts together (``template_invalid``), Meta's refusal of it
    (``template_rejected_by_meta``, Meta's words in ``detail``), or an account without
    templates (``sms_has_no_templates``)."""

    status_code = 422
    title = "The template cannot be submitted"


class TemplateNotFound(AppError):
    """Meta has no template of that name in the account's WhatsApp Business Account (404)."""

    status_code = 404
    title = "No such template"
