// Campaign events over the live socket (campaigns.events.v1). A `campaign.progress` snapshot
// (counts by state, the top failure reasons, the status; about one a second while a campaign
// sends) is written straight into the campaign's cached page, so its bars move without a
// refetch. A status change (`campaign.status_changed`, or a snapshot whose status differs from
// the page's) refetches the campaign, for what a snapshot does not carry (the reason, the
// finish time), and the lists' badges. The gateway never relays the recipients' batches.
import type { QueryClient } from "@tanstack/react-query";
import type { Campaign, CampaignStatus, RecipientState } from "../api/campaignsApi";
import { campaignKeys } from "../sections/campaigns/queries";
import type { LiveEvent } from "./client";

export const CAMPAIGNS_TOPIC = "campaigns.events.v1";

/** campaign.progress (libs/common/src/mia_common/contracts/campaigns.py), loosely. */
export interface CampaignProgressData {
  type: "campaign.progress";
  campaign_id: string;
  status: CampaignStatus;
  counts: Partial<Record<RecipientState, number>>;
  failures: Record<string, number>;
  other_failures?: number;
  as_of: string;
}

interface CampaignStatusData {
  type: "campaign.status_changed";
  campaign_id: string;
  status: CampaignStatus;
}

function campaignData(event: LiveEvent): { type?: unknown; campaign_id?: unknown } | null {
  // A test gateway names its topics with a prefix; the envelope's type is the topic's own name.
  if (event.topic !== CAMPAIGNS_TOPIC && event.type !== CAMPAIGNS_TOPIC) return null;
  const data = event.data as { type?: unknown; campaign_id?: unknown } | null;
  if (!data || typeof data.campaign_id !== "string") return null;
  return data;
}

export function progressData(event: LiveEvent): CampaignProgressData | null {
  const data = campaignData(event) as Partial<CampaignProgressData> | null;
  if (data?.type !== "campaign.progress") return null;
  if (typeof data.status !== "string" || typeof data.as_of !== "string") return null;
  if (!data.counts || typeof data.counts !== "object") return null;
  return { failures: {}, ...data } as CampaignProgressData;
}

function statusData(event: LiveEvent): CampaignStatusData | null {
  const data = campaignData(event) as Partial<CampaignStatusData> | null;
  if (data?.type !== "campaign.status_changed" || typeof data.status !== "string") return null;
  return data as CampaignStatusData;
}

/** The campaign as the page shows it, with a snapshot's counts. The failure reasons it names
 *  replace theirs; the rarer ones it leaves out keep the count the page last read. */
export function withProgress(campaign: Campaign, progress: CampaignProgressData): Campaign {
  return {
    ...campaign,
    status: progress.status,
    counts: { ...progress.counts },
    failures: { ...campaign.failures, ...progress.failures },
  };
}

const GATHER_MS = 100;

export function campaignsRefresher(queryClient: QueryClient) {
  // The newest snapshot applied per campaign: Kafka keeps one campaign's events in order, but
  // two campaigns processes may each report it, so an older one can follow a newer one.
  const appliedAt = new Map<string, number>();
  const stale = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const ids = [...stale];
    stale.clear();
    if (ids.length === 0) return;
    for (const id of ids) void queryClient.invalidateQueries({ queryKey: campaignKeys.detail(id) });
    void queryClient.invalidateQueries({ queryKey: ["campaigns", "list"] });
  };
  const refetch = (campaignId: string) => {
    stale.add(campaignId);
    timer ??= setTimeout(flush, GATHER_MS);
  };

  const applyProgress = (progress: CampaignProgressData) => {
    const asOf = Date.parse(progress.as_of);
    const previous = appliedAt.get(progress.campaign_id);
    if (previous !== undefined && asOf < previous) return;
    appliedAt.set(progress.campaign_id, asOf);
    const key = campaignKeys.detail(progress.campaign_id);
    const shown = queryClient.getQueryData<Campaign>(key);
    if (!shown) return; // nobody shows it: nothing to update, the page reads it when opened
    if (shown.status !== progress.status) refetch(progress.campaign_id);
    queryClient.setQueryData<Campaign>(key, withProgress(shown, progress));
  };

  return {
    event(event: LiveEvent) {
      const progress = progressData(event);
      if (progress) {
        applyProgress(progress);
        return;
      }
      const status = statusData(event);
      if (status) refetch(status.campaign_id);
    },
    everything() {
      // Events may have been missed: whatever campaign is shown reads itself again.
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
    },
    cancel() {
      clearTimeout(timer);
      stale.clear();
    },
  };
}
