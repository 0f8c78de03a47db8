import { screen, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, token } from "../../test/gateway";
import { PIPELINE_ID, board, lead, pipeline, stage } from "./fixtures";
import { renderApp } from "./testing";

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here.
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const NEW = stage({ name: "New", position: 0, rotting_days: 3 });
const WON = stage({ name: "Won", position: 1, kind: "won", probability: 100 });
const STAGES = [NEW, WON];
const base = `/api/v1/pipelines/${PIPELINE_ID}`;
const deal = lead(NEW, { title: "Padaria Central", rotting: true, conversation_id: "c0c0c0c0-0000-4000-8000-000000000001" });

function api() {
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/pipelines": () => json({ items: [pipeline(STAGES)], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tags": () => json({ items: [{ id: "t1", name: "VIP" }], next_cursor: null }),
    "GET /api/v1/custom-fields": () =>
      json({
        items: [
          { id: "f1", key: "plan", label: "Plan", kind: "select", options: ["gold"], position: 0, created_at: "2026-11-20T12:00:00Z", updated_at: "2026-11-20T12:00:00Z" },
          { id: "f2", key: "vip", label: "VIP customer", kind: "boolean", options: null, position: 1, created_at: "2026-11-20T12:00:00Z", updated_at: "2026-11-20T12:00:00Z" },
        ],
      }),
    "GET /api/v1/contacts": () => json({ items: [], next_cursor: null }),
    [`GET ${base}/board`]: () => json(board(STAGES, { [NEW.id]: [deal] }, { [NEW.id]: "more" })),
    [`GET ${base}/stages/${NEW.id}/leads`]: () => json({ items: [deal], next_cursor: "more" }),
    [`GET ${base}/stages/${WON.id}/leads`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/leads": () => json({ items: [deal], next_cursor: null }),
    [`GET /api/v1/leads/${deal.id}`]: () => json(deal),
    [`GET /api/v1/leads/${deal.id}/history`]: () => json({ items: [], next_cursor: null }),
  });
}

afterEach(() => endSession());

describe("pipelines accessibility", { timeout: 30_000 }, () => {
  it("the board and an open card's drawer have no serious violations", async () => {
    api();
    renderApp(`/pipelines/${PIPELINE_ID}`);
    await screen.findByRole("button", { name: /Padaria Central/ }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);

    await userEvent.click(screen.getByRole("button", { name: /Padaria Central/ }));
    const drawer = await screen.findByRole("dialog");
    await within(drawer).findByRole("textbox", { name: "Title" });
    // With the tags and the custom fields (the contacts' inputs).
    await within(drawer).findByRole("textbox", { name: "Plan" });
    expect(await violations()).toEqual([]);
  });

  it("the new lead form has no serious violations", async () => {
    api();
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "New lead in Won" }, { timeout: 15_000 }));
    const dialog = await screen.findByRole("dialog", { name: "New lead" });
    await user.click(within(dialog).getByRole("button", { name: "Create the lead" }));
    await within(dialog).findByText("Choose the lead's contact");
    expect(await violations()).toEqual([]);
  });

  it("the list view has no serious violations", async () => {
    api();
    renderApp(`/pipelines/${PIPELINE_ID}?view=list`);
    await screen.findByRole("table", { name: "Leads" }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);
  });

  it("the pipelines settings have no serious violations", async () => {
    api();
    renderApp("/settings/pipelines");
    await screen.findByRole("region", { name: "Stages of Sales" }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);
  });
});
