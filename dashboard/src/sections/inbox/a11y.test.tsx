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
    const maria = conversation({ unread_count: 2 });
    fakeGateway({
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

    expect(await violations()).toEqual([]);
  });
});
