// The typed client for cadences (/api/v1/cadences/...): the campaigns service's drip
// sequences, which the gateway forwards as they are. Same session handling as every client.
import createClient from "openapi-fetch";
import { throwApiError as fail, sendWithSession } from "./client";
// Not named cadences.ts: the types come from campaigns.d.ts (the campaigns service's API).
import type { components, paths } from "./campaigns";

type Schemas = components["schemas"];
export type Cadence = Schemas["CadenceOut"];
export type CadenceCreate = Schemas["CadenceCreate"];
export type CadenceUpdate = Schemas["CadenceUpdate"];
export type CadencePage = Schemas["Page_CadenceOut_"];
export type CadenceStatus = Schemas["CadenceStatus"];
export type SendStep = Schemas["SendStep"];
/** A send step's Meta template (an approved one, with what fills its placeholders). */
export type CadenceTemplateMessage = Schemas["TemplateMessage"];
export type WaitStep = Schemas["WaitStep"];
export type WaitUntilStep = Schemas["WaitUntilStep"];
export type BranchStep = Schemas["BranchStep"];
export type CadenceStep = SendStep | WaitStep | WaitUntilStep | BranchStep;
export type BranchCondition = Schemas["Condition"];
export type CadenceTrigger = Schemas["Trigger"];
export type BusinessHours = Schemas["SendWindow"];
export type EnrollRequest = Schemas["EnrollIn"];
export type EnrollResult = Schemas["EnrollOut"];
export type Enrollment = Schemas["EnrollmentOut"];
export type EnrollmentPage = Schemas["Page_EnrollmentOut_"];
export type EnrollmentState = Schemas["EnrollmentState"];

export const ENROLLMENT_STATES: readonly EnrollmentState[] = ["active", "completed", "stopped", "failed"];

export const cadencesApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** A failed call; the same class as every API client's (``instanceof`` works across them). */
export { ApiError as CadencesError, type FieldProblem } from "./client";

export async function listCadences(params: {
  cursor: string | null;
  limit: number;
  status?: CadenceStatus | null;
  q?: string;
}): Promise<CadencePage> {
  const { data, error, response } = await cadencesApi.GET("/api/v1/cadences", {
    params: {
      query: {
        limit: params.limit,
        cursor: params.cursor ?? undefined,
        status: params.status ?? undefined,
        q: params.q || undefined,
      },
    },
  });
  if (!data) fail(response, error);
  return data;
}

/** A cadence with its enrollments counted by state and the active ones by step. */
export async function getCadence(cadenceId: string): Promise<Cadence> {
  const { data, error, response } = await cadencesApi.GET("/api/v1/cadences/{cadence_id}", {
    params: { path: { cadence_id: cadenceId } },
  });
  if (!data) fail(response, error);
  return data;
}

/** A draft: nobody is enrolled and no trigger fires until it is activated. */
export async function createCadence(body: CadenceCreate): Promise<Cadence> {
  const { data, error, response } = await cadencesApi.POST("/api/v1/cadences", { body });
  if (!data) fail(response, error);
  return data;
}

/** What is given replaces what was; 409 ``cadence_steps_locked`` when people are enrolled and
 *  the steps' kinds or order changed. */
export async function updateCadence(cadenceId: string, changes: CadenceUpdate): Promise<Cadence> {
  const { data, error, response } = await cadencesApi.PATCH("/api/v1/cadences/{cadence_id}", {
    params: { path: { cadence_id: cadenceId } },
    body: changes,
  });
  if (!data) fail(response, error);
  return data;
}

export type CadenceAction = "activate" | "pause" | "resume" | "archive";

export async function moveCadence(cadenceId: string, action: CadenceAction): Promise<Cadence> {
  const { data, error, response } = await cadencesApi.POST("/api/v1/cadences/{cadence_id}/{action}", {
    params: { path: { cadence_id: cadenceId, action } },
  });
  if (!data) fail(response, error);
  return data;
}

/** Contacts by id, a saved segment or a filter; each contact once per cadence. */
export async function enroll(cadenceId: string, body: EnrollRequest): Promise<EnrollResult> {
  const { data, error, response } = await cadencesApi.POST("/api/v1/cadences/{cadence_id}/enrollments", {
    params: { path: { cadence_id: cadenceId } },
    body,
  });
  if (!data) fail(response, error);
  return data;
}

export async function listEnrollments(
  cadenceId: string,
  params: { cursor: string | null; limit: number; state?: EnrollmentState | null; step?: number | null; q?: string },
): Promise<EnrollmentPage> {
  const { data, error, response } = await cadencesApi.GET("/api/v1/cadences/{cadence_id}/enrollments", {
    params: {
      path: { cadence_id: cadenceId },
      query: {
        limit: params.limit,
        cursor: params.cursor ?? undefined,
        state: params.state ?? undefined,
        step: params.step ?? undefined,
        q: params.q || undefined,
      },
    },
  });
  if (!data) fail(response, error);
  return data;
}

/** Stops one person's walk; 409 ``cadence_state_conflict`` when it already ended. */
export async function stopEnrollment(cadenceId: string, enrollmentId: string): Promise<Enrollment> {
  const { data, error, response } = await cadencesApi.POST(
    "/api/v1/cadences/{cadence_id}/enrollments/{enrollment_id}/stop",
    { params: { path: { cadence_id: cadenceId, enrollment_id: enrollmentId } } },
  );
  if (!data) fail(response, error);
  return data;
}
