// The typed client for channel accounts and alerts (/api/v1/channels/...): the sender's
// API, which the gateway forwards as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { throwApiError as fail, sendWithSession } from "./client";
import type { FieldProblem } from "./client";
import type { components, paths } from "./sender";

type Schemas = components["schemas"];
export type ChannelAccount = Schemas["AccountOut"];
export type AccountLimits = Schemas["AccountLimits"];
export type AccountTestResult = Schemas["AccountTestResult"];
export type ChannelAlert = Schemas["AlertOut"];
export type AlertKind = Schemas["ChannelAlertKind"];
export type WhatsAppCloudCreate = Schemas["WhatsAppCloudAccountCreate"];
export type SmsCreate = Schemas["SmsAccountCreate"];
export type AccountCreate = WhatsAppCloudCreate | SmsCreate;
export type AccountUpdate = Schemas["AccountUpdate"];
/** One message template of a WhatsApp number, as Meta approved it: ``body`` holds the
 *  placeholders {{1}}, {{2}}… and ``variables`` says how many there are. */
export type ChannelTemplate = Schemas["TemplateOut"];

export const channelsApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** A failed call; the same class as every API client's (``instanceof`` works across them). */
export { ApiError as ChannelsError, type FieldProblem } from "./client";

/** Every account of the company (one page of up to 200: far more than a company has). */
export async function listAccounts(): Promise<ChannelAccount[]> {
  const { data, error, response } = await channelsApi.GET("/api/v1/channels/accounts", {
    params: { query: { limit: 200 } },
  });
  if (!data) fail(response, error);
  return data.items;
}

export async function listAlerts(limit = 100): Promise<ChannelAlert[]> {
  const { data, error, response } = await channelsApi.GET("/api/v1/channels/alerts", {
    params: { query: { limit } },
  });
  if (!data) fail(response, error);
  return data.items;
}

export async function accountLimits(accountId: string): Promise<AccountLimits> {
  const { data, error, response } = await channelsApi.GET(
    "/api/v1/channels/accounts/{account_id}/limits",
    { params: { path: { account_id: accountId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function createAccount(body: AccountCreate): Promise<ChannelAccount> {
  const { data, error, response } = await channelsApi.POST("/api/v1/channels/accounts", { body });
  if (!data) fail(response, error);
  return data;
}

export async function updateAccount(
  accountId: string,
  body: AccountUpdate,
): Promise<ChannelAccount> {
  const { data, error, response } = await channelsApi.PATCH(
    "/api/v1/channels/accounts/{account_id}",
    { params: { path: { account_id: accountId } }, body },
  );
  if (!data) fail(response, error);
  return data;
}

export async function testAccount(accountId: string): Promise<AccountTestResult> {
  const { data, error, response } = await channelsApi.POST(
    "/api/v1/channels/accounts/{account_id}/test",
    { params: { path: { account_id: accountId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function pauseAccount(accountId: string): Promise<ChannelAccount> {
  const { data, error, response } = await channelsApi.POST(
    "/api/v1/channels/accounts/{account_id}/pause",
    { params: { path: { account_id: accountId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function resumeAccount(accountId: string): Promise<ChannelAccount> {
  const { data, error, response } = await channelsApi.POST(
    "/api/v1/channels/accounts/{account_id}/resume",
    { params: { path: { account_id: accountId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function deleteAccount(accountId: string): Promise<void> {
  const { error, response } = await channelsApi.DELETE("/api/v1/channels/accounts/{account_id}", {
    params: { path: { account_id: accountId } },
  });
  if (!response.ok) fail(response, error);
}

/** The approved templates of one channel account (number). */
export async function fetchTemplates(accountId: string): Promise<ChannelTemplate[]> {
  const { data, error, response } = await channelsApi.GET(
    "/api/v1/channels/accounts/{account_id}/templates",
    { params: { path: { account_id: accountId } } },
  );
  if (!data) fail(response, error);
  return data.items;
}

/** The field a 422 entry points at: the last name in its ``loc`` ("body", the union's
 *  tag, then the field). */
export function fieldOf(problem: FieldProblem): string | undefined {
  const names = problem.loc.filter((part): part is string => typeof part === "string");
  return names.length > 1 ? names[names.length - 1] : undefined;
}
