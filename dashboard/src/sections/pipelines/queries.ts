// The board's server state. The board query holds the stages and each column's totals (and
// the first page of every column, which seeds the column queries); each column is its own
// query holding the cards loaded so far, so a live event refetches only the columns it
// touched. A move changes both optimistically and returns what undoes it.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { generateKeyBetween } from "fractional-indexing";
import {
  BOARD_PAGE_SIZE,
  type Board,
  type BoardFilters,
  type Lead,
  type Page,
  amount,
  getColumnPage,
} from "./api";
import { pipelineKeys } from "./keys";

export { pipelineKeys };

export interface ColumnData {
  leads: Lead[];
  next_cursor: string | null;
}

/** A column's cards: as many as were loaded (at least one page), from the top. */
export async function fetchColumn(
  pipelineId: string,
  stageId: string,
  filters: BoardFilters,
  loaded: number,
): Promise<ColumnData> {
  const leads: Lead[] = [];
  let cursor: string | null = null;
  let page: Page<Lead>;
  do {
    page = await getColumnPage(pipelineId, stageId, filters, cursor);
    leads.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && leads.length < Math.max(loaded, BOARD_PAGE_SIZE));
  return { leads, next_cursor: cursor };
}

/** Where a card lands: between its new neighbours (null at either end of the column). */
export interface Placement {
  stageId: string;
  afterId: string | null;
  beforeId: string | null;
}

/** The neighbours of the card at `index` of `ids` (the column's order after the move). */
export function neighbours(ids: string[], index: number): { afterId: string | null; beforeId: string | null } {
  return { afterId: index > 0 ? (ids[index - 1] ?? null) : null, beforeId: ids[index + 1] ?? null };
}

function positionBetween(after: Lead | undefined, before: Lead | undefined): string {
  try {
    return generateKeyBetween(after?.position ?? null, before?.position ?? null);
  } catch {
    // Positions the cache does not hold in order (a filtered page): the server decides.
    return after?.position ?? before?.position ?? "a0";
  }
}

/**
 * Moves `lead` to `placement` in every cached column and board of its pipeline (the card
 * placed after its new neighbour, the totals shifted with it); returns what undoes it.
 */
export function applyMove(queryClient: QueryClient, lead: Lead, placement: Placement): () => void {
  const pipelineId = lead.pipeline_id;
  const snapshots: [QueryKey, unknown][] = [
    ...queryClient.getQueriesData({ queryKey: pipelineKeys.columns(pipelineId) }),
    ...queryClient.getQueriesData({ queryKey: pipelineKeys.boards(pipelineId) }),
  ];
  const columnQueries = queryClient.getQueriesData<ColumnData>({ queryKey: pipelineKeys.columns(pipelineId) });
  for (const [key, data] of columnQueries) {
    if (!data) continue;
    const stageId = key[3];
    let leads = data.leads.filter((item) => item.id !== lead.id);
    if (stageId === placement.stageId) {
      const afterIndex = placement.afterId ? leads.findIndex((item) => item.id === placement.afterId) : -1;
      const beforeIndex = placement.beforeId ? leads.findIndex((item) => item.id === placement.beforeId) : -1;
      const index = afterIndex >= 0 ? afterIndex + 1 : beforeIndex >= 0 ? beforeIndex : 0;
      const moved: Lead = {
        ...lead,
        stage_id: placement.stageId,
        position: positionBetween(leads[index - 1], leads[index]),
      };
      leads = [...leads.slice(0, index), moved, ...leads.slice(index)];
    }
    if (leads.length !== data.leads.length || stageId === placement.stageId) {
      queryClient.setQueryData<ColumnData>(key, { ...data, leads });
    }
  }
  if (lead.stage_id !== placement.stageId) {
    const value = amount(lead.value);
    queryClient.setQueriesData<Board>({ queryKey: pipelineKeys.boards(pipelineId) }, (board) =>
      board
        ? {
            ...board,
            columns: board.columns.map((column) => {
              const sign = column.stage.id === lead.stage_id ? -1 : column.stage.id === placement.stageId ? 1 : 0;
              if (!sign) return column;
              return {
                ...column,
                count: Math.max(0, column.count + sign),
                total_value: (amount(column.total_value) + sign * value).toFixed(2),
                weighted_value: (amount(column.weighted_value) + (sign * value * column.stage.probability) / 100).toFixed(2),
              };
            }),
          }
        : board,
    );
  }
  return () => {
    for (const [key, data] of snapshots) queryClient.setQueryData(key, data);
  };
}

/** Puts the crm's answer (new position and version) wherever the card is cached. */
export function storeLead(queryClient: QueryClient, lead: Lead): void {
  queryClient.setQueriesData<ColumnData>({ queryKey: pipelineKeys.columns(lead.pipeline_id) }, (data) =>
    data ? { ...data, leads: data.leads.map((item) => (item.id === lead.id ? { ...item, ...lead } : item)) } : data,
  );
  queryClient.setQueryData(pipelineKeys.lead(lead.id), lead);
}

/**
 * A lead just created: on top of its column wherever that column is cached (where the crm
 * puts new cards), the column's totals counting it; then the crm's column, totals and list.
 */
export function addLead(queryClient: QueryClient, lead: Lead): void {
  for (const [key, data] of queryClient.getQueriesData<ColumnData>({
    queryKey: pipelineKeys.stageColumns(lead.pipeline_id, lead.stage_id),
  })) {
    if (data && !data.leads.some((item) => item.id === lead.id)) {
      queryClient.setQueryData<ColumnData>(key, { ...data, leads: [lead, ...data.leads] });
    }
  }
  const value = amount(lead.value);
  queryClient.setQueriesData<Board>({ queryKey: pipelineKeys.boards(lead.pipeline_id) }, (board) =>
    board
      ? {
          ...board,
          columns: board.columns.map((column) =>
            column.stage.id === lead.stage_id
              ? {
                  ...column,
                  count: column.count + 1,
                  total_value: (amount(column.total_value) + value).toFixed(2),
                  weighted_value: (amount(column.weighted_value) + (value * column.stage.probability) / 100).toFixed(2),
                }
              : column,
          ),
        }
      : board,
  );
  refetchColumns(queryClient, lead.pipeline_id, [lead.stage_id]);
}

/** After a refusal, or an event: the board's totals and the named columns refetch. */
export function refetchColumns(queryClient: QueryClient, pipelineId: string, stageIds: Iterable<string> | "all"): void {
  void queryClient.invalidateQueries({ queryKey: pipelineKeys.boards(pipelineId) });
  if (stageIds === "all") {
    void queryClient.invalidateQueries({ queryKey: pipelineKeys.columns(pipelineId) });
    return;
  }
  for (const stageId of new Set(stageIds)) {
    void queryClient.invalidateQueries({ queryKey: pipelineKeys.stageColumns(pipelineId, stageId) });
  }
  void queryClient.invalidateQueries({ queryKey: pipelineKeys.leads });
}

/** A card idle in its stage longer than the stage allows (the crm's word when it gives it). */
export function isRotting(lead: Lead): boolean {
  return lead.rotting;
}

export function formatMoney(value: number, currency: string | null | undefined, language: string): string {
  try {
    return new Intl.NumberFormat(language, {
      style: currency ? "currency" : "decimal",
      currency: currency ?? undefined,
      maximumFractionDigits: 2,
    }).format(value);
  } catch {
    return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
  }
}
