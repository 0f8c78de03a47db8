// The crm's pipelines and leads API (/api/v1/pipelines, /api/v1/leads), which the gateway
// forwards as it is. Every call of the board, the drawer, the list, the settings and the
// inbox's lead panel goes through here, so the shapes the crm answers live in one place.
import { ApiError, sendWithSession } from "../../api/client";

export type StageKind = "open" | "won" | "lost";

export interface Stage {
  id: string;
  pipeline_id: string;
  name: string;
  color: string | null;
  position: number;
  /** win probability in percent, 0–100 */
  probability: number;
  kind: StageKind;
  /** a card idle in this stage longer than this is rotting; null: never */
  rotting_days: number | null;
}

export interface Pipeline {
  id: string;
  name: string;
  position?: number;
  currency?: string | null;
  stages: Stage[];
  created_at?: string;
  updated_at?: string;
}

export interface LeadContact {
  id: string;
  name: string | null;
  phone: string | null;
}

export interface Lead {
  id: string;
  pipeline_id: string;
  stage_id: string;
  title: string;
  contact_id: string | null;
  contact?: LeadContact | null;
  conversation_id: string | null;
  /** a decimal, as a string (exact) or a number */
  value: string | number | null;
  currency: string | null;
  owner_user_id: string | null;
  expected_close_on: string | null;
  source?: string | null;
  tags?: { id: string; name: string; color?: string | null }[];
  lost_reason: string | null;
  /** fractional index of the card inside its column */
  position: string;
  /** bumped by every change: a move names the version it saw */
  version: number;
  stage_entered_at?: string | null;
  rotting?: boolean;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  total_value: string | number;
  weighted_value: string | number;
  leads: Lead[];
  next_cursor: string | null;
}

export interface Board {
  pipeline: Pipeline;
  columns: BoardColumn[];
}

export interface StageChange {
  id: string;
  lead_id: string;
  from_stage_id: string | null;
  to_stage_id: string;
  actor_kind?: "user" | "agent" | "automation";
  actor_user_id: string | null;
  reason: string | null;
  confidence?: number | null;
  at: string;
}

/** The board's filters, as the board, the column pages and the list send them. */
export interface BoardFilters {
  q?: string;
  owner_user_id?: string;
  tag_id?: string;
  min_value?: number;
  max_value?: number;
  rotting?: boolean;
}

export interface LeadMove {
  stage_id: string;
  after_id: string | null;
  before_id: string | null;
  expected_version: number;
}

export interface LeadChanges {
  title?: string;
  value?: string | null;
  currency?: string | null;
  owner_user_id?: string | null;
  stage_id?: string;
  expected_close_on?: string | null;
  lost_reason?: string | null;
}

export interface NewLead {
  pipeline_id: string;
  stage_id?: string;
  title: string;
  contact_id?: string | null;
  conversation_id?: string | null;
  value?: string | null;
  currency?: string | null;
  owner_user_id?: string | null;
}

export interface StageInput {
  name?: string;
  color?: string | null;
  probability?: number;
  kind?: StageKind;
  rotting_days?: number | null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

function url(path: string, query: Query = {}): string {
  const target = new URL(path, globalThis.location?.origin ?? "http://localhost");
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(key, String(value));
  }
  return target.toString();
}

async function call<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  const request = new Request(url(path, options.query), {
    method,
    headers: options.body === undefined ? {} : { "Content-Type": "application/json" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const response = await sendWithSession(request);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, body as ApiError["problem"]);
  return body as T;
}

const filterQuery = (filters: BoardFilters): Query => ({ ...filters });

export const BOARD_PAGE_SIZE = 25;

export function listPipelines(): Promise<Page<Pipeline>> {
  return call("GET", "/api/v1/pipelines", { query: { limit: 100 } });
}

export function getPipeline(pipelineId: string): Promise<Pipeline> {
  return call("GET", `/api/v1/pipelines/${pipelineId}`);
}

export function createPipeline(body: { name: string; stages?: StageInput[] }): Promise<Pipeline> {
  return call("POST", "/api/v1/pipelines", { body });
}

export function updatePipeline(pipelineId: string, body: { name: string }): Promise<Pipeline> {
  return call("PATCH", `/api/v1/pipelines/${pipelineId}`, { body });
}

export function deletePipeline(pipelineId: string): Promise<void> {
  return call("DELETE", `/api/v1/pipelines/${pipelineId}`);
}

export function createStage(pipelineId: string, body: StageInput & { name: string }): Promise<Stage> {
  return call("POST", `/api/v1/pipelines/${pipelineId}/stages`, { body });
}

export function updateStage(pipelineId: string, stageId: string, body: StageInput & { position?: number }): Promise<Stage> {
  return call("PATCH", `/api/v1/pipelines/${pipelineId}/stages/${stageId}`, { body });
}

/** Deletes a stage; its leads move to `moveTo` (required when it has any). */
export function deleteStage(pipelineId: string, stageId: string, moveTo: string | null): Promise<void> {
  return call("DELETE", `/api/v1/pipelines/${pipelineId}/stages/${stageId}`, {
    query: { move_to_stage_id: moveTo },
  });
}

export function getBoard(pipelineId: string, filters: BoardFilters): Promise<Board> {
  return call("GET", `/api/v1/pipelines/${pipelineId}/board`, {
    query: { ...filterQuery(filters), limit: BOARD_PAGE_SIZE },
  });
}

export function getColumnPage(
  pipelineId: string,
  stageId: string,
  filters: BoardFilters,
  cursor: string | null,
): Promise<Page<Lead>> {
  return call("GET", `/api/v1/pipelines/${pipelineId}/stages/${stageId}/leads`, {
    query: { ...filterQuery(filters), cursor, limit: BOARD_PAGE_SIZE },
  });
}

export interface LeadListQuery extends BoardFilters {
  pipeline_id?: string;
  contact_id?: string;
  conversation_id?: string;
  sort?: string;
  cursor?: string | null;
  limit?: number;
}

export function listLeads(query: LeadListQuery): Promise<Page<Lead>> {
  return call("GET", "/api/v1/leads", { query: { limit: 25, ...query } });
}

export function getLead(leadId: string): Promise<Lead> {
  return call("GET", `/api/v1/leads/${leadId}`);
}

export function createLead(body: NewLead): Promise<Lead> {
  return call("POST", "/api/v1/leads", { body });
}

export function updateLead(leadId: string, body: LeadChanges): Promise<Lead> {
  return call("PATCH", `/api/v1/leads/${leadId}`, { body });
}

export function moveLead(leadId: string, body: LeadMove): Promise<Lead> {
  return call("POST", `/api/v1/leads/${leadId}/move`, { body });
}

export function leadHistory(leadId: string): Promise<Page<StageChange>> {
  return call("GET", `/api/v1/leads/${leadId}/history`, { query: { limit: 50 } });
}

/** A number of the crm's decimals (strings keep them exact on the wire). */
export function amount(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  const parsed = typeof value === "number" ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}
