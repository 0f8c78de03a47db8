// The AI section's server state: query keys, page size, and the rules for what it shows.
// Badge colours are those whose light variant reaches WCAG AA on its own background (brand,
// blue, indigo, grape, red, gray; green, teal and orange do not).
import type { DocumentStatus, KnowledgeDocument } from "../../api/aiApi";

export const aiKeys = {
  all: ["ai"] as const,
  personas: (q: string, cursor: string | null) => ["ai", "personas", q, cursor] as const,
  persona: (personaId: string) => ["ai", "persona", personaId] as const,
  /** Every persona (for the console's picker): one page of up to 200. */
  allPersonas: ["ai", "personas", "all"] as const,
  bases: (q: string, cursor: string | null) => ["ai", "bases", q, cursor] as const,
  allBases: ["ai", "bases", "all"] as const,
  base: (baseId: string) => ["ai", "base", baseId] as const,
  documents: (baseId: string) => ["ai", "documents", baseId] as const,
  chunks: (baseId: string, documentId: string) => ["ai", "chunks", baseId, documentId] as const,
  run: (runId: string) => ["ai", "run", runId] as const,
  bot: (conversationId: string) => ["ai", "bot", conversationId] as const,
  model: ["ai", "model"] as const,
  suggestions: (contactId: string | null, cursor: string | null) => ["ai", "suggestions", contactId, cursor] as const,
  usage: (from: string, to: string, groupBy: "day" | "persona" | "model") => ["ai", "usage", from, to, groupBy] as const,
};

export const PAGE_SIZE = 25;
/** How often a base whose documents are still indexing is read again. */
export const INDEXING_REFRESH_MS = 1500;

export const isIndexing = (status: DocumentStatus) => status === "pending" || status === "indexing";

export function anyIndexing(documents: KnowledgeDocument[] | undefined): boolean {
  return (documents ?? []).some((document) => isIndexing(document.status));
}

export function documentStatusColor(status: DocumentStatus): string {
  switch (status) {
    case "ready":
      return "brand";
    case "failed":
      return "red";
    case "indexing":
      return "blue";
    default:
      return "gray";
  }
}

/** A fused score as the service gives it (reciprocal-rank fusion: small numbers). */
export const formatScore = (score: number) => score.toFixed(4);
/** A cosine similarity, 0..1, as a percentage. */
export const formatSimilarity = (similarity: number, language: string) =>
  new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 }).format(similarity);
