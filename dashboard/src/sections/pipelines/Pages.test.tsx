// The card drawer, the list view, the pipelines settings and the inbox's lead panel.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { conversation, message } from "../inbox/fixtures";
import { type Handler, fakeGateway, json, token } from "../../test/gateway";
import { field } from "../contacts/fixtures";
import { en, ptBR } from "./messages";
import { PIPELINE_ID, board, lead, pipeline, stage } from "./fixtures";
import { SLOW, renderApp } from "./testing";

const NEW = stage({ name: "New", probability: 10, position: 0 });
const LOST = stage({ name: "Lost", probability: 0, position: 1, kind: "lost" });
const WON = stage({ name: "Won", probability: 100, position: 2, kind: "won" });
const STAGES = [NEW, LOST, WON];
const base = `/api/v1/pipelines/${PIPELINE_ID}`;

function api(overrides: Record<string, Handler>) {
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/pipelines": () => json({ items: [pipeline(STAGES)], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tags": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/custom-fields": () => json({ items: [] }),
    ...overrides,
  });
}

afterEach(() => endSession());

/** Every key of one language's strings, as dotted paths. */
function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

describe("pipelines strings", () => {
  it("has every string in English and Brazilian Portuguese, none left in English", () => {
    expect(keys(ptBR)).toEqual(keys(en));
    const english = new Map(keys(en).map((key) => [key, key.split(".").reduce<any>((node, part) => node[part], en)]));
    const same = keys(ptBR).filter((key) => {
      const text = key.split(".").reduce<any>((node, part) => node[part], ptBR) as string;
      return text === english.get(key) && /[a-z]{4}/i.test(text.replace(/\{\{\w+\}\}/g, ""));
    });
    // Words that are the same in both languages.
    expect(same.filter((key) => !["column.total", "drawer.historyEntry"].includes(key))).toEqual([]);
  });
});

