// The typed gateway client. Every request carries the in-memory access token; a 401 is
// answered by one silent refresh (the httpOnly cookie) and one retry of the request.
import createClient from "openapi-fetch";
import { authorizationHeader, refreshSession } from "../auth/session";
import type { components, paths } from "./gateway";

export type Schemas = components["schemas"];

/** An RFC 9457 problem document, as the gateway answers every error. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

/** One entry of a 422's ``errors``: where in the request, and what is wrong there. */
export interface FieldProblem {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** A failed call to any of our services, carrying the server's problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: (Problem & { errors?: FieldProblem[] }) | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
}

/** Throws the ApiError for an openapi-fetch answer that was not a success. */
export function throwApiError(response: Response, error: unknown): never {
  throw new ApiError(response.status, (error ?? undefined) as ApiError["problem"]);
}

// These never retry after a refresh: they are the session's own endpoints.
const SESSION_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"];

/** The fetch every typed client uses: the access token, one refresh and retry on a 401. */
export async function sendWithSession(request: Request): Promise<Response> {
  const retry = request.clone();
  const send = (req: Request) => {
    const header = authorizationHeader();
    if (header) req.headers.set("Authorization", header);
    // Looked up at call time, so tests can replace fetch at the network edge.
    return globalThis.fetch(req);
  };
  const response = await send(request);
  const path = new URL(request.url).pathname;
  if (response.status !== 401 || SESSION_PATHS.includes(path)) return response;
  if (!(await refreshSession())) return response;
  return send(retry);
}

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** The sentence to show for a failed call: the server's detail when it gave one. */
export function problemMessage(error: unknown, fallback: string): string {
  if (error && typeof error === "object") {
    const problem = error as Problem;
    if (problem.detail) return problem.detail;
    if (problem.title) return problem.title;
  }
  return fallback;
}
