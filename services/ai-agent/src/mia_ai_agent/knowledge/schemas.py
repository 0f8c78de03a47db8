"""The HTTP edge of the knowledge bases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mia_ai_agent.embeddings.catalogue import DEFAULT_MODEL, EMBEDDING_MODELS
from mia_ai_agent.knowledge.retrieval import Passage
from mia_ai_agent.models.knowledge import Chunk, Document, IndexingJob, KnowledgeBase
from mia_common.text import ApiStr

__all__ = [
    "ChunkOut",
    "DocumentOut",
    "DocumentStatus",
    "FaqIn",
    "FaqPair",
    "JobOut",
    "KnowledgeBaseCreate",
    "KnowledgeBaseOut",
    "KnowledgeBaseUpdate",
    "PageIn",
    "PassageOut",
    "SearchIn",
    "SearchOut",
]

EmbeddingModelName = Literal[tuple(EMBEDDING_MODELS)]  # type: ignore[valid-type]
DocumentStatus = Literal["pending", "indexing", "ready", "failed"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KnowledgeBaseCreate(_In):
    name: ApiStr = Field(min_length=1, max_length=200)
    description: ApiStr | None = Field(default=None, max_length=4000)
    embedding_model: EmbeddingModelName = Field(  # type: ignore[valid-type]
        default=DEFAULT_MODEL.name,
        description="e5-small: the embedded model, no account needed; text-embedding-3-small:"
        " the company's OpenAI-compatible endpoint",
    )
    dimensions: int | None = Field(
        default=None,
        description="vector size (the model's default; text-embedding-3-small: 384 or 1536)",
    )


class KnowledgeBaseUpdate(_In):
    name: ApiStr | None = Field(default=None, min_length=1, max_length=200)
    description: ApiStr | None = Field(default=None, max_length=4000)
    embedding_model: EmbeddingModelName | None = Field(  # type: ignore[valid-type]
        default=None, description="a change re-embeds every chunk: follow the job returned"
    )
    dimensions: int | None = None


class JobOut(BaseModel):
    id: uuid.UUID
    knowledge_base_id: uuid.UUID
    document_id: uuid.UUID | None
    kind: str = Field(description="index, reindex or reembed")
    status: str = Field(description="pending, running, done, failed or cancelled")
    total: int = Field(description="chunks to embed (known once the job is running)")
    done: int
    progress: float = Field(description="done / total, 0..1")
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: IndexingJob) -> JobOut:
        finished = job.status == "done"
        progress = 1.0 if finished else (job.done / job.total if job.total else 0.0)
        return cls(
            id=job.id,
            knowledge_base_id=job.knowledge_base_id,
            document_id=job.document_id,
            kind=job.kind,
            status=job.status,
            total=job.total,
            done=job.done,
            progress=round(progress, 4),
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class KnowledgeBaseOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    embedding_model: str
    dimensions: int
    status: str = Field(description="ready, or reembedding after a change of model")
    created_at: datetime
    updated_at: datetime
    job: JobOut | None = Field(
        default=None, description="the re-embedding this change started, if it started one"
    )

    @classmethod
    def of(cls, base: KnowledgeBase, *, job: IndexingJob | None = None) -> KnowledgeBaseOut:
        return cls(
            id=base.id,
            name=base.name,
            description=base.description,
            embedding_model=base.embedding_model,
            dimensions=base.dimensions,
            status=base.status,
            created_at=base.created_at,
            updated_at=base.updated_at,
            job=JobOut.of(job) if job is not None else None,
        )


class DocumentOut(BaseModel):
    id: uuid.UUID
    knowledge_base_id: uuid.UUID
    kind: str = Field(description="file, faq or url")
    title: str
    source: str | None = Field(description="the file's name or the page's address")
    mime_type: str | None
    status: DocumentStatus
    error: str | None
    chunk_count: int
    bytes: int
    content_hash: str
    created_at: datetime
    updated_at: datetime
    job: JobOut | None = Field(description="its latest indexing job")

    @classmethod
    def of(cls, document: Document, *, job: IndexingJob | None) -> DocumentOut:
        return cls(
            id=document.id,
            knowledge_base_id=document.knowledge_base_id,
            kind=document.kind,
            title=document.title,
            source=document.source,
            mime_type=document.mime_type,
            status=document.status,
            error=document.error,
            chunk_count=document.chunk_count,
            bytes=document.bytes,
            content_hash=document.content_hash,
            created_at=document.created_at,
            updated_at=document.updated_at,
            job=JobOut.of(job) if job is not None else None,
        )


class ChunkOut(BaseModel):
    id: uuid.UUID
    ordinal: int
    heading: str = Field(description="the heading path, ' > ' between levels")
    text: str
    char_count: int
    token_count: int = Field(description="words and punctuation, near the model's count")
    embedding_model: str | None = Field(description="null until it is embedded")

    @classmethod
    def of(cls, chunk: Chunk) -> ChunkOut:
        return cls(
            id=chunk.id,
            ordinal=chunk.ordinal,
            heading=chunk.heading,
            text=chunk.text,
            char_count=chunk.char_count,
            token_count=chunk.token_count,
            embedding_model=chunk.embedding_model,
        )


class FaqPair(_In):
    question: ApiStr = Field(min_length=1, max_length=1000)
    answer: ApiStr = Field(min_length=1, max_length=4000)


class FaqIn(_In):
    title: ApiStr = Field(default="FAQ", min_length=1, max_length=300)
    pairs: list[FaqPair] = Field(min_length=1, max_length=500, description="one chunk each")


class PageIn(_In):
    url: str = Field(min_length=1, max_length=2000, description="http(s) address of the page")
    title: ApiStr | None = Field(default=None, max_length=300, description="default: the page's")


class SearchIn(_In):
    query: ApiStr = Field(min_length=1, max_length=1000)
    limit: int = Field(default=5, ge=1, le=50)


class PassageOut(BaseModel):
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    heading: str
    text: str
    score: float = Field(description="reciprocal-rank fusion of the two rankings")
    similarity: float = Field(description="cosine similarity to the query, 0..1")
    vector_rank: int | None = Field(description="place by meaning (null: not in that list)")
    text_rank: int | None = Field(description="place by words (null: no word matched)")

    @classmethod
    def of(cls, passage: Passage) -> PassageOut:
        return cls(
            chunk_id=passage.chunk_id,
            document_id=passage.document_id,
            document_title=passage.document_title,
            heading=passage.heading,
            text=passage.text,
            score=round(passage.score, 6),
            similarity=round(passage.similarity, 4),
            vector_rank=passage.vector_rank,
            text_rank=passage.text_rank,
        )


class SearchOut(BaseModel):
    passages: list[PassageOut]
