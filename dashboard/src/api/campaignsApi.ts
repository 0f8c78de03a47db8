// The typed client for campaigns (/api/v1/campaigns/...): the campaigns service's API,
// which the gateway forwards as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { throwApiError as fail, sendWithSession } from "./client";
// Not named campaigns.ts: TypeScript would take it for the source of campaigns.d.ts.
import type { components, paths } from "./campaigns";

type Schemas = components["schemas"];
export type Campaign = Schemas["CampaignOut"];
export type CampaignCreate = Schemas["CampaignCreate"];
export type CampaignPage = Schemas["Page_CampaignOut_"];
export type CampaignStatus = Schemas["CampaignStatus"];
export type Recipient = Schemas["RecipientOut"];
export type RecipientPage = Schemas["Page_RecipientOut_"];
export type RecipientState = Schemas["RecipientState"];

/** Every ledger state, in the order a send moves through them (then the ones it ends in). */
export const RECIPIENT_STATES: readonly RecipientState[] = [
  "queued",
  "requested",
  "accepted",
  "delivered",
  "read",
  "replied",
  "failed",
  "excluded",
  "cancelled",
];

export const campaignsApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** A failed call; the same class as every API client's (``instanceof`` works across them). */
export { ApiError as CampaignsError, type FieldProblem } from "./client";

export async function listCampaigns(params: {
  cursor: string | null;
  limit: number;
  status?: CampaignStatus | null;
}): Promise<CampaignPage> {
  const { data, error, response } = await campaignsApi.GET("/api/v1/campaigns", {
    params: {
      query: {
        limit: params.limit,
        cursor: params.cursor ?? undefined,
        status: params.status ?? undefined,
      },
    },
  });
  if (!data) fail(response, error);
  return data;
}

export async function getCampaign(campaignId: string): Promise<Campaign> {
  const { data, error, response } = await campaignsApi.GET("/api/v1/campaigns/{campaign_id}", {
    params: { path: { campaign_id: campaignId } },
  });
  if (!data) fail(response, error);
  return data;
}

/** A draft; nothing is sent until it is launched. */
export async function createCampaign(body: CampaignCreate): Promise<Campaign> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/campaigns", { body });
  if (!data) fail(response, error);
  return data;
}

/** Freezes the audience and starts now, or at ``scheduledAt`` (an ISO time with its offset). */
export async function launchCampaign(
  campaignId: string,
  scheduledAt: string | null = null,
): Promise<Campaign> {
  const { data, error, response } = await campaignsApi.POST(
    "/api/v1/campaigns/{campaign_id}/launch",
    {
      params: { path: { campaign_id: campaignId } },
      body: scheduledAt ? { scheduled_at: scheduledAt } : {},
    },
  );
  if (!data) fail(response, error);
  return data;
}

type Transition = "pause" | "resume" | "cancel";

async function transition(campaignId: string, action: Transition): Promise<Campaign> {
  const path = `/api/v1/campaigns/{campaign_id}/${action}` as const;
  const { data, error, response } = await campaignsApi.POST(path, {
    params: { path: { campaign_id: campaignId } },
  });
  if (!data) fail(response, error);
  return data;
}

export const pauseCampaign = (campaignId: string) => transition(campaignId, "pause");
export const resumeCampaign = (campaignId: string) => transition(campaignId, "resume");
/** Stops for good: what is still queued is cancelled. */
export const cancelCampaign = (campaignId: string) => transition(campaignId, "cancel");

export async function listRecipients(
  campaignId: string,
  params: { cursor: string | null; limit: number; state?: RecipientState | null; q?: string },
): Promise<RecipientPage> {
  const { data, error, response } = await campaignsApi.GET(
    "/api/v1/campaigns/{campaign_id}/recipients",
    {
      params: {
        path: { campaign_id: campaignId },
        query: {
          limit: params.limit,
          cursor: params.cursor ?? undefined,
          state: params.state ?? undefined,
          q: params.q || undefined,
        },
      },
    },
  );
  if (!data) fail(response, error);
  return data;
}
