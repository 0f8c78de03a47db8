// The pipelines section's query keys (apart, so the live socket can name them without
// loading the board's code).
import type { BoardFilters } from "./api";

/** Filters as part of a query key: the same filters, the same key, whatever their order. */
export function filterKey(filters: BoardFilters): string {
  return JSON.stringify(Object.entries(filters).filter(([, value]) => value !== undefined && value !== "").sort());
}

export const pipelineKeys = {
  all: ["pipelines"] as const,
  list: ["pipelines", "list"] as const,
  /** every board query of a pipeline, whatever its filters */
  boards: (pipelineId: string) => ["pipelines", "board", pipelineId] as const,
  board: (pipelineId: string, filters: BoardFilters) => ["pipelines", "board", pipelineId, filterKey(filters)] as const,
  /** every column query of a pipeline */
  columns: (pipelineId: string) => ["pipelines", "column", pipelineId] as const,
  /** one stage's column, whatever the filters */
  stageColumns: (pipelineId: string, stageId: string) => ["pipelines", "column", pipelineId, stageId] as const,
  column: (pipelineId: string, stageId: string, filters: BoardFilters) =>
    ["pipelines", "column", pipelineId, stageId, filterKey(filters)] as const,
  leads: ["pipelines", "leads"] as const,
  leadList: (pipelineId: string, query: unknown) => ["pipelines", "leads", pipelineId, JSON.stringify(query)] as const,
  lead: (leadId: string) => ["pipelines", "lead", leadId] as const,
  history: (leadId: string) => ["pipelines", "history", leadId] as const,
  contactLeads: (contactId: string) => ["pipelines", "contact-leads", contactId] as const,
};

