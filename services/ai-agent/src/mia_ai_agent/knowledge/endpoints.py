"""``/api/v1/ai/knowledge-bases``: bases, their documents (files, FAQ pairs, pages), chunks,
indexing jobs, and the retrieval tester. Managers and above write; every user reads and
searches. Another company's ids are not found (404), on every route."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, UploadFile
from sqlalchemy import select

from mia_ai_agent.context import ContextDep
from mia_ai_agent.identity import Caller, Manager
from mia_ai_agent.knowledge import service
from mia_ai_agent.knowledge.errors import DocumentTooLarge
from mia_ai_agent.knowledge.repository import KnowledgeRepository
from mia_ai_agent.knowledge.retrieval import retrieve
from mia_ai_agent.knowledge.schemas import (
    ChunkOut,
    DocumentOut,
    DocumentStatus,
    FaqIn,
    JobOut,
    KnowledgeBaseCreate,
    KnowledgeBaseOut,
    KnowledgeBaseUpdate,
    PageIn,
    PassageOut,
    SearchIn,
    SearchOut,
)
from mia_ai_agent.models.knowledge import Chunk, Document, IndexingJob, KnowledgeBase
from mia_common.db.requests import SessionDep
from mia_common.db.search import contains
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page
from mia_common.text import ApiStr

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai", tags=["knowledge"])

_BASE = "/knowledge-bases/{base_id}"
_DOCUMENT = _BASE + "/documents/{document_id}"
_ACCEPTED = "202: stored, indexing in the background; follow `job` (GET .../jobs/{job_id})."


def _repository(session: SessionDep) -> KnowledgeRepository:
    return KnowledgeRepository.from_session(session)


async def _document_out(repository: KnowledgeRepository, document: Document) -> DocumentOut:
    jobs = await repository.latest_jobs([document.id])
    return DocumentOut.of(document, job=jobs.get(document.id))


def _accepted(
    document: Document, job: IndexingJob, context: ContextDep, tasks: BackgroundTasks
) -> DocumentOut:
    # Woken once the response is out, so after the request's commit: the worker's claim
    # then sees the job at once instead of at its next tick.
    tasks.add_task(context.indexing.wake)
    return DocumentOut.of(document, job=job)


# --- knowledge bases -------------------------------------------------------------------


@router.post(
    "/knowledge-bases",
    response_model=KnowledgeBaseOut,
    status_code=201,
    summary="Add a knowledge base",
    description="409 `knowledge_base_name_taken`; 422 `dimensions_not_offered`; 409"
    " `embedding_model_unavailable` for a"
    " model the company has no endpoint for.",
)
async def create_base(
    body: KnowledgeBaseCreate, caller: Manager, session: SessionDep, context: ContextDep
) -> KnowledgeBaseOut:
    base = await service.create_base(
        _repository(session), tenant_id=caller.tenant_id, body=body, embedders=context.embedders
    )
    return KnowledgeBaseOut.of(base)


@router.get("/knowledge-bases", response_model=Page[KnowledgeBaseOut], summary="Knowledge bases")
async def list_bases(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[KnowledgeBaseOut]:
    query = select(KnowledgeBase).where(KnowledgeBase.tenant_id == caller.tenant_id)
    if q:
        query = query.where(contains(KnowledgeBase.name, q))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[KnowledgeBase.id]
    )
    return Page(items=[KnowledgeBaseOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/knowledge-bases/{base_id}", response_model=KnowledgeBaseOut)
async def read_base(base_id: uuid.UUID, caller: Caller, session: SessionDep) -> KnowledgeBaseOut:
    base = await service.get_base(_repository(session), tenant_id=caller.tenant_id, base_id=base_id)
    return KnowledgeBaseOut.of(base)


@router.patch(
    "/knowledge-bases/{base_id}",
    response_model=KnowledgeBaseOut,
    summary="Rename, describe, or change the embedding model (re-embeds, with a job)",
)
async def update_base(
    base_id: uuid.UUID,
    body: KnowledgeBaseUpdate,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    tasks: BackgroundTasks,
) -> KnowledgeBaseOut:
    base, job = await service.update_base(
        _repository(session),
        tenant_id=caller.tenant_id,
        base_id=base_id,
        changes=body,
        embedders=context.embedders,
    )
    if job is not None:
        tasks.add_task(context.indexing.wake)
    return KnowledgeBaseOut.of(base, job=job)


@router.delete(
    "/knowledge-bases/{base_id}",
    status_code=204,
    summary="Delete a knowledge base, its documents and chunks",
)
async def delete_base(base_id: uuid.UUID, caller: Manager, session: SessionDep) -> None:
    await service.delete_base(_repository(session), tenant_id=caller.tenant_id, base_id=base_id)


# --- documents -------------------------------------------------------------------------


@router.post(
    _BASE + "/documents",
    response_model=DocumentOut,
    status_code=202,
    summary="Upload a file: .txt, .md, .html, .pdf or .docx",
    description=_ACCEPTED + " 415 `unsupported_document_type`; 413 `document_too_large`;"
    " 422 `document_unreadable` or `document_empty`; 409 `document_duplicate` (the same"
    " bytes are in the base already: `document_id`).",
)
async def upload_document(
    base_id: uuid.UUID,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    tasks: BackgroundTasks,
    file: Annotated[UploadFile, File(description="the document")],
    title: Annotated[ApiStr | None, Form(max_length=300)] = None,
) -> DocumentOut:
    repository = _repository(session)
    base = await service.get_base(repository, tenant_id=caller.tenant_id, base_id=base_id)
    cap = context.settings.knowledge_max_document_bytes
    data = await file.read(cap + 1)
    if len(data) > cap:
        raise DocumentTooLarge(f"files up to {cap} bytes are taken")
    document, job = await service.add_file(
        repository,
        base=base,
        filename=file.filename,
        content_type=file.content_type,
        data=data,
        title=title,
    )
    return _accepted(document, job, context, tasks)


@router.post(
    _BASE + "/faq",
    response_model=DocumentOut,
    status_code=202,
    summary="Add questions and answers typed in (one chunk per pair)",
    description=_ACCEPTED,
)
async def add_faq(
    base_id: uuid.UUID,
    body: FaqIn,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    tasks: BackgroundTasks,
) -> DocumentOut:
    repository = _repository(session)
    base = await service.get_base(repository, tenant_id=caller.tenant_id, base_id=base_id)
    document, job = await service.add_faq(repository, base=base, body=body)
    return _accepted(document, job, context, tasks)


@router.post(
    _BASE + "/pages",
    response_model=DocumentOut,
    status_code=202,
    summary="Fetch a web page (HTML, text or PDF) into the base",
    description=_ACCEPTED + " 422 `url_refused` (not http(s), or a private address);"
    " 422 `page_unavailable` (no answer in time, not 200, not a page); 413"
    " `document_too_large`.",
)
async def add_page(
    base_id: uuid.UUID,
    body: PageIn,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    tasks: BackgroundTasks,
) -> DocumentOut:
    repository = _repository(session)
    base = await service.get_base(repository, tenant_id=caller.tenant_id, base_id=base_id)
    document, job = await service.add_page(
        repository, base=base, url=body.url, title=body.title, fetcher=context.pages
    )
    return _accepted(document, job, context, tasks)


@router.get(_BASE + "/documents", response_model=Page[DocumentOut], summary="A base's documents")
async def list_documents(
    base_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    status: DocumentStatus | None = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the title")] = None,
) -> Page[DocumentOut]:
    repository = _repository(session)
    await service.get_base(repository, tenant_id=caller.tenant_id, base_id=base_id)
    query = select(Document).where(
        Document.tenant_id == caller.tenant_id, Document.knowledge_base_id == base_id
    )
    if status is not None:
        query = query.where(Document.status == status)
    if q:
        query = query.where(contains(Document.title, q))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Document.id]
    )
    jobs = await repository.latest_jobs([row.id for row in rows])
    return Page(
        items=[DocumentOut.of(row, job=jobs.get(row.id)) for row in rows], next_cursor=next_cursor
    )


@router.get(_DOCUMENT, response_model=DocumentOut)
async def read_document(
    base_id: uuid.UUID, document_id: uuid.UUID, caller: Caller, session: SessionDep
) -> DocumentOut:
    repository = _repository(session)
    document = await service.get_document(
        repository, tenant_id=caller.tenant_id, base_id=base_id, document_id=document_id
    )
    return await _document_out(repository, document)


@router.delete(_DOCUMENT, status_code=204, summary="Delete a document and its chunks")
async def delete_document(
    base_id: uuid.UUID, document_id: uuid.UUID, caller: Manager, session: SessionDep
) -> None:
    repository = _repository(session)
    document = await service.get_document(
        repository, tenant_id=caller.tenant_id, base_id=base_id, document_id=document_id
    )
    await service.delete_document(repository, document=document)


@router.post(
    _DOCUMENT + "/reindex",
    response_model=DocumentOut,
    status_code=202,
    summary="Cut and embed a document again from its stored text",
    description=_ACCEPTED,
)
async def reindex_document(
    base_id: uuid.UUID,
    document_id: uuid.UUID,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    tasks: BackgroundTasks,
) -> DocumentOut:
    repository = _repository(session)
    document = await service.get_document(
        repository, tenant_id=caller.tenant_id, base_id=base_id, document_id=document_id
    )
    job = await service.reindex_document(repository, document=document)
    return _accepted(document, job, context, tasks)


@router.get(
    _DOCUMENT + "/chunks", response_model=Page[ChunkOut], summary="A document's chunks, in order"
)
async def list_chunks(
    base_id: uuid.UUID,
    document_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[ChunkOut]:
    repository = _repository(session)
    await service.get_document(
        repository, tenant_id=caller.tenant_id, base_id=base_id, document_id=document_id
    )
    query = select(Chunk).where(
        Chunk.tenant_id == caller.tenant_id, Chunk.document_id == document_id
    )
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Chunk.ordinal, Chunk.id]
    )
    return Page(items=[ChunkOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get(_BASE + "/jobs/{job_id}", response_model=JobOut, summary="An indexing job's progress")
async def read_job(
    base_id: uuid.UUID, job_id: uuid.UUID, caller: Caller, session: SessionDep
) -> JobOut:
    job = await service.get_job(
        _repository(session), tenant_id=caller.tenant_id, base_id=base_id, job_id=job_id
    )
    return JobOut.of(job)


@router.post(
    _BASE + "/search",
    response_model=SearchOut,
    summary="Try retrieval: the passages the bot would read for a question",
    description="Hybrid: by meaning and by words, fused by reciprocal rank; each passage"
    " with its fused score, cosine similarity and place in each ranking.",
)
async def search(
    base_id: uuid.UUID, body: SearchIn, caller: Caller, session: SessionDep, context: ContextDep
) -> SearchOut:
    await service.get_base(_repository(session), tenant_id=caller.tenant_id, base_id=base_id)
    passages = await retrieve(
        session,
        embedders=context.embedders,
        tenant_id=caller.tenant_id,
        knowledge_base_ids=[base_id],
        query=body.query,
        limit=body.limit,
    )
    return SearchOut(passages=[PassageOut.of(passage) for passage in passages])
