// The typed client for the AI agent (/api/v1/ai/...): personas, knowledge bases, the test
// console, a run's "why", the bot in a conversation, the company's model and its usage. The
// gateway forwards the ai-agent's API as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { authorizationHeader, refreshSession } from "../auth/session";
// Not named ai-agent.ts: TypeScript would take it for the source of ai-agent.d.ts.
import type { components, paths } from "./ai-agent";
import { ApiError, throwApiError as fail, sendWithSession } from "./client";

type Schemas = components["schemas"];
export type Persona = Schemas["PersonaOut"];
export type PersonaCreate = Schemas["PersonaCreate"];
export type PersonaUpdate = Schemas["PersonaUpdate"];
export type PersonaPage = Schemas["Page_PersonaOut_"];
export type BusinessHours = Schemas["BusinessHours"];
export type Tone = Schemas["PersonaOut"]["tone"];
export type KnowledgeBase = Schemas["KnowledgeBaseOut"];
export type KnowledgeBaseCreate = Schemas["KnowledgeBaseCreate"];
export type KnowledgeBasePage = Schemas["Page_KnowledgeBaseOut_"];
export type KnowledgeDocument = Schemas["DocumentOut"];
export type DocumentPage = Schemas["Page_DocumentOut_"];
export type DocumentStatus = Schemas["DocumentOut"]["status"];
export type IndexingJob = Schemas["JobOut"];
export type Chunk = Schemas["ChunkOut"];
export type ChunkPage = Schemas["Page_ChunkOut_"];
export type FaqPair = Schemas["FaqPair"];
export type Passage = Schemas["PassageOut"];
export type ConsoleLine = Schemas["ConsoleLine"];
export type ConsoleAnswer = Schemas["ConsoleOut"];
export type Run = Schemas["RunOut"];
export type RunSource = Schemas["SourceOut"];
export type BotState = Schemas["BotStateOut"];
export type ModelSettings = Schemas["ModelSettingsOut"];
export type ModelSettingsIn = Schemas["ModelSettingsIn"];
export type ModelTest = Schemas["ModelTestOut"];
export type Usage = Schemas["UsageOut"];
export type UsagePoint = Schemas["UsagePoint"];

export const TONES: readonly Tone[] = ["friendly", "formal", "casual", "enthusiastic", "concise"];

export const aiApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** A failed call; the same class as every API client's (``instanceof`` works across them). */
export { ApiError as AiError, type FieldProblem } from "./client";

// --- personas ----------------------------------------------------------------------------

export async function listPersonas(params: { cursor: string | null; limit: number; q?: string }): Promise<PersonaPage> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/personas", {
    params: { query: { limit: params.limit, cursor: params.cursor ?? undefined, q: params.q || undefined } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function getPersona(personaId: string): Promise<Persona> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/personas/{persona_id}", {
    params: { path: { persona_id: personaId } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function createPersona(body: PersonaCreate): Promise<Persona> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/personas", { body });
  if (!data) fail(response, error);
  return data;
}

/** The fields given change; with ``version`` a stale edit is refused (409 persona_version_stale). */
export async function updatePersona(personaId: string, body: PersonaUpdate): Promise<Persona> {
  const { data, error, response } = await aiApi.PATCH("/api/v1/ai/personas/{persona_id}", {
    params: { path: { persona_id: personaId } },
    body,
  });
  if (!data) fail(response, error);
  return data;
}

export async function deletePersona(personaId: string): Promise<void> {
  const { error, response } = await aiApi.DELETE("/api/v1/ai/personas/{persona_id}", {
    params: { path: { persona_id: personaId } },
  });
  if (!response.ok) fail(response, error);
}

/** The persona's decision on a conversation typed in the console; nothing is sent. */
export async function tryPersona(personaId: string, messages: ConsoleLine[]): Promise<ConsoleAnswer> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/personas/{persona_id}/console", {
    params: { path: { persona_id: personaId } },
    body: { messages },
  });
  if (!data) fail(response, error);
  return data;
}

