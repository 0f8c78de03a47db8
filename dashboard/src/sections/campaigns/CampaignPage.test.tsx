import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import type { Campaign } from "../../api/campaignsApi";
import { endSession } from "../../auth/session";
import { campaignEvent, fakeWebSockets, lastSocket } from "../../live/fakeSocket";
import { type Handler, fakeGateway, json, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { campaign, recipient } from "./fixtures";

afterEach(() => endSession());

/** The status badge: "Status: " is read out before the status, though not shown. */
const badge = (status: string) => (_: string, element: Element | null) =>
  !!element?.classList.contains("mantine-Badge-root") && element.textContent === `Status: ${status}`;

const RUNNING = campaign({
  name: "Black Friday",
  status: "running",
  launched_at: "2026-11-28T12:00:00Z",
  counts: { queued: 40, requested: 10, accepted: 30, delivered: 10, failed: 5, excluded: 5 },
  excluded: { opted_out: 3, no_consent: 2 },
  failures: { "131026": 5 },
});

function api(start: Campaign, overrides: Record<string, Handler> = {}) {
  let current = start;
  const reads = () => seen.filter((call) => call === `GET /api/v1/campaigns/${start.id}`).length;
  const posted: string[] = [];
  const recipientQueries: URLSearchParams[] = [];
  const move = (action: string, status: Campaign["status"]) => () => {
    posted.push(action);
    current = { ...current, status };
    return json(current);
  };
  const seen = fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    [`GET /api/v1/campaigns/${start.id}`]: () => json(current),
    [`POST /api/v1/campaigns/${start.id}/pause`]: move("pause", "paused"),
    [`POST /api/v1/campaigns/${start.id}/resume`]: move("resume", "running"),
    [`POST /api/v1/campaigns/${start.id}/cancel`]: move("cancel", "cancelled"),
    [`GET /api/v1/campaigns/${start.id}/recipients`]: (request) => {
      const params = new URL(request.url).searchParams;
      recipientQueries.push(params);
      const items =
        params.get("q") === "carla"
          ? [recipient({ name: "Carla Dias", address: "+5511977770000", state: "failed" })]
          : params.get("state") === "failed"
            ? [recipient({ name: "Bruno Lima", state: "failed", reason: "131026" })]
            : [recipient({ name: "Ana Souza" }), recipient({ name: "Bruno Lima", state: "failed", reason: "131026" })];
      return json({ items, next_cursor: null });
    },
    ...overrides,
  });
  const becomes = (next: Partial<Campaign>) => {
    current = { ...current, ...next };
  };
  return { posted, recipientQueries, reads, becomes };
}

