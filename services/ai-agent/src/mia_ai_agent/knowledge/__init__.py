"""Knowledge bases: documents (files, FAQ pairs, pages from a URL), their chunks and
embeddings in pgvector, the indexing jobs, and hybrid retrieval."""