/** Why the bot did what it did: the decision, its reason and the passages it read. */
export async function getRun(runId: string): Promise<Run> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/runs/{run_id}", {
    params: { path: { run_id: runId } },
  });
  if (!data) fail(response, error);
  return data;
}

/** The bot in a conversation; null when no persona answers there (404 bot_not_in_conversation). */
export async function getBotState(conversationId: string): Promise<BotState | null> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/conversations/{conversation_id}/bot", {
    params: { path: { conversation_id: conversationId } },
  });
  if (response.status === 404) return null;
  if (!data) fail(response, error);
  return data;
}

export async function switchBot(conversationId: string, paused: boolean, minutes?: number): Promise<BotState> {
  const { data, error, response } = await aiApi.PUT("/api/v1/ai/conversations/{conversation_id}/bot", {
    params: { path: { conversation_id: conversationId } },
    body: { paused, minutes: minutes ?? null },
  });
  if (!data) fail(response, error);
  return data;
}

// --- knowledge bases ---------------------------------------------------------------------

export async function listKnowledgeBases(params: {
  cursor: string | null;
  limit: number;
  q?: string;
}): Promise<KnowledgeBasePage> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/knowledge-bases", {
    params: { query: { limit: params.limit, cursor: params.cursor ?? undefined, q: params.q || undefined } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function getKnowledgeBase(baseId: string): Promise<KnowledgeBase> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/knowledge-bases/{base_id}", {
    params: { path: { base_id: baseId } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function createKnowledgeBase(body: KnowledgeBaseCreate): Promise<KnowledgeBase> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/knowledge-bases", { body });
  if (!data) fail(response, error);
  return data;
}

export async function deleteKnowledgeBase(baseId: string): Promise<void> {
  const { error, response } = await aiApi.DELETE("/api/v1/ai/knowledge-bases/{base_id}", {
    params: { path: { base_id: baseId } },
  });
  if (!response.ok) fail(response, error);
}

export async function listDocuments(
  baseId: string,
  params: { cursor: string | null; limit: number },
): Promise<DocumentPage> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/knowledge-bases/{base_id}/documents", {
    params: { path: { base_id: baseId }, query: { limit: params.limit, cursor: params.cursor ?? undefined } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function addFaq(baseId: string, title: string, pairs: FaqPair[]): Promise<KnowledgeDocument> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/knowledge-bases/{base_id}/faq", {
    params: { path: { base_id: baseId } },
    body: { title, pairs },
  });
  if (!data) fail(response, error);
  return data;
}

export async function addPage(baseId: string, url: string, title: string | null): Promise<KnowledgeDocument> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/knowledge-bases/{base_id}/pages", {
    params: { path: { base_id: baseId } },
    body: { url, title },
  });
  if (!data) fail(response, error);
  return data;
}

