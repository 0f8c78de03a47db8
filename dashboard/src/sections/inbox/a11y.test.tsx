import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { LiveIndicator } from "../../live/LiveIndicator";
import { conversation, message } from "./fixtures";
import InboxPage from "./InboxPage";

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here.
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("inbox accessibility", { timeout: 30_000 }, () => {
  it("the list and an open conversation have no serious violations", async () => {
    const sales = {
      id: "5a1e5000-0000-4000-8000-000000000001",
      name: "Sales",
      description: null,
      member_ids: [],
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    };
    // In a team: the list's team filter and the thread's team control are checked too.
    const maria = conversation({ unread_count: 2, assigned_team_id: sales.id });
    fakeGateway({
      "GET /api/v1/teams": () => json({ items: [sales], next_cursor: null }),
      "GET /api/v1/inbox/conversations": () =>
        json({ items: [maria, conversation({ id: "other", contact: { id: "j", name: "João", phone: null, user_id: null } })], next_cursor: null }),
      [`GET /api/v1/inbox/conversations/${maria.id}`]: () => json(maria),
      [`GET /api/v1/inbox/conversations/${maria.id}/messages`]: () =>
        json({
          items: [
            message("m2", "Chegou!", { direction: "out", status: "delivered" }),
            message("m1", "Oi, tudo bem?"),
          ],
          next_cursor: "older",
        }),
      [`POST /api/v1/inbox/conversations/${maria.id}/read`]: () => json({ ...maria, unread_count: 0 }),
    });
    renderWithProviders(
      <>
        <LiveIndicator />
        <InboxPage />
      </>,
    );
    await userEvent.click(await screen.findByRole("option", { name: /Maria Silva/ }));
    await screen.findByRole("img", { name: "Delivered" });
    await screen.findByRole("button", { name: "Load older messages" });
    await screen.findByRole("button", { name: "Team: Sales" });
    await screen.findByRole("textbox", { name: "Team" });

    expect(await violations()).toEqual([]);
  });
});
