// What a lead event means for the page (leads.events.v1: a card created, changed, moved, won,
// lost or deleted, or a column rebalanced): the board's totals and the columns the card left
// and entered (or the rebalanced column) refetch, and the lead's own queries (drawer, history,
// a contact's leads). Gathered for a moment, like inbox events, so a burst of moves refetches
// each column once.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { pipelineKeys } from "../sections/pipelines/keys";
import type { LiveEvent } from "./client";

export const LEADS_TOPIC = "leads.events.v1";

/** The payload of leads.events.v1 (libs/common/src/mia_common/contracts/leads.py), loosely. */
export interface LeadEventData {
  type: string;
  lead: { id: string; pipeline_id: string; stage_id: string; contact_id?: string | null };
  from_stage_id?: string | null;
}

export const COLUMN_REBALANCED = "lead.column_rebalanced";

/** A column rewritten with new keys and versions (one or several records: each names its cards). */
export interface ColumnRebalancedData {
  type: typeof COLUMN_REBALANCED;
  pipeline_id: string;
  stage_id: string;
  leads: { id: string; position: string; version: number }[];
}

export function leadEventData(event: LiveEvent): LeadEventData | null {
  if (event.topic !== LEADS_TOPIC) return null;
  const data = event.data as Partial<LeadEventData> | null;
  const lead = data?.lead;
  if (!lead || typeof lead.id !== "string" || typeof lead.pipeline_id !== "string") return null;
  return data as LeadEventData;
}

export function rebalanceData(event: LiveEvent): ColumnRebalancedData | null {
  if (event.topic !== LEADS_TOPIC) return null;
  const data = event.data as Partial<ColumnRebalancedData> | null;
  if (data?.type !== COLUMN_REBALANCED) return null;
  if (typeof data.pipeline_id !== "string" || typeof data.stage_id !== "string") return null;
  return data as ColumnRebalancedData;
}

/** The queries one lead event makes stale. */
export function staleLeadKeys(data: LeadEventData): QueryKey[] {
  const { lead } = data;
  const keys: QueryKey[] = [
    pipelineKeys.boards(lead.pipeline_id),
    pipelineKeys.stageColumns(lead.pipeline_id, lead.stage_id),
    pipelineKeys.leads,
    pipelineKeys.lead(lead.id),
    pipelineKeys.history(lead.id),
  ];
  if (data.from_stage_id) keys.push(pipelineKeys.stageColumns(lead.pipeline_id, data.from_stage_id));
  if (lead.contact_id) keys.push(pipelineKeys.contactLeads(lead.contact_id));
  return keys;
}

/** The queries a rebalance makes stale: the column (every card's key and version changed), the
 * board holding its first page, the list view, and an open card's drawer (its version). */
export function staleRebalanceKeys(data: ColumnRebalancedData): QueryKey[] {
  return [
    pipelineKeys.boards(data.pipeline_id),
    pipelineKeys.stageColumns(data.pipeline_id, data.stage_id),
    pipelineKeys.leads,
    ["pipelines", "lead"],
  ];
}

const GATHER_MS = 100;

export function leadsRefresher(queryClient: QueryClient) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  const add = (keys: QueryKey[]) => {
    for (const key of keys) pending.set(JSON.stringify(key), key);
    timer ??= setTimeout(flush, GATHER_MS);
  };
  return {
    event(event: LiveEvent) {
      const data = leadEventData(event);
      if (data) {
        add(staleLeadKeys(data));
        return;
      }
      const rebalanced = rebalanceData(event);
      if (rebalanced) add(staleRebalanceKeys(rebalanced));
    },
    everything() {
      add([pipelineKeys.all]);
    },
    cancel() {
      clearTimeout(timer);
      pending.clear();
    },
  };
}
