"""What the knowledge bases refuse, each with its problem+json code."""

from __future__ import annotations

from typing import Any

from mia_common.errors import AppError

__all__ = [
    "DimensionsNotOffered",
    "DocumentDuplicate",
    "DocumentEmpty",
    "DocumentNotFound",
    "DocumentTooLarge",
    "DocumentUnreadable",
    "JobNotFound",
    "KnowledgeBaseNameTaken",
    "KnowledgeBaseNotFound",
    "KnowledgeError",
    "PageUnavailable",
    "UnsupportedDocumentType",
    "UrlRefused",
]


class KnowledgeError(AppError):
    """Carries a stable ``code`` in the problem body beside the title."""

    code = "knowledge_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, code=self.code, **extra)


class KnowledgeBaseNotFound(KnowledgeError):
    status_code = 404
    title = "No such knowledge base"
    code = "knowledge_base_not_found"


class KnowledgeBaseNameTaken(KnowledgeError):
    status_code = 409
    title = "A knowledge base of this name exists"
    code = "knowledge_base_name_taken"


class DocumentNotFound(KnowledgeError):
    status_code = 404
    title = "No such document"
    code = "document_not_found"


class DocumentDuplicate(KnowledgeError):
    status_code = 409
    title = "The knowledge base has this document already"
    code = "document_duplicate"


class JobNotFound(KnowledgeError):
    status_code = 404
    title = "No such indexing job"
    code = "job_not_found"


class DimensionsNotOffered(KnowledgeError):
    status_code = 422
    title = "The model is not offered in this size"
    code = "dimensions_not_offered"


class UnsupportedDocumentType(KnowledgeError):
    status_code = 415
    title = "This kind of file cannot be read"
    code = "unsupported_document_type"


class DocumentTooLarge(KnowledgeError):
    status_code = 413
    title = "The document is too large"
    code = "document_too_large"


class DocumentUnreadable(KnowledgeError):
    status_code = 422
    title = "The document could not be read"
    code = "document_unreadable"


class DocumentEmpty(KnowledgeError):
    status_code = 422
    title = "The document has no text"
    code = "document_empty"


class UrlRefused(KnowledgeError):
    status_code = 422
    title = "This address cannot be fetched"
    code = "url_refused"


class PageUnavailable(KnowledgeError):
    status_code = 422
    title = "The page could not be fetched"
    code = "page_unavailable"
