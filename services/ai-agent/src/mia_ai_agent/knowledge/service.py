"""The rules of the knowledge bases: what a base, a document and a job may become.

Functions take the request's session and never commit; indexing itself runs in the
background (``indexing``), so adding a document answers at once with its pending job.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import orjson

from mia_ai_agent.embeddings.catalogue import DEFAULT_MODEL, EMBEDDING_MODELS
from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.errors import (
    DimensionsNotOffered,
    DocumentDuplicate,
    DocumentEmpty,
    DocumentNotFound,
    JobNotFound,
    KnowledgeBaseNameTaken,
    KnowledgeBaseNotFound,
)
from mia_ai_agent.knowledge.pages import PageFetcher
from mia_ai_agent.knowledge.parsing import Block, detect_format, html_title, parse
from mia_ai_agent.knowledge.repository import KnowledgeRepository
from mia_ai_agent.knowledge.schemas import FaqIn, KnowledgeBaseCreate, KnowledgeBaseUpdate
from mia_ai_agent.models.knowledge import Document, IndexingJob, KnowledgeBase

__all__ = [
    "add_document",
    "add_faq",
    "add_file",
    "add_page",
    "create_base",
    "delete_base",
    "delete_document",
    "get_base",
    "get_document",
    "get_job",
    "reindex_document",
    "update_base",
]


async def get_base(
    repository: KnowledgeRepository, *, tenant_id: uuid.UUID, base_id: uuid.UUID
) -> KnowledgeBase:
    base = await repository.base(tenant_id=tenant_id, base_id=base_id)
    if base is None:
        raise KnowledgeBaseNotFound(f"no knowledge base {base_id}")
    return base


async def get_document(
    repository: KnowledgeRepository,
    *,
    tenant_id: uuid.UUID,
    base_id: uuid.UUID,
    document_id: uuid.UUID,
) -> Document:
    document = await repository.document(
        tenant_id=tenant_id, base_id=base_id, document_id=document_id
    )
    if document is None:
        raise DocumentNotFound(f"no document {document_id} in knowledge base {base_id}")
    return document


async def get_job(
    repository: KnowledgeRepository, *, tenant_id: uuid.UUID, base_id: uuid.UUID, job_id: uuid.UUID
) -> IndexingJob:
    job = await repository.job(tenant_id=tenant_id, base_id=base_id, job_id=job_id)
    if job is None:
        raise JobNotFound(f"no indexing job {job_id} in knowledge base {base_id}")
    return job


async def _check_model(
    repository: KnowledgeRepository,
    embedders: EmbedderDirectory,
    *,
    tenant_id: uuid.UUID,
    model: str,
    dimensions: int | None,
) -> int:
    """The size the base will have; the model must be usable by this tenant now."""
    known = EMBEDDING_MODELS[model]
    size = dimensions or known.default_dimensions
    if size not in known.dimensions:
        sizes = ", ".join(map(str, known.dimensions))
        raise DimensionsNotOffered(f"{model} is offered in {sizes} dimensions, not {size}")
    await embedders.for_model(repository.session, tenant_id=tenant_id, model=model, dimensions=size)
    return size


async def _name_free(
    repository: KnowledgeRepository, *, tenant_id: uuid.UUID, name: str, base_id: uuid.UUID | None
) -> None:
    other = await repository.base_named(tenant_id=tenant_id, name=name)
    if other is not None and other.id != base_id:
        raise KnowledgeBaseNameTaken(f"the company has a knowledge base named {name!r}")


async def create_base(
    repository: KnowledgeRepository,
    *,
    tenant_id: uuid.UUID,
    body: KnowledgeBaseCreate,
    embedders: EmbedderDirectory,
) -> KnowledgeBase:
    await _name_free(repository, tenant_id=tenant_id, name=body.name, base_id=None)
    model = body.embedding_model or DEFAULT_MODEL.name
    size = await _check_model(
        repository, embedders, tenant_id=tenant_id, model=model, dimensions=body.dimensions
    )
    base = KnowledgeBase(
        tenant_id=tenant_id,
        name=body.name,
        description=body.description,
        embedding_model=model,
        dimensions=size,
        status="ready",
    )
    await repository.add(base)
    return base


async def update_base(
    repository: KnowledgeRepository,
    *,
    tenant_id: uuid.UUID,
    base_id: uuid.UUID,
    changes: KnowledgeBaseUpdate,
    embedders: EmbedderDirectory,
) -> tuple[KnowledgeBase, IndexingJob | None]:
    """The base changed; a change of model (or size) starts re-embedding every chunk."""
    base = await repository.base(tenant_id=tenant_id, base_id=base_id, for_update=True)
    if base is None:
        raise KnowledgeBaseNotFound(f"no knowledge base {base_id}")
    if changes.name is not None:
        await _name_free(repository, tenant_id=tenant_id, name=changes.name, base_id=base.id)
        base.name = changes.name
    if "description" in changes.model_fields_set:
        base.description = changes.description
    job = None
    if changes.embedding_model is not None or changes.dimensions is not None:
        model = changes.embedding_model or base.embedding_model
        dimensions = changes.dimensions
        if dimensions is None and model == base.embedding_model:
            dimensions = base.dimensions
        size = await _check_model(
            repository, embedders, tenant_id=tenant_id, model=model, dimensions=dimensions
        )
        # The same model again resumes a re-embedding that failed (its endpoint was down).
        changed = (model, size) != (base.embedding_model, base.dimensions)
        if changed or await repository.count_chunks(base, document_id=None, stale_only=True):
            base.embedding_model, base.dimensions, base.status = model, size, "reembedding"
            await repository.close_unfinished_jobs(
                base_id=base.id, document_id=None, reason="another change of model replaced it"
            )
            job = IndexingJob(
                tenant_id=tenant_id,
                knowledge_base_id=base.id,
                kind="reembed",
                status="pending",
                total=0,
                done=0,
            )
            await repository.add(job)
    await repository.refresh(base)
    return base, job


async def delete_base(
    repository: KnowledgeRepository, *, tenant_id: uuid.UUID, base_id: uuid.UUID
) -> None:
    await repository.delete_base(await get_base(repository, tenant_id=tenant_id, base_id=base_id))


async def add_document(
    repository: KnowledgeRepository,
    *,
    base: KnowledgeBase,
    kind: str,
    title: str,
    source: str | None,
    mime_type: str | None,
    blocks: list[Block],
    size: int,
    digest: str,
) -> tuple[Document, IndexingJob]:
    """The document stored with its text, and its indexing job queued."""
    if not any(block.text.strip() for block in blocks):
        raise DocumentEmpty(f"{title!r} has no text to index")
    # The same bytes twice would only double every passage in the answers.
    existing = await repository.document_with_hash(base, digest)
    if existing is not None:
        raise DocumentDuplicate(
            f"{existing.title!r} has the same content", document_id=str(existing.id)
        )
    document = Document(
        tenant_id=base.tenant_id,
        knowledge_base_id=base.id,
        kind=kind,
        title=title[:300],
        source=source[:2000] if source else None,
        mime_type=mime_type,
        status="pending",
        chunk_count=0,
        content_hash=digest,
        bytes=size,
        content=[block.as_json() for block in blocks],
    )
    await repository.add(document)
    job = IndexingJob(
        tenant_id=base.tenant_id,
        knowledge_base_id=base.id,
        document_id=document.id,
        kind="index",
        status="pending",
        total=0,
        done=0,
    )
    await repository.add(job)
    return document, job


async def add_file(
    repository: KnowledgeRepository,
    *,
    base: KnowledgeBase,
    filename: str | None,
    content_type: str | None,
    data: bytes,
    title: str | None,
) -> tuple[Document, IndexingJob]:
    fmt = detect_format(filename, content_type, data)
    # PDF and DOCX parsing is CPU work: off the event loop.
    blocks = await asyncio.to_thread(parse, data, fmt)
    return await add_document(
        repository,
        base=base,
        kind="file",
        title=title or (filename or "document"),
        source=filename,
        mime_type=fmt,
        blocks=blocks,
        size=len(data),
        digest=hashlib.sha256(data).hexdigest(),
    )


async def add_faq(
    repository: KnowledgeRepository, *, base: KnowledgeBase, body: FaqIn
) -> tuple[Document, IndexingJob]:
    # One chunk per pair: the question is what a customer's words resemble, the answer is
    # what is read back, so they are embedded together and never split.
    blocks = [
        Block((), f"{pair.question.strip()}\n{pair.answer.strip()}", whole=True)
        for pair in body.pairs
    ]
    raw = orjson.dumps([pair.model_dump() for pair in body.pairs])
    return await add_document(
        repository,
        base=base,
        kind="faq",
        title=body.title,
        source=None,
        mime_type="application/json",
        blocks=blocks,
        size=len(raw),
        digest=hashlib.sha256(raw).hexdigest(),
    )


async def add_page(
    repository: KnowledgeRepository,
    *,
    base: KnowledgeBase,
    url: str,
    title: str | None,
    fetcher: PageFetcher,
) -> tuple[Document, IndexingJob]:
    page = await fetcher.fetch(url)
    fmt = detect_format(page.url, page.content_type, page.data)
    blocks = await asyncio.to_thread(parse, page.data, fmt)
    if title is None and fmt == "text/html":
        title = html_title(page.data)
    return await add_document(
        repository,
        base=base,
        kind="url",
        title=title or page.url,
        source=url,
        mime_type=fmt,
        blocks=blocks,
        size=len(page.data),
        digest=hashlib.sha256(page.data).hexdigest(),
    )


async def reindex_document(repository: KnowledgeRepository, *, document: Document) -> IndexingJob:
    """Cut and embed the document again from its stored text (after a change of the
    chunking, or a failed job)."""
    await repository.close_unfinished_jobs(
        base_id=document.knowledge_base_id,
        document_id=document.id,
        reason="a re-index replaced it",
    )
    document.status, document.error = "pending", None
    job = IndexingJob(
        tenant_id=document.tenant_id,
        knowledge_base_id=document.knowledge_base_id,
        document_id=document.id,
        kind="reindex",
        status="pending",
        total=0,
        done=0,
    )
    await repository.add(job)
    await repository.refresh(document)
    return job


async def delete_document(repository: KnowledgeRepository, *, document: Document) -> None:
    # The chunks and jobs go with it (ON DELETE CASCADE): searched no more from the commit.
    await repository.delete_document(document)