describe("lead drawer and list", { timeout: 30_000 }, () => {
  it("opens a card's drawer, saves its changes and links its conversation", async () => {
    const deal = lead(NEW, {
      title: "Padaria Central",
      conversation_id: "c0c0c0c0-0000-4000-8000-000000000001",
      contact_id: "d0d0d0d0-0000-4000-8000-000000000001",
      contact: { id: "d0d0d0d0-0000-4000-8000-000000000001", name: "Ana Souza", phone: null },
    });
    const patches: unknown[] = [];
    api({
      [`GET ${base}/board`]: () => json(board(STAGES, { [NEW.id]: [deal] })),
      [`GET ${base}/stages/${NEW.id}/leads`]: () => json({ items: [deal], next_cursor: null }),
      [`GET ${base}/stages/${LOST.id}/leads`]: () => json({ items: [], next_cursor: null }),
      [`GET ${base}/stages/${WON.id}/leads`]: () => json({ items: [], next_cursor: null }),
      [`GET /api/v1/leads/${deal.id}`]: () => json(deal),
      [`GET /api/v1/leads/${deal.id}/history`]: () =>
        json({
          items: [{ id: "h1", lead_id: deal.id, from_stage_id: null, to_stage_id: NEW.id, actor_user_id: null, reason: null, at: "2026-11-20T12:00:00Z" }],
          next_cursor: null,
        }),
      [`PATCH /api/v1/leads/${deal.id}`]: async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        return json({ ...deal, ...body, version: 2 });
      },
    });
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: /Padaria Central/ }, SLOW));
    const drawer = await screen.findByRole("dialog");
    const title = await within(drawer).findByRole("textbox", { name: "Title" });
    expect(within(drawer).getByRole("link", { name: "Open the conversation in the inbox" })).toHaveAttribute(
      "href",
      `/inbox?conversation=${deal.conversation_id}`,
    );
    expect(within(drawer).getByRole("link", { name: /Ana Souza/ })).toHaveAttribute("href", `/contacts/${deal.contact_id}`);
    expect(await within(drawer).findByText("Created in New")).toBeInTheDocument();

    await user.clear(title);
    await user.type(title, "Padaria Central — 2 lojas");
    await user.click(within(drawer).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(patches).toEqual([{ title: "Padaria Central — 2 lojas", expected_version: 1 }]));
    expect(await screen.findByText("Lead saved")).toBeInTheDocument();
  });

  it("edits the lead's tags and custom fields, and shows the crm's word under a field", async () => {
    const VIP = { id: "7a000000-0000-4000-8000-000000000001", name: "VIP", color: "#22c55e" };
    const HOT = { id: "7a000000-0000-4000-8000-000000000002", name: "Hot", color: "#ef4444" };
    const deal = lead(NEW, { title: "Padaria Central", tags: [VIP], fields: { plan: "gold" } });
    const patches: Record<string, unknown>[] = [];
    api({
      "GET /api/v1/tags": () => json({ items: [VIP, HOT], next_cursor: null }),
      "GET /api/v1/custom-fields": () =>
        json({
          items: [
            field({ key: "plan", label: "Plan", kind: "select", options: ["gold", "silver"] }),
            field({ key: "stores", label: "Stores", kind: "number" }),
          ],
        }),
      [`GET ${base}/board`]: () => json(board(STAGES, { [NEW.id]: [deal] })),
      [`GET ${base}/stages/${NEW.id}/leads`]: () => json({ items: [deal], next_cursor: null }),
      [`GET ${base}/stages/${LOST.id}/leads`]: () => json({ items: [], next_cursor: null }),
      [`GET ${base}/stages/${WON.id}/leads`]: () => json({ items: [], next_cursor: null }),
      [`GET /api/v1/leads/${deal.id}`]: () => json(deal),
      [`GET /api/v1/leads/${deal.id}/history`]: () => json({ items: [], next_cursor: null }),
      [`PATCH /api/v1/leads/${deal.id}`]: async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        if (patches.length === 1) {
          return json(
            {
              type: "about:blank",
              title: "Invalid field value",
              status: 422,
              code: "invalid_field_value",
              detail: "stores: must be at most 1000",
              errors: [{ loc: ["body", "fields", "stores"], msg: "must be at most 1000", type: "invalid_field_value" }],
            },
            422,
          );
        }
        return json({ ...deal, tags: [VIP, HOT], fields: { plan: "silver", stores: 12 }, version: 2 });
      },
    });
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: /Padaria Central/ }, SLOW));
    const drawer = await screen.findByRole("dialog");
    /** The option of this select's own list (the board's filters have lists too). */
    const choose = async (input: HTMLElement, option: string) => {
      await user.click(input);
      const list = await waitFor(() => {
        const element = document.getElementById(input.getAttribute("aria-controls") ?? "");
        if (!element) throw new Error("no options");
        return element;
      });
      await user.click(await within(list).findByRole("option", { name: option, hidden: true }));
    };
    await choose(await within(drawer).findByRole("textbox", { name: "Tags" }), "Hot");
    const plan = await within(drawer).findByRole("textbox", { name: "Plan" }, SLOW);
    expect(plan).toHaveValue("gold");
    await choose(plan, "silver");
    await user.type(within(drawer).getByRole("textbox", { name: "Stores" }), "5000");
    await user.click(within(drawer).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(patches[0]).toEqual({ tag_ids: [VIP.id, HOT.id], fields: { plan: "silver", stores: 5000 }, expected_version: 1 }),
    );
    expect(await within(drawer).findByText("must be at most 1000")).toBeInTheDocument();

    const stores = within(drawer).getByRole("textbox", { name: "Stores" });
    await user.clear(stores);
    await user.type(stores, "12");
    await user.click(within(drawer).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(patches[1]).toEqual({ tag_ids: [VIP.id, HOT.id], fields: { plan: "silver", stores: 12 }, expected_version: 1 }),
    );
    expect(await screen.findByText("Lead saved")).toBeInTheDocument();
  });

  it("lists the pipeline's leads sorted on the server by the header chosen", async () => {
    const asked: URLSearchParams[] = [];
    api({
      [`GET ${base}/board`]: () => json(board(STAGES, {})),
      "GET /api/v1/leads": (request) => {
        const params = new URL(request.url).searchParams;
        asked.push(params);
        return json({
          items: [lead(NEW, { title: "Padaria Central", value: "1500.00" }), lead(LOST, { title: "Mercado Bom" })],
          next_cursor: params.get("cursor") ? null : "page-2",
        });
      },
    });
    renderApp(`/pipelines/${PIPELINE_ID}?view=list`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Leads" }, SLOW);
    expect(within(table).getByRole("button", { name: "Padaria Central" })).toBeInTheDocument();
    expect(within(table).getByText("R$1,500.00")).toBeInTheDocument();
    expect(within(table).getByText("Lost")).toBeInTheDocument();
    expect(asked.at(-1)?.get("pipeline_id")).toBe(PIPELINE_ID);
    expect(asked.at(-1)?.get("sort")).toBe("-created_at");

    await user.click(within(table).getByRole("button", { name: "Sort by Value" }));
    await waitFor(() => expect(asked.at(-1)?.get("sort")).toBe("-value"));
    await user.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(asked.at(-1)?.get("cursor")).toBe("page-2"));
    expect(asked.at(-1)?.get("sort")).toBe("-value");
  });

  it("sends a company without pipelines to the settings", async () => {
    api({ "GET /api/v1/pipelines": () => json({ items: [], next_cursor: null }) });
    renderApp("/pipelines");
    expect(await screen.findByRole("heading", { name: "No pipelines yet" }, SLOW)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Set up pipelines" })).toHaveAttribute("href", "/settings/pipelines");
  });
});

