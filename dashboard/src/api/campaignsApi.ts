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

// --- The campaign wizard: drafts edited, reviewed and launched; the template library. ---

export type CampaignUpdate = Schemas["CampaignUpdate"];
export type CampaignReview = Schemas["ReviewOut"];
export type LaunchRequest = Schemas["LaunchIn"];
export type SendWindow = Schemas["SendWindow"];
export type TextMessage = Schemas["TextMessage"];
export type TemplateMessage = Schemas["TemplateMessage"];
export type VariantIn = Schemas["VariantIn"];
export type Template = Schemas["TemplateOut"];
export type TemplatePage = Schemas["Page_TemplateOut_"];
export type TemplateCreate = Schemas["TemplateCreate"];
export type TemplateUpdate = Schemas["TemplateUpdate"];
export type TemplateButton = Schemas["ButtonIn"];
export type TemplatePreviewRequest = Schemas["PreviewIn"];
export type TemplatePreview = Schemas["PreviewOut"];

/** A draft's changes: what is given replaces what was (``null`` clears an optional one). */
export async function updateCampaign(campaignId: string, changes: CampaignUpdate): Promise<Campaign> {
  const { data, error, response } = await campaignsApi.PATCH("/api/v1/campaigns/{campaign_id}", {
    params: { path: { campaign_id: campaignId } },
    body: changes,
  });
  if (!data) fail(response, error);
  return data;
}

/** Deletes a draft (a launched campaign is cancelled instead). */
export async function deleteCampaign(campaignId: string): Promise<void> {
  const { error, response } = await campaignsApi.DELETE("/api/v1/campaigns/{campaign_id}", {
    params: { path: { campaign_id: campaignId } },
  });
  if (!response.ok) fail(response, error);
}

/** What a launch would do now, counted by the service; nothing is written. */
export async function reviewCampaign(campaignId: string): Promise<CampaignReview> {
  const { data, error, response } = await campaignsApi.GET("/api/v1/campaigns/{campaign_id}/review", {
    params: { path: { campaign_id: campaignId } },
  });
  if (!data) fail(response, error);
  return data;
}

/** Launches now (an empty request), at an instant, or at a wall-clock time in a time zone. */
export async function launchCampaignWith(campaignId: string, body: LaunchRequest): Promise<Campaign> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/campaigns/{campaign_id}/launch", {
    params: { path: { campaign_id: campaignId } },
    body,
  });
  if (!data) fail(response, error);
  return data;
}

/** The recipients as CSV, fetched with the session (the access token lives in memory, so a
 *  plain link could not carry it), with the file name the service gave. */
export async function exportRecipients(
  campaignId: string,
  state: RecipientState | null = null,
): Promise<{ blob: Blob; filename: string }> {
  const { data, error, response } = await campaignsApi.GET(
    "/api/v1/campaigns/{campaign_id}/recipients/export",
    {
      params: { path: { campaign_id: campaignId }, query: { state: state ?? undefined } },
      parseAs: "blob",
    },
  );
  if (!data) fail(response, error);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `campaign-${campaignId}-recipients.csv`;
  return { blob: data as Blob, filename };
}

export async function listTemplates(params: {
  cursor: string | null;
  limit: number;
  q?: string;
}): Promise<TemplatePage> {
  const { data, error, response } = await campaignsApi.GET("/api/v1/templates", {
    params: { query: { limit: params.limit, cursor: params.cursor ?? undefined, q: params.q || undefined } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function getTemplate(templateId: string): Promise<Template> {
  const { data, error, response } = await campaignsApi.GET("/api/v1/templates/{template_id}", {
    params: { path: { template_id: templateId } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function createTemplate(body: TemplateCreate): Promise<Template> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/templates", { body });
  if (!data) fail(response, error);
  return data;
}

export async function updateTemplate(templateId: string, changes: TemplateUpdate): Promise<Template> {
  const { data, error, response } = await campaignsApi.PATCH("/api/v1/templates/{template_id}", {
    params: { path: { template_id: templateId } },
    body: changes,
  });
  if (!data) fail(response, error);
  return data;
}

export async function deleteTemplate(templateId: string): Promise<void> {
  const { error, response } = await campaignsApi.DELETE("/api/v1/templates/{template_id}", {
    params: { path: { template_id: templateId } },
  });
  if (!response.ok) fail(response, error);
}

/** A saved template as one contact (or the sample values) would receive it. */
export async function previewTemplate(
  templateId: string,
  body: TemplatePreviewRequest,
): Promise<TemplatePreview> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/templates/{template_id}/preview", {
    params: { path: { template_id: templateId } },
    body,
  });
  if (!data) fail(response, error);
  return data;
}

// --- The template library at Meta: submission for review, and the sync of a number's templates. ---

export type TemplateSubmission = Schemas["SubmitIn"];
export type MetaSyncResult = Schemas["SyncOut"];

/** Submits a WhatsApp template for Meta's review through the sender; it comes back PENDING. */
export async function submitTemplate(templateId: string, body: TemplateSubmission): Promise<Template> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/templates/{template_id}/submit", {
    params: { path: { template_id: templateId } },
    body,
  });
  if (!data) fail(response, error);
  return data;
}

/** Imports the number's approved Meta templates and updates the status of known ones. */
export async function syncMetaTemplates(channelAccountId: string): Promise<MetaSyncResult> {
  const { data, error, response } = await campaignsApi.POST("/api/v1/templates/meta/sync", {
    body: { channel_account_id: channelAccountId },
  });
  if (!data) fail(response, error);
  return data;
}

/** A campaign message that is a template of the library, by id (resolved when saved). */
export type LibraryMessage = Schemas["LibraryMessage"];
