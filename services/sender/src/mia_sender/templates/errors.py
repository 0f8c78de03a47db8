"""Why an account's templates cannot be listed, as problem+json with a ``code``.

409: the account itself must be fixed by a person (its token, its WABA id); 502: Meta did
not give an answer we can use (down, slow, refusing). ``meta_code`` carries Meta's own
error code when there is one.
"""

from __future__ import annotations

from mia_common.errors import AppError

__all__ = ["AccountNeedsAttention", "MetaUnavailable"]


class AccountNeedsAttention(AppError):
    """Meta refuses the account's credentials or cannot find its WABA, or the stored
    credentials cannot be used at all (409)."""

    status_code = 409
    title = "The account's Meta credentials need attention"


class MetaUnavailable(AppError):
    """Meta is down, too slow, or answered something unusable (502)."""

    status_code = 502
    title = "Meta did not answer"