describe("pipelines settings", { timeout: 30_000 }, () => {
  it("adds a pipeline, renames a stage, moves it and deletes one moving its leads", async () => {
    const requests: { method: string; path: string; body: unknown; query: string }[] = [];
    const record: Handler = async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      requests.push({ method: request.method, path: url.pathname, body: text ? JSON.parse(text) : null, query: url.search });
      return request.method === "DELETE" ? new Response(null, { status: 204 }) : json({});
    };
    api({
      "POST /api/v1/pipelines": record,
      [`PATCH ${base}/stages/${NEW.id}`]: record,
      [`PATCH ${base}/stages/${LOST.id}`]: record,
      [`DELETE ${base}/stages/${NEW.id}`]: record,
    });
    renderApp("/settings/pipelines");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const section = await screen.findByRole("region", { name: "Stages of Sales" }, SLOW);
    const names = within(section).getAllByRole("textbox", { name: "Stage name" });
    await user.clear(names[0]!);
    await user.type(names[0]!, "Qualified");
    await user.click(within(section).getByRole("button", { name: "Save New" }));
    await waitFor(() => expect(requests.at(-1)).toMatchObject({ method: "PATCH", body: { name: "Qualified" } }));

    await user.click(within(section).getByRole("button", { name: "Move Lost up" }));
    await waitFor(() => expect(requests.at(-1)).toMatchObject({ path: `${base}/stages/${LOST.id}`, body: { position: 0 } }));

    await user.click(within(section).getByRole("button", { name: "Delete New" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete the stage New" }, SLOW);
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(requests.at(-1)).toMatchObject({ method: "DELETE", query: `?move_to_stage_id=${LOST.id}` }));

    await user.type(screen.getByRole("textbox", { name: "Name of the new pipeline" }), "Support");
    await user.click(screen.getByRole("button", { name: "Add a pipeline" }));
    await waitFor(() => expect(requests.at(-1)).toMatchObject({ method: "POST", body: { name: "Support" } }));
  });
});

describe("the inbox's lead panel", { timeout: 30_000 }, () => {
  it("shows the contact's leads, changes a stage and adds a lead for the conversation", async () => {
    const maria = conversation();
    const deal = lead(NEW, { title: "Padaria Central", contact_id: maria.contact.id });
    const sent: { method: string; body: unknown }[] = [];
    const conversationBase = `/api/v1/inbox/conversations/${maria.id}`;
    api({
      "GET /api/v1/inbox/conversations": () => json({ items: [maria], next_cursor: null }),
      [`GET ${conversationBase}`]: () => json(maria),
      [`GET ${conversationBase}/messages`]: () => json({ items: [message("m1", "Oi")], next_cursor: null }),
      [`POST ${conversationBase}/read`]: () => json(maria),
      "GET /api/v1/leads": (request) => {
        expect(new URL(request.url).searchParams.get("contact_id")).toBe(maria.contact.id);
        return json({ items: [deal], next_cursor: null });
      },
      [`POST /api/v1/leads/${deal.id}/move`]: async (request) => {
        const body = await request.json();
        sent.push({ method: "MOVE", body });
        return json({ ...deal, stage_id: NEW.id, version: 2 });
      },
      "POST /api/v1/leads": async (request) => {
        const body = await request.json();
        sent.push({ method: "POST", body });
        return json(lead(NEW, { title: "Nova loja" }));
      },
    });
    renderApp(`/inbox?conversation=${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: /^Leads/ }, SLOW));
    expect(await screen.findByRole("link", { name: "Open Padaria Central on the board" }, SLOW)).toHaveAttribute(
      "href",
      `/pipelines/${PIPELINE_ID}?lead=${deal.id}`,
    );
    const stageSelect = await screen.findByRole("textbox", { name: "Stage of Padaria Central" }, SLOW);
    await waitFor(() => expect(stageSelect).toBeEnabled());
    await user.click(stageSelect);
    await user.click(await screen.findByRole("option", { name: "Won" }, SLOW));
    await waitFor(() => expect(sent).toEqual([{ method: "MOVE", body: { stage_id: WON.id, expected_version: 1 } }]));

    await user.click(screen.getByRole("button", { name: "Add a lead" }));
    await user.type(screen.getByRole("textbox", { name: "Title" }), "Nova loja");
    await user.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() =>
      expect(sent.at(-1)).toEqual({
        method: "POST",
        body: { pipeline_id: PIPELINE_ID, title: "Nova loja", contact_id: maria.contact.id, conversation_id: maria.id },
      }),
    );
  });
});
