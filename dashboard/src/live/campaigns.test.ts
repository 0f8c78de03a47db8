import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { campaignKeys } from "../sections/campaigns/queries";
import { campaign } from "../sections/campaigns/fixtures";
import { LIVE_REFRESH_MS, refreshInterval } from "../sections/campaigns/liveRefresh";
import { REFRESH_MS } from "../sections/campaigns/queries";
import { campaignsRefresher, progressData } from "./campaigns";
import type { LiveEvent } from "./client";
import { campaignEvent } from "./fakeSocket";

afterEach(() => {
  vi.useRealTimers();
});

const RUNNING = campaign({ status: "running", counts: { queued: 10 }, failures: { rare: 1 } });

describe("campaign events over the live socket", () => {
  it("writes a progress snapshot into the campaign's page, keeping rarer failure reasons", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(campaignKeys.detail(RUNNING.id), RUNNING);
    const invalidate = vi.spyOn(queryClient, "invalidateQueries").mockResolvedValue();

    campaignsRefresher(queryClient).event(
      campaignEvent(RUNNING.id, { counts: { accepted: 6, failed: 4 }, failures: { "131026": 3 } }) as LiveEvent,
    );

    const shown = queryClient.getQueryData<typeof RUNNING>(campaignKeys.detail(RUNNING.id));
    expect(shown?.counts).toEqual({ accepted: 6, failed: 4 });
    expect(shown?.failures).toEqual({ rare: 1, "131026": 3 });
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("refetches the campaign and the lists once for a burst of status changes", () => {
    vi.useFakeTimers();
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, "invalidateQueries").mockResolvedValue();
    const refresher = campaignsRefresher(queryClient);

    refresher.event(campaignEvent(RUNNING.id, { type: "campaign.status_changed", status: "paused" }) as LiveEvent);
    refresher.event(campaignEvent(RUNNING.id, { type: "campaign.status_changed", status: "running" }) as LiveEvent);
    vi.runAllTimers();

    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      campaignKeys.detail(RUNNING.id),
      ["campaigns", "list"],
    ]);
  });

  it("reads only campaigns.events.v1 progress as progress", () => {
    const event = campaignEvent(RUNNING.id) as LiveEvent;
    expect(progressData(event)?.campaign_id).toBe(RUNNING.id);
    expect(progressData({ ...event, topic: "inbox.events.v1", type: "inbox.events.v1" })).toBeNull();
    expect(progressData({ ...event, data: { ...(event.data as object), type: "campaign.recipients_updated" } })).toBeNull();
  });
});

describe("a sending campaign's page reads itself again", () => {
  it("every 2 s without the live socket, every 15 s with it, never once it stopped moving", () => {
    expect(refreshInterval(true, "reconnecting")).toBe(REFRESH_MS);
    expect(refreshInterval(true, "unavailable")).toBe(REFRESH_MS);
    expect(refreshInterval(true, "open")).toBe(LIVE_REFRESH_MS);
    expect(refreshInterval(false, "open")).toBe(false);
    expect(LIVE_REFRESH_MS).toBeGreaterThan(REFRESH_MS);
  });
});
