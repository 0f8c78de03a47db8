import { screen } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { pipeline, stage } from "../pipelines/fixtures";
import { consoleAnswer, knowledgeBase, knowledgeDocument, modelSettings, persona, usage } from "./fixtures";

afterEach(() => endSession());

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here (the browser test does).
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const BASE = knowledgeBase();
const PROPOSAL = stage({ name: "Proposta" });
const SOFIA = persona({ knowledge_base_ids: [BASE.id], stage_rules: [{ stage_id: PROPOSAL.id, keywords: ["preço"] }] });

describe("accessibility", { timeout: 40_000 }, () => {
  it("the AI pages have no serious violations", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/personas": () => json({ items: [SOFIA], next_cursor: null }),
      [`GET /api/v1/ai/personas/${SOFIA.id}`]: () => json(SOFIA),
      "GET /api/v1/ai/knowledge-bases": () => json({ items: [BASE], next_cursor: null }),
      [`GET /api/v1/ai/knowledge-bases/${BASE.id}`]: () => json(BASE),
      [`GET /api/v1/ai/knowledge-bases/${BASE.id}/documents`]: () => json({ items: [knowledgeDocument(BASE.id)], next_cursor: null }),
      [`POST /api/v1/ai/personas/${SOFIA.id}/console`]: () => json(consoleAnswer()),
      "GET /api/v1/channels/accounts": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/pipelines": () => json({ items: [pipeline([PROPOSAL])], next_cursor: null }),
      "GET /api/v1/ai/model": () => json(modelSettings()),
      "GET /api/v1/ai/usage": () => json(usage()),
    });

    let view = renderApp("/ai/personas");
    await screen.findByRole("link", { name: "Sofia" }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);
    view.unmount();

    view = renderApp(`/ai/personas/${SOFIA.id}`);
    await screen.findByRole("heading", { name: "Sofia" }, { timeout: 15_000 });
    await screen.findByDisplayValue("Proposta (Sales)");
    expect(await violations()).toEqual([]);
    view.unmount();

    view = renderApp(`/ai/knowledge/${BASE.id}`);
    await screen.findByRole("table", { name: "Documents" }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);
    view.unmount();

    view = renderApp(`/ai/console?persona=${SOFIA.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await screen.findByRole("textbox", { name: "Customer's message" }, { timeout: 15_000 }), "Oi{Enter}");
    await screen.findByRole("list", { name: "Sources" });
    expect(await violations()).toEqual([]);
    view.unmount();

    renderApp("/ai/model");
    await screen.findByRole("img", { name: "Cost by day, last 30 days" }, { timeout: 15_000 });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole("radio", { name: "By persona" }));
    await screen.findByRole("table", { name: "Usage by persona, last 30 days" });
    expect(await violations()).toEqual([]);
  });
});