describe("a campaign's page", { timeout: 30_000 }, () => {
  it("shows the counts by state, exclusions and failures", async () => {
    api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);

    expect(await screen.findByRole("heading", { name: "Black Friday" })).toBeInTheDocument();
    expect(screen.getByText(badge("Running"))).toBeInTheDocument();
    expect(screen.getByText("100 recipients")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Accepted: 30 of 100" })).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Queued: 40 of 100" })).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Failed: 5 of 100" })).toBeInTheDocument();
    const excluded = screen.getByRole("table", { name: "Left out" });
    expect(within(excluded).getByRole("row", { name: "opted_out 3" })).toBeInTheDocument();
    expect(within(excluded).getByRole("row", { name: "no_consent 2" })).toBeInTheDocument();
    const failures = screen.getByRole("table", { name: "Failures" });
    expect(within(failures).getByRole("row", { name: "131026 5" })).toBeInTheDocument();
  });

  it("pauses and resumes with the right endpoints", async () => {
    const { posted } = api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Pause" }));
    await waitFor(() => expect(posted).toEqual(["pause"]));
    expect(await screen.findByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(screen.getByText(badge("Paused"))).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Resume" }));
    await waitFor(() => expect(posted).toEqual(["pause", "resume"]));
    expect(await screen.findByRole("button", { name: "Pause" })).toBeInTheDocument();
  });

  it("asks before cancelling", async () => {
    const { posted } = api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Cancel campaign" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel this campaign?" });
    await user.click(within(dialog).getByRole("button", { name: "Keep it" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(posted).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Cancel campaign" }));
    await user.click(
      within(await screen.findByRole("dialog", { name: "Cancel this campaign?" })).getByRole("button", {
        name: "Cancel the campaign",
      }),
    );
    await waitFor(() => expect(posted).toEqual(["cancel"]));
    expect(await screen.findByText(badge("Cancelled"))).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel campaign" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
  });

  it("filters the recipients by state and searches them", async () => {
    const { recipientQueries } = api(campaign({ ...RUNNING, status: "completed" }));
    renderApp(`/campaigns/${RUNNING.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Recipients" });
    expect(within(table).getByRole("link", { name: "Ana Souza" })).toBeInTheDocument();

    await user.click(screen.getByRole("textbox", { name: "State" }));
    await user.click(await within(document.body).findByRole("option", { name: "Failed", hidden: true }));
    await waitFor(() => expect(recipientQueries.at(-1)?.get("state")).toBe("failed"));
    await waitFor(() =>
      expect(screen.queryByRole("link", { name: "Ana Souza" })).not.toBeInTheDocument(),
    );
    expect(screen.getByRole("link", { name: "Bruno Lima" })).toBeInTheDocument();

    await user.type(screen.getByRole("textbox", { name: "Search recipients" }), "carla");
    expect(await screen.findByRole("link", { name: "Carla Dias" })).toBeInTheDocument();
    expect(recipientQueries.at(-1)?.get("q")).toBe("carla");
    expect(recipientQueries.at(-1)?.get("state")).toBe("failed");
    // The export beside the filters (what it downloads: RecipientsExportButton's own test).
    expect(screen.getByRole("button", { name: "Export recipients (CSV)" })).toBeInTheDocument();
  });

  it("moves its bars with the live progress, without waiting for the next read", async () => {
    fakeWebSockets();
    const { reads } = api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    expect(await screen.findByRole("progressbar", { name: "Accepted: 30 of 100" })).toBeInTheDocument();
    const socket = lastSocket();
    expect(socket.url.searchParams.get("topics")?.split(",")).toContain("campaigns.events.v1");
    act(() => socket.open());
    const readsBefore = reads();

    act(() =>
      socket.receive(
        campaignEvent(RUNNING.id, {
          counts: { requested: 10, accepted: 55, delivered: 20, failed: 10, excluded: 5 },
          failures: { "131026": 8, "131047": 2 },
        }),
      ),
    );

    expect(await screen.findByRole("progressbar", { name: "Accepted: 55 of 100" })).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Queued: 0 of 100" })).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Failed: 10 of 100" })).toBeInTheDocument();
    const failures = screen.getByRole("table", { name: "Failures" });
    expect(within(failures).getByRole("row", { name: "131026 8" })).toBeInTheDocument();
    expect(within(failures).getByRole("row", { name: "131047 2" })).toBeInTheDocument();
    // Another campaign's progress leaves this page alone.
    act(() => socket.receive(campaignEvent("c0c1c2c3-0000-4000-8000-999999999999", { counts: { queued: 7 } })));
    expect(screen.getByRole("progressbar", { name: "Accepted: 55 of 100" })).toBeInTheDocument();
    // All of it came over the socket: the page did not read the campaign again.
    expect(reads()).toBe(readsBefore);
  });

  it("ignores a snapshot older than the one it shows", async () => {
    fakeWebSockets();
    api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    await screen.findByRole("progressbar", { name: "Accepted: 30 of 100" });
    const socket = lastSocket();
    act(() => socket.open());
    const newer = { as_of: "2026-11-28T12:00:05Z", counts: { accepted: 80, queued: 20 } };
    const older = { as_of: "2026-11-28T12:00:04Z", counts: { accepted: 70, queued: 30 } };

    act(() => socket.receive(campaignEvent(RUNNING.id, newer)));
    act(() => socket.receive(campaignEvent(RUNNING.id, older)));

    expect(await screen.findByRole("progressbar", { name: "Accepted: 80 of 100" })).toBeInTheDocument();
  });

  it("reads the campaign again when the live progress says it completed", async () => {
    fakeWebSockets();
    const { reads, becomes } = api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    expect(await screen.findByRole("button", { name: "Pause" })).toBeInTheDocument();
    const socket = lastSocket();
    act(() => socket.open());
    const readsBefore = reads();
    const done = { accepted: 95, excluded: 5 };
    becomes({ status: "completed", finished_at: "2026-11-28T12:30:00Z", counts: done, failures: {} });

    act(() => socket.receive(campaignEvent(RUNNING.id, { status: "completed", counts: done })));

    expect(await screen.findByText(badge("Completed"))).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Accepted: 95 of 100" })).toBeInTheDocument();
    // The snapshot has no finish time: the page read the campaign again for it.
    await waitFor(() => expect(reads()).toBeGreaterThan(readsBefore));
    expect(await screen.findByText(/Finished/)).toBeInTheDocument();
  });

  it("has no serious accessibility violations", async () => {
    api(RUNNING);
    renderApp(`/campaigns/${RUNNING.id}`);
    await screen.findByRole("table", { name: "Recipients" });
    const result = await axe.run(document.body, {
      rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
    });
    const serious = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
  });
});
