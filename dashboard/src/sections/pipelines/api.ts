// The crm's pipelines and leads API (/api/v1/pipelines, /api/v1/leads), which the gateway
// forwards as it is. Every call of the board, the drawer, the list, the settings and the
// inbox's lead panel goes through here, so the shapes the crm answers live in one place.
import createClient from "openapi-fetch";
import { throwApiError as fail, sendWithSession } from "../../api/client";
import type { components, paths } from "../../api/crm";

type Schemas = components["schemas"];
export type StageKind = Schemas["StageKind"];
export type Stage = Schemas["StageOut"];
export type Pipeline = Schemas["PipelineOut"];
export type LeadContact = Schemas["LeadContact"];
/** A lead as the board's cards show it. */
export type Lead = Schemas["LeadCard"];
/** A lead with everything the crm keeps (the drawer, the list). */
export type LeadDetail = Schemas["LeadOut"];
export type Page<T> = { items: T[]; next_cursor: string | null };
export type BoardColumn = Schemas["BoardColumn"];
export type Board = Schemas["Board"];
export type StageChange = Schemas["StageChangeOut"];
export type LeadSort = Schemas["LeadSort"];
export type LeadMove = Schemas["LeadMove"];
export type LeadChanges = Schemas["LeadUpdate"];
/** Fields with a default on the crm's side may be left out (the generated type requires them). */
type Defaults<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type NewLead = Defaults<Schemas["LeadCreate"], "currency" | "value" | "tag_ids" | "fields">;
export type NewStage = Defaults<Schemas["StageCreate"], "color" | "probability" | "kind">;
export type StageInput = Schemas["StageUpdate"];

/** The board's filters, as the board, the column pages and the list send them. */
export interface BoardFilters {
  q?: string;
  owner_user_id?: string;
  tag_id?: string;
  min_value?: number;
  max_value?: number;
  rotting?: boolean;
}

export const pipelinesApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or the ApiError of its problem document. */
async function answer<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) fail(response, error);
  return data as T;
}

export const BOARD_PAGE_SIZE = 25;

export function listPipelines(): Promise<Page<Pipeline>> {
  return answer(pipelinesApi.GET("/api/v1/pipelines", { params: { query: { limit: 100 } } }));
}

export function createPipeline(body: { name: string; stages?: NewStage[] }): Promise<Pipeline> {
  return answer(pipelinesApi.POST("/api/v1/pipelines", { body: body as Schemas["PipelineCreate"] }));
}

export function updatePipeline(pipelineId: string, body: Schemas["PipelineUpdate"]): Promise<Pipeline> {
  return answer(
    pipelinesApi.PATCH("/api/v1/pipelines/{pipeline_id}", { params: { path: { pipeline_id: pipelineId } }, body }),
  );
}

export function deletePipeline(pipelineId: string): Promise<void> {
  return answer(pipelinesApi.DELETE("/api/v1/pipelines/{pipeline_id}", { params: { path: { pipeline_id: pipelineId } } }));
}

export function createStage(pipelineId: string, body: NewStage): Promise<Stage> {
  return answer(
    pipelinesApi.POST("/api/v1/pipelines/{pipeline_id}/stages", {
      params: { path: { pipeline_id: pipelineId } },
      body: body as Schemas["StageCreate"],
    }),
  );
}

export function updateStage(pipelineId: string, stageId: string, body: StageInput): Promise<Stage> {
  return answer(
    pipelinesApi.PATCH("/api/v1/pipelines/{pipeline_id}/stages/{stage_id}", {
      params: { path: { pipeline_id: pipelineId, stage_id: stageId } },
      body,
    }),
  );
}

/** Deletes a stage; its leads move to `moveTo` (required when it has any). */
export function deleteStage(pipelineId: string, stageId: string, moveTo: string | null): Promise<void> {
  return answer(
    pipelinesApi.DELETE("/api/v1/pipelines/{pipeline_id}/stages/{stage_id}", {
      params: { path: { pipeline_id: pipelineId, stage_id: stageId }, query: { move_to_stage_id: moveTo ?? undefined } },
    }),
  );
}

export function getBoard(pipelineId: string, filters: BoardFilters): Promise<Board> {
  return answer(
    pipelinesApi.GET("/api/v1/pipelines/{pipeline_id}/board", {
      params: { path: { pipeline_id: pipelineId }, query: { ...filters, limit: BOARD_PAGE_SIZE } },
    }),
  );
}

export function getColumnPage(
  pipelineId: string,
  stageId: string,
  filters: BoardFilters,
  cursor: string | null,
): Promise<Page<Lead>> {
  return answer(
    pipelinesApi.GET("/api/v1/pipelines/{pipeline_id}/stages/{stage_id}/leads", {
      params: {
        path: { pipeline_id: pipelineId, stage_id: stageId },
        query: { ...filters, cursor: cursor ?? undefined, limit: BOARD_PAGE_SIZE },
      },
    }),
  );
}

export interface LeadListQuery extends BoardFilters {
  pipeline_id?: string;
  contact_id?: string;
  conversation_id?: string;
  sort?: LeadSort;
  cursor?: string | null;
  limit?: number;
}

export function listLeads({ cursor, ...query }: LeadListQuery): Promise<Page<LeadDetail>> {
  return answer(
    pipelinesApi.GET("/api/v1/leads", { params: { query: { limit: 25, ...query, cursor: cursor ?? undefined } } }),
  );
}

export function getLead(leadId: string): Promise<LeadDetail> {
  return answer(pipelinesApi.GET("/api/v1/leads/{lead_id}", { params: { path: { lead_id: leadId } } }));
}

export function createLead(body: NewLead): Promise<LeadDetail> {
  return answer(pipelinesApi.POST("/api/v1/leads", { body: body as Schemas["LeadCreate"] }));
}

export function updateLead(leadId: string, body: LeadChanges): Promise<LeadDetail> {
  return answer(pipelinesApi.PATCH("/api/v1/leads/{lead_id}", { params: { path: { lead_id: leadId } }, body }));
}

export function moveLead(leadId: string, body: LeadMove): Promise<LeadDetail> {
  return answer(pipelinesApi.POST("/api/v1/leads/{lead_id}/move", { params: { path: { lead_id: leadId } }, body }));
}

export function leadHistory(leadId: string): Promise<Page<StageChange>> {
  return answer(
    pipelinesApi.GET("/api/v1/leads/{lead_id}/history", { params: { path: { lead_id: leadId }, query: { limit: 50 } } }),
  );
}

export type Currency = Schemas["Currency"];
/** The crm's default currency for a new lead (leads.schemas.DEFAULT_CURRENCY). */
export const DEFAULT_CURRENCY: Currency = "BRL";
/** The currencies offered first when picking one; any ISO 4217 code may be typed. */
export const COMMON_CURRENCIES: Currency[] = ["BRL", "USD", "EUR", "ARS", "CLP", "COP", "MXN", "PEN", "UYU", "GBP"];

export type ContactChoice = Schemas["ContactOut"];

/** Contacts to pick for a new lead: the contact list's search (name, email, phone digits). */
export function searchContacts(q: string): Promise<Page<ContactChoice>> {
  return answer(pipelinesApi.GET("/api/v1/contacts", { params: { query: { q: q || undefined, limit: 20 } } }));
}

/** A number of the crm's decimals (strings keep them exact on the wire). */
export function amount(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  const parsed = typeof value === "number" ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}
