// "New lead" from a column of the board and from the list view: the contact picked with the
// keyboard from the contact search, the stage from where the form was opened, and the new
// card in its column without a reload.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { contact } from "../contacts/fixtures";
import type { LeadDetail } from "./api";
import { PIPELINE_ID, board, lead, pipeline, stage } from "./fixtures";
import { SLOW, renderApp } from "./testing";

const NEW = stage({ name: "New", probability: 10, position: 0 });
const PROPOSAL = stage({ name: "Proposal", probability: 50, position: 1 });
const LOST = stage({ name: "Lost", probability: 0, position: 2, kind: "lost" });
const STAGES = [NEW, PROPOSAL, LOST];
const base = `/api/v1/pipelines/${PIPELINE_ID}`;

const ana = contact({ name: "Ana Souza", phone: "+5511987650001" });
const bruno = contact({ name: "Bruno Lima", phone: "+5511987650002" });
const existing = lead(NEW, { title: "Padaria Central" });

function api(overrides: Record<string, Handler> = {}) {
  const created: LeadDetail[] = [];
  const posted: Record<string, unknown>[] = [];
  const searches: string[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/pipelines": () => json({ items: [pipeline(STAGES)], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tags": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/custom-fields": () => json({ items: [] }),
    [`GET ${base}/board`]: () =>
      json(
        board(
          STAGES,
          Object.fromEntries(
            STAGES.map((item) => [
              item.id,
              [...created.filter((card) => card.stage_id === item.id), ...(item.id === NEW.id ? [existing] : [])],
            ]),
          ),
        ),
      ),
    ...Object.fromEntries(
      STAGES.map((item) => [
        `GET ${base}/stages/${item.id}/leads`,
        () =>
          json({
            items: [...created.filter((card) => card.stage_id === item.id), ...(item.id === NEW.id ? [existing] : [])],
            next_cursor: null,
          }),
      ]),
    ),
    "GET /api/v1/leads": () => json({ items: [...created, existing], next_cursor: null }),
    "GET /api/v1/contacts": (request) => {
      const q = new URL(request.url).searchParams.get("q") ?? "";
      searches.push(q);
      return json({
        items: [ana, bruno].filter((item) => item.name!.toLowerCase().includes(q.toLowerCase())),
        next_cursor: null,
      });
    },
    "POST /api/v1/leads": async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      posted.push(body);
      const stageOf = STAGES.find((item) => item.id === body.stage_id) ?? NEW;
      const made = lead(stageOf, {
        title: body.title as string,
        value: Number(body.value).toFixed(2),
        currency: body.currency as LeadDetail["currency"],
        contact_id: body.contact_id as string,
        contact: { id: body.contact_id as string, name: "Ana Souza", phone: ana.phone },
      });
      created.push(made);
      return json(made, 201);
    },
    ...overrides,
  });
  return { created, posted, searches };
}

afterEach(() => endSession());

describe("new lead", { timeout: 30_000 }, () => {
  it("creates a lead in the column it was opened from, the contact picked with the keyboard", async () => {
    const { posted, searches } = api();
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const proposal = await screen.findByRole("region", { name: "Proposal" }, SLOW);
    await user.click(within(proposal).getByRole("button", { name: "New lead in Proposal" }));
    const dialog = await screen.findByRole("dialog", { name: "New lead" });
    expect(within(dialog).getByRole("textbox", { name: "Stage" })).toHaveValue("Proposal");

    // The contact: typed, found by the contact search, chosen with the arrows and enter.
    const picker = within(dialog).getByRole("textbox", { name: "Contact" });
    await user.click(picker);
    await user.type(picker, "ana");
    await waitFor(() => expect(searches).toContain("ana"));
    await within(document.body).findByRole("option", { name: "Ana Souza · +5511987650001", hidden: true });
    await user.keyboard("{ArrowDown}{Enter}");
    await waitFor(() => expect(picker).toHaveValue("Ana Souza · +5511987650001"));

    await user.type(within(dialog).getByRole("textbox", { name: "Title" }), "Loja nova");
    await user.type(within(dialog).getByRole("textbox", { name: "Value" }), "2500");
    await user.click(within(dialog).getByRole("button", { name: "Create the lead" }));

    await waitFor(() =>
      expect(posted).toEqual([
        {
          contact_id: ana.id,
          title: "Loja nova",
          pipeline_id: PIPELINE_ID,
          stage_id: PROPOSAL.id,
          value: "2500",
          currency: "BRL",
          owner_user_id: null,
        },
      ]),
    );
    // The card is in its column, the totals count it; the board was not left.
    expect(await within(proposal).findByText("Loja nova")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "New lead" })).not.toBeInTheDocument());
    expect(await within(proposal).findByText(/1 lead · Total R\$2,500\.00/)).toBeInTheDocument();
    expect(screen.getByText("Lead “Loja nova” created")).toBeInTheDocument();
  });

  it("asks for a contact and a title, and a lost reason in a lost stage", async () => {
    const { posted } = api();
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "New lead" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "New lead" });
    // Opened from the header: the first open stage.
    expect(within(dialog).getByRole("textbox", { name: "Stage" })).toHaveValue("New");
    await user.click(within(dialog).getByRole("button", { name: "Create the lead" }));
    expect(await within(dialog).findByText("Choose the lead's contact")).toBeInTheDocument();
    expect(within(dialog).getByText("Give the lead a title")).toBeInTheDocument();

    await user.click(within(dialog).getByRole("textbox", { name: "Stage" }));
    await user.click(await screen.findByRole("option", { name: "Lost", hidden: true }));
    expect(await within(dialog).findByText("Say why the deal was lost")).toBeInTheDocument();
    expect(posted).toEqual([]);
  });

  it("says why the crm refused, and keeps the form", async () => {
    api({ "POST /api/v1/leads": () => problem(403, "an agent may name only themselves", "owner_not_allowed") });
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "New lead" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "New lead" });
    const picker = within(dialog).getByRole("textbox", { name: "Contact" });
    await user.type(picker, "bru");
    await user.click(await screen.findByRole("option", { name: "Bruno Lima · +5511987650002", hidden: true }));
    await user.type(within(dialog).getByRole("textbox", { name: "Title" }), "Outra");
    await user.click(within(dialog).getByRole("button", { name: "Create the lead" }));

    expect(await screen.findByText("an agent may name only themselves")).toBeInTheDocument();
    expect(screen.getByRole("dialog", { name: "New lead" })).toBeInTheDocument();
  });

  it("creates a lead from the list view, which lists it", async () => {
    const { posted } = api();
    renderApp(`/pipelines/${PIPELINE_ID}?view=list`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Leads" }, SLOW);
    await user.click(screen.getByRole("button", { name: "New lead" }));
    const dialog = await screen.findByRole("dialog", { name: "New lead" });
    const picker = within(dialog).getByRole("textbox", { name: "Contact" });
    await user.type(picker, "ana");
    await user.click(await screen.findByRole("option", { name: "Ana Souza · +5511987650001", hidden: true }));
    await user.type(within(dialog).getByRole("textbox", { name: "Title" }), "Pelo quadro em lista");
    await user.click(within(dialog).getByRole("button", { name: "Create the lead" }));

    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toMatchObject({ stage_id: NEW.id, contact_id: ana.id });
    expect(await within(table).findByRole("button", { name: "Pelo quadro em lista" })).toBeInTheDocument();
  });
});