export async function reindexDocument(baseId: string, documentId: string): Promise<KnowledgeDocument> {
  const { data, error, response } = await aiApi.POST(
    "/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}/reindex",
    { params: { path: { base_id: baseId, document_id: documentId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function deleteDocument(baseId: string, documentId: string): Promise<void> {
  const { error, response } = await aiApi.DELETE("/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}", {
    params: { path: { base_id: baseId, document_id: documentId } },
  });
  if (!response.ok) fail(response, error);
}

export async function listChunks(
  baseId: string,
  documentId: string,
  params: { cursor: string | null; limit: number },
): Promise<ChunkPage> {
  const { data, error, response } = await aiApi.GET(
    "/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}/chunks",
    {
      params: {
        path: { base_id: baseId, document_id: documentId },
        query: { limit: params.limit, cursor: params.cursor ?? undefined },
      },
    },
  );
  if (!data) fail(response, error);
  return data;
}

/** The passages the bot would read for a question, with their fused score and similarity. */
export async function searchKnowledge(baseId: string, query: string, limit = 5): Promise<Passage[]> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/knowledge-bases/{base_id}/search", {
    params: { path: { base_id: baseId } },
    body: { query, limit },
  });
  if (!data) fail(response, error);
  return data.passages;
}

/** Uploads a file with its progress (0..1) reported as it goes: fetch cannot report an
 *  upload's progress, XMLHttpRequest can. One refresh and retry on a 401, as every call. */
export async function uploadDocument(
  baseId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<KnowledgeDocument> {
  const path = `/api/v1/ai/knowledge-bases/${encodeURIComponent(baseId)}/documents`;
  const send = () =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", path);
      const header = authorizationHeader();
      if (header) request.setRequestHeader("Authorization", header);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
      request.onload = () => {
        let body: unknown;
        try {
          body = request.responseText ? JSON.parse(request.responseText) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: request.status, body });
      };
      request.onerror = () => reject(new ApiError(0, { detail: "network error" }));
      const form = new FormData();
      form.append("file", file, file.name);
      request.send(form);
    });
  let answer = await send();
  if (answer.status === 401 && (await refreshSession())) answer = await send();
  if (answer.status < 200 || answer.status >= 300) {
    throw new ApiError(answer.status, answer.body as ApiError["problem"]);
  }
  onProgress(1);
  return answer.body as KnowledgeDocument;
}

// --- the company's model and usage ---------------------------------------------------------

/** The saved settings, or null when the company has none (404 model_not_configured). */
export async function getModelSettings(): Promise<ModelSettings | null> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/model");
  if (response.status === 404) return null;
  if (!data) fail(response, error);
  return data;
}

export async function saveModelSettings(body: ModelSettingsIn): Promise<ModelSettings> {
  const { data, error, response } = await aiApi.PUT("/api/v1/ai/model", { body });
  if (!data) fail(response, error);
  return data;
}

export async function deleteModelSettings(): Promise<void> {
  const { error, response } = await aiApi.DELETE("/api/v1/ai/model");
  if (!response.ok) fail(response, error);
}

export async function testModel(): Promise<ModelTest> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/model/test");
  if (!data) fail(response, error);
  return data;
}

export async function getUsage(params: { from: string; to: string; groupBy?: "day" | "persona" | "model" }): Promise<Usage> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/usage", {
    params: { query: { from: params.from, to: params.to, group_by: params.groupBy ?? "day" } },
  });
  if (!data) fail(response, error);
  return data;
}

// --- lead suggestions: the AI's readings of a lead below the persona's confidence threshold ---

export type LeadSuggestion = Schemas["LeadSuggestionOut"];
export type LeadSuggestionPage = Schemas["Page_LeadSuggestionOut_"];

/** Pending suggestions by default, newest first; of one contact when ``contactId`` is given. */
export async function listLeadSuggestions(params: {
  cursor: string | null;
  limit: number;
  contactId?: string | null;
}): Promise<LeadSuggestionPage> {
  const { data, error, response } = await aiApi.GET("/api/v1/ai/lead-suggestions", {
    params: {
      query: { limit: params.limit, cursor: params.cursor ?? undefined, contact_id: params.contactId ?? undefined, status: "pending" },
    },
  });
  if (!data) fail(response, error);
  return data;
}

/** Applies it: the crm moves the lead and sets its fields (409 suggestion_decided when late). */
export async function acceptLeadSuggestion(suggestionId: string): Promise<LeadSuggestion> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/lead-suggestions/{suggestion_id}/accept", {
    params: { path: { suggestion_id: suggestionId } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function dismissLeadSuggestion(suggestionId: string): Promise<LeadSuggestion> {
  const { data, error, response } = await aiApi.POST("/api/v1/ai/lead-suggestions/{suggestion_id}/dismiss", {
    params: { path: { suggestion_id: suggestionId } },
  });
  if (!data) fail(response, error);
  return data;
}
