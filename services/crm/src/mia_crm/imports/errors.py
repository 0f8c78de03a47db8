"""The imports API's errors."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = [
    "EmptyFile",
    "FileTooLarge",
    "ImportAlreadyStarted",
    "ImportExpired",
    "ImportNotFound",
    "InvalidMapping",
    "UnknownTags",
    "UnsupportedFileType",
]


class ImportNotFound(CrmError):
    # Also what another tenant's id gets.
    status_code = 404
    title = "Not found"
    code = "import_not_found"


class FileTooLarge(CrmError):
    status_code = 413
    title = "File too large"
    code = "file_too_large"


class UnsupportedFileType(CrmError):
    status_code = 415
    title = "Unsupported media type"
    code = "unsupported_file_type"


class EmptyFile(CrmError):
    status_code = 422
    title = "Empty file"
    code = "empty_file"


class InvalidMapping(CrmError):
    status_code = 422
    title = "Invalid mapping"
    code = "invalid_mapping"


class UnknownTags(CrmError):
    status_code = 422
    title = "Unknown tags"
    code = "unknown_tags"


class ImportAlreadyStarted(CrmError):
    status_code = 409
    title = "Import already started"
    code = "import_already_started"


class ImportExpired(CrmError):
    """The import's file and report are past their retention (``file_retention_days``)."""

    status_code = 410
    title = "Expired"
    code = "import_expired"
