import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { whatsappAccount } from "../connections/fixtures";
import { knowledgeBase, persona } from "./fixtures";
import { pick } from "./testing";

afterEach(() => endSession());

const BASE = knowledgeBase({ name: "Perguntas frequentes" });
const NUMBER = whatsappAccount({ display_name: "Vendas" });

function editorApi(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () => json({ items: [NUMBER], next_cursor: null }),
    "GET /api/v1/ai/knowledge-bases": () => json({ items: [BASE], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/ai/personas": () => json({ items: [], next_cursor: null }),
    ...overrides,
  });
}

const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

describe("persona editor", { timeout: 30_000 }, () => {
  it("creates a persona with its lists, number and knowledge base, then opens it", async () => {
    const bodies: Record<string, unknown>[] = [];
    const created = persona({ name: "Sofia" });
    editorApi({
      "POST /api/v1/ai/personas": async (request) => {
        bodies.push(await request.json());
        return json(created, 201);
      },
      [`GET /api/v1/ai/personas/${created.id}`]: () => json(created),
    });
    renderApp("/ai/personas/new");
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Name" }), "Sofia");
    await user.click(screen.getByRole("button", { name: "Add a line: Guidelines" }));
    await user.type(screen.getByRole("textbox", { name: "Guidelines, line 1" }), "Chame o cliente pelo nome");
    await pick("Knowledge bases it uses", "Perguntas frequentes");
    await pick("Numbers it answers on", /Vendas/);
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toMatchObject({
      name: "Sofia",
      language: null,
      guidelines: ["Chame o cliente pelo nome"],
      knowledge_base_ids: [BASE.id],
      channel_account_ids: [NUMBER.id],
      business_hours: null,
      answer_threshold: 0.86,
    });
    expect(await screen.findByRole("heading", { name: "Sofia" })).toBeInTheDocument();
  });

  it("refuses an empty name and an empty line before asking the service", async () => {
    const seen: string[] = [];
    editorApi({ "POST /api/v1/ai/personas": () => (seen.push("post"), json({}, 500)) });
    renderApp("/ai/personas/new");
    const user = setup();

    await user.click(await screen.findByRole("button", { name: "Add a line: Never promise" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Give the persona a name")).toBeInTheDocument();
    expect(screen.getByText("Write something or remove the line")).toBeInTheDocument();
    expect(seen).toEqual([]);
  });

  it("puts the service's 422 on the field it names", async () => {
    editorApi({
      "POST /api/v1/ai/personas": () =>
        json(
          {
            type: "about:blank",
            title: "Unprocessable",
            status: 422,
            detail: "the request does not match the schema",
            code: "validation_error",
            errors: [{ loc: ["body", "business_hours", "time_zone"], msg: "Value error, unknown time zone 'Mars/Base'" }],
          },
          422,
        ),
    });
    renderApp("/ai/personas/new");
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Name" }), "Sofia");
    await user.click(screen.getByRole("switch", { name: "Only during business hours" }));
    const zone = screen.getByRole("textbox", { name: "Time zone" });
    await user.clear(zone);
    await user.type(zone, "Mars/Base");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("unknown time zone 'Mars/Base'")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Time zone" })).toHaveAttribute("aria-invalid", "true");
  });

  it("sends the version it started from and offers the newer one when someone else saved", async () => {
    const mine = persona({ name: "Sofia", version: 3 });
    const theirs = { ...mine, version: 4, instructions: "Venda mais" };
    let reads = 0;
    const patches: Record<string, unknown>[] = [];
    editorApi({
      [`GET /api/v1/ai/personas/${mine.id}`]: () => json(reads++ === 0 ? mine : theirs),
      [`PATCH /api/v1/ai/personas/${mine.id}`]: async (request) => {
        patches.push(await request.json());
        return json(
          { type: "about:blank", title: "Conflict", status: 409, detail: "version 3 is stale", code: "persona_version_stale" },
          409,
        );
      },
    });
    renderApp(`/ai/personas/${mine.id}`);
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Instructions" }), "Seja breve");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Someone else changed this persona while you were editing it.")).toBeInTheDocument();
    expect(patches[0]).toMatchObject({ version: 3, instructions: "Seja breve" });

    await user.click(screen.getByRole("button", { name: "Load their version" }));
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Instructions" })).toHaveValue("Venda mais"));
    expect(screen.queryByText("Someone else changed this persona while you were editing it.")).not.toBeInTheDocument();
  });
});
