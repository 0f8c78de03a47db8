// The campaigns section's server state: query keys and the rules for what a campaign offers.
import type { Campaign, CampaignStatus, RecipientState } from "../../api/campaignsApi";

export const campaignKeys = {
  all: ["campaigns"] as const,
  list: (status: CampaignStatus | null, cursor: string | null) =>
    ["campaigns", "list", status, cursor] as const,
  detail: (campaignId: string) => ["campaigns", "detail", campaignId] as const,
  recipients: (campaignId: string, state: RecipientState | null, q: string, cursor: string | null) =>
    ["campaigns", "recipients", campaignId, state, q, cursor] as const,
};

export const PAGE_SIZE = 25;
/** How often a campaign that is sending (or about to) is read again. */
export const REFRESH_MS = 2000;

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
  "failed",
];

export function statusColor(status: CampaignStatus): string {
  switch (status) {
    case "running":
      return "blue";
    case "scheduled":
      return "cyan";
    case "paused":
      return "yellow";
    case "completed":
      return "green";
    case "failed":
      return "red";
    default:
      return "gray";
  }
}

/** Whether the numbers still move: a running, scheduled or paused campaign (outcomes keep
 *  arriving after a pause). */
export const isLive = (status: CampaignStatus) =>
  status === "running" || status === "scheduled" || status === "paused";

/** What a person may do with the campaign now, as the service allows it. */
export function actionsOf(campaign: Pick<Campaign, "status">) {
  const { status } = campaign;
  return {
    launch: status === "draft",
    pause: status === "running",
    resume: status === "paused",
    cancel: status === "scheduled" || status === "running" || status === "paused",
  };
}

/** Recipients in all states (the ledger's total). */
export function totalOf(campaign: Pick<Campaign, "counts">): number {
  return Object.values(campaign.counts ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
}

/** The wizard's and the template library's server state. */
export const wizardKeys = {
  /** The review of a draft at one saved version (each save counts again). */
  review: (campaignId: string, version: number) => ["campaigns", "review", campaignId, version] as const,
  contacts: (q: string) => ["campaigns", "wizard", "contacts", q] as const,
  sampleContact: ["campaigns", "wizard", "sample-contact"] as const,
};
