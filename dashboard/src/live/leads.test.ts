import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pipelineKeys } from "../sections/pipelines/keys";
import type { LiveEvent } from "./client";
import { LEADS_TOPIC, leadsRefresher, rebalanceData, staleRebalanceKeys } from "./leads";

const pipelineId = "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22";
const stageId = "5b1a0e2c-7d8f-4b4e-9c1a-3f2e1d0c9b8a";

function rebalance(): LiveEvent {
  return {
    id: "evt-rebalance-1",
    type: LEADS_TOPIC,
    topic: LEADS_TOPIC,
    tenantid: "7e0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    time: new Date().toISOString(),
    data: {
      type: "lead.column_rebalanced",
      pipeline_id: pipelineId,
      stage_id: stageId,
      leads: [{ id: "lead-1", position: "a0", version: 4 }],
      part: 1,
      parts: 1,
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a rebalanced column over the live socket", () => {
  it("is read as a rebalance, not as a lead event", () => {
    expect(rebalanceData(rebalance())?.stage_id).toBe(stageId);
    expect(rebalanceData({ ...rebalance(), topic: "inbox.events.v1" })).toBeNull();
  });

  it("refetches the board and the column it names", () => {
    vi.useFakeTimers();
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, "invalidateQueries").mockResolvedValue();
    const refresher = leadsRefresher(queryClient);

    refresher.event(rebalance());
    vi.runAllTimers();

    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    expect(keys).toEqual(staleRebalanceKeys(rebalanceData(rebalance())!));
    expect(keys).toContainEqual(pipelineKeys.stageColumns(pipelineId, stageId));
    expect(keys).toContainEqual(pipelineKeys.boards(pipelineId));
  });
});
