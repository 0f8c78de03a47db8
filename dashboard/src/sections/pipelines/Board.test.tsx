import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import i18n from "../../i18n";
import { lastSocket } from "../../live/fakeSocket";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import type { LeadDetail as Lead } from "./api";
import { PIPELINE_ID, board, lead, pipeline, stage } from "./fixtures";
import { SLOW, layOutBoard, renderApp } from "./testing";

const NEW = stage({ name: "New", probability: 10, position: 0 });
const PROPOSAL = stage({ name: "Proposal", probability: 50, position: 1, rotting_days: 7 });
const WON = stage({ name: "Won", probability: 100, position: 2, kind: "won" });
const STAGES = [NEW, PROPOSAL, WON];

const base = `/api/v1/pipelines/${PIPELINE_ID}`;

interface Recorded {
  moves: { id: string; body: unknown }[];
  boards: number;
  columns: string[];
}

function boardApi(cards: Record<string, Lead[]>, overrides: Record<string, Handler> = {}, cursors: Record<string, string> = {}) {
  const recorded: Recorded = { moves: [], boards: 0, columns: [] };
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/pipelines": () => json({ items: [pipeline(STAGES)], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tags": () => json({ items: [], next_cursor: null }),
    [`GET ${base}/board`]: () => {
      recorded.boards += 1;
      return json(board(STAGES, cards, cursors));
    },
    ...Object.fromEntries(
      STAGES.map((item) => [
        `GET ${base}/stages/${item.id}/leads`,
        (request: Request) => {
          recorded.columns.push(item.name);
          const cursor = new URL(request.url).searchParams.get("cursor");
          return (overrides[`page ${item.name} ${cursor ?? ""}`] ?? (() => json({ items: cards[item.id] ?? [], next_cursor: null })))(request);
        },
      ]),
    ),
    ...overrides,
  });
  return recorded;
}

/** What @dnd-kit tells screen readers. */
function liveRegion() {
  return document.querySelector('[id^="DndLiveRegion"]');
}

function column(name: string) {
  return screen.getByRole("region", { name });
}

let restoreLayout: () => void = () => {};
beforeEach(() => {
  restoreLayout = layOutBoard();
});
afterEach(() => {
  restoreLayout();
  endSession();
});

describe("pipeline board", { timeout: 30_000 }, () => {
  it("shows a column per stage with its count, total and weighted total, and its cards", async () => {
    const a = lead(NEW, { title: "Padaria Central", value: "1000.00", contact: { id: "c1", name: "Ana Souza", phone: null } });
    const b = lead(NEW, { title: "Mercado Bom", value: "500.00" });
    const c = lead(PROPOSAL, { title: "Loja Azul", value: "200.00", rotting: true });
    boardApi({ [NEW.id]: [a, b], [PROPOSAL.id]: [c] });
    renderApp(`/pipelines/${PIPELINE_ID}`);

    const first = await screen.findByRole("region", { name: "New" }, SLOW);
    expect(within(first).getByText(/2 leads · Total R\$1,500\.00 · Weighted R\$150\.00/)).toBeInTheDocument();
    expect(within(first).getByText("Padaria Central")).toBeInTheDocument();
    expect(within(first).getByText("Ana Souza")).toBeInTheDocument();
    const second = column("Proposal");
    expect(within(second).getByText(/1 lead · Total R\$200\.00 · Weighted R\$100\.00/)).toBeInTheDocument();
    expect(within(second).getByText("Rotting")).toBeInTheDocument();
    expect(within(column("Won")).getByText("No leads")).toBeInTheDocument();
    expect(within(column("Won")).getAllByText("Won").length).toBeGreaterThan(0);
  });

  it("moves a card to the next column with the keyboard: one request naming its new neighbours", async () => {
    const a = lead(NEW, { title: "Padaria Central", position: "a0", version: 3 });
    const c = lead(PROPOSAL, { title: "Loja Azul", position: "a0" });
    const d = lead(PROPOSAL, { title: "Casa Verde", position: "a1" });
    const recorded = boardApi(
      { [NEW.id]: [a], [PROPOSAL.id]: [c, d] },
      {
        [`POST /api/v1/leads/${a.id}/move`]: async (request) => {
          const body = await request.json();
          recorded.moves.push({ id: a.id, body });
          return json({ ...a, stage_id: PROPOSAL.id, position: "Zz", version: 4 });
        },
      },
    );
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const card = await screen.findByRole("button", { name: /Padaria Central/ }, SLOW);

    card.focus();
    await user.keyboard("[Space]");
    await waitFor(() => expect(liveRegion()).toHaveTextContent("Lead Padaria Central is over New, position 1 of 1."));
    await user.keyboard("[ArrowRight]");
    await user.keyboard("[Space]");

    await waitFor(() => expect(recorded.moves).toHaveLength(1));
    expect(recorded.moves[0]!.body).toEqual({
      stage_id: PROPOSAL.id,
      after_id: null,
      before_id: c.id,
      expected_version: 3,
    });
    await waitFor(() => expect(within(column("Proposal")).getByText("Padaria Central")).toBeInTheDocument());
    expect(within(column("New")).queryByText("Padaria Central")).not.toBeInTheDocument();
    expect(screen.getByText(/Padaria Central was dropped in Proposal, position 1 of 3/)).toBeInTheDocument();
  });

  it("speaks Brazilian Portuguese: totals, instructions and announcements", async () => {
    const a = lead(NEW, { title: "Padaria Central", value: "1000.00" });
    boardApi({ [NEW.id]: [a] });
    await i18n.changeLanguage("pt-BR");
    try {
      renderApp(`/pipelines/${PIPELINE_ID}`);
      const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
      const first = await screen.findByRole("region", { name: "New" }, SLOW);
      expect(within(first).getByText(/1 negócio · Total R\$\s?1\.000,00 · Ponderado R\$\s?100,00/)).toBeInTheDocument();
      expect(screen.getByText(/Para pegar um negócio, pressione espaço/)).toBeInTheDocument();
      (await screen.findByRole("button", { name: /Padaria Central/ }, SLOW)).focus();
      await user.keyboard("[Space]");
      await waitFor(() => expect(liveRegion()).toHaveTextContent("Negócio Padaria Central sobre New, posição 1 de 1."));
      await user.keyboard("[Escape]");
      await waitFor(() => expect(liveRegion()).toHaveTextContent("A movimentação do negócio Padaria Central foi cancelada."));
    } finally {
      await i18n.changeLanguage("en");
    }
  });

  it("moves a card down within its column after the card below it", async () => {
    const a = lead(NEW, { title: "Padaria Central", position: "a0" });
    const b = lead(NEW, { title: "Mercado Bom", position: "a1" });
    const c = lead(NEW, { title: "Loja Azul", position: "a2" });
    const recorded = boardApi(
      { [NEW.id]: [a, b, c] },
      {
        [`POST /api/v1/leads/${a.id}/move`]: async (request) => {
          recorded.moves.push({ id: a.id, body: await request.json() });
          return json({ ...a, position: "a1V", version: 2 });
        },
      },
    );
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    (await screen.findByRole("button", { name: /Padaria Central/ }, SLOW)).focus();

    await user.keyboard("[Space]");
    await user.keyboard("[ArrowDown]");
    await user.keyboard("[Space]");

    await waitFor(() => expect(recorded.moves).toHaveLength(1));
    expect(recorded.moves[0]!.body).toMatchObject({ stage_id: NEW.id, after_id: b.id, before_id: c.id });
    const titles = within(column("New"))
      .getAllByRole("button")
      .filter((button) => button.getAttribute("aria-label") !== "New lead in New")
      .map((button) => button.textContent);
    expect(titles[0]).toContain("Mercado Bom");
    expect(titles[1]).toContain("Padaria Central");
  });

  it("shows the move at once and takes it back when the crm refuses a stale position", async () => {
    const a = lead(NEW, { title: "Padaria Central", value: "1000.00" });
    const c = lead(PROPOSAL, { title: "Loja Azul", value: "200.00" });
    let answer: (response: Response) => void = () => {};
    const recorded = boardApi(
      { [NEW.id]: [a], [PROPOSAL.id]: [c] },
      {
        [`POST /api/v1/leads/${a.id}/move`]: () => new Promise<Response>((resolve) => (answer = resolve)),
      },
    );
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    (await screen.findByRole("button", { name: /Padaria Central/ }, SLOW)).focus();
    const boardsBefore = recorded.boards;

    await user.keyboard("[Space]");
    await user.keyboard("[ArrowRight]");
    await user.keyboard("[Space]");

    // Optimistic: in its new column, totals moved with it, before the crm answers.
    await waitFor(() => expect(within(column("Proposal")).getByText("Padaria Central")).toBeInTheDocument());
    expect(within(column("Proposal")).getByText(/2 leads · Total R\$1,200\.00/)).toBeInTheDocument();
    expect(within(column("New")).getByText(/0 leads/)).toBeInTheDocument();

    act(() => answer(problem(409, "the card moved meanwhile", "stale_position")));

    expect(await screen.findByText(/Someone else moved cards in this column/)).toBeInTheDocument();
    await waitFor(() => expect(within(column("New")).getByText("Padaria Central")).toBeInTheDocument());
    expect(within(column("Proposal")).queryByText("Padaria Central")).not.toBeInTheDocument();
    // The board refetches: the crm's order wins.
    await waitFor(() => expect(recorded.boards).toBeGreaterThan(boardsBefore));
  });

  it("refetches the columns a live lead event touched, not the others", async () => {
    const a = lead(NEW, { title: "Padaria Central" });
    const cards: Record<string, Lead[]> = { [NEW.id]: [a], [PROPOSAL.id]: [] };
    const recorded = boardApi(cards);
    renderApp(`/pipelines/${PIPELINE_ID}`);
    await screen.findByRole("button", { name: /Padaria Central/ }, SLOW);
    act(() => lastSocket().open());
    expect(lastSocket().url.searchParams.get("topics")?.split(",")).toContain("leads.events.v1");

    // Someone else moves the card to Proposal.
    cards[NEW.id] = [];
    cards[PROPOSAL.id] = [{ ...a, stage_id: PROPOSAL.id, version: 2 }];
    recorded.columns.length = 0;
    act(() =>
      lastSocket().receive({
        id: "evt-lead-1",
        type: "lead.stage_changed",
        topic: "leads.events.v1",
        tenantid: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
        time: new Date().toISOString(),
        data: {
          type: "lead.stage_changed",
          lead: { id: a.id, pipeline_id: PIPELINE_ID, stage_id: PROPOSAL.id, title: a.title, position: "a0" },
          from_stage_id: NEW.id,
          occurred_at: new Date().toISOString(),
        },
      }),
    );

    await waitFor(() => expect(within(column("Proposal")).getByText("Padaria Central")).toBeInTheDocument());
    expect(within(column("New")).queryByText("Padaria Central")).not.toBeInTheDocument();
    expect([...recorded.columns].sort()).toEqual(["New", "Proposal"]);
  });

  it("loads a column's next page", async () => {
    const a = lead(NEW, { title: "Padaria Central" });
    const b = lead(NEW, { title: "Mercado Bom", position: "a1" });
    boardApi(
      { [NEW.id]: [a] },
      { [`page New page-2`]: () => json({ items: [b], next_cursor: null }) },
      { [NEW.id]: "page-2" },
    );
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("button", { name: /Padaria Central/ }, SLOW);

    await user.click(within(column("New")).getByRole("button", { name: "Load more" }));

    expect(await within(column("New")).findByText("Mercado Bom")).toBeInTheDocument();
    expect(within(column("New")).queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("sends the filters and the search to the board", async () => {
    const asked: URLSearchParams[] = [];
    boardApi(
      {},
      {
        [`GET ${base}/board`]: (request) => {
          asked.push(new URL(request.url).searchParams);
          return json(board(STAGES, {}));
        },
      },
    );
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("region", { name: "New" }, SLOW);

    await user.click(screen.getByRole("switch", { name: "Only rotting leads" }));
    await user.type(screen.getByRole("textbox", { name: "Search leads" }), "padaria");

    await waitFor(() => expect(asked.at(-1)?.get("q")).toBe("padaria"));
    expect(asked.at(-1)?.get("rotting")).toBe("true");
  });
});

describe("a move into a lost stage", { timeout: 30_000 }, () => {
  it("asks why the deal was lost and sends the reason with the move", async () => {
    const LOST = stage({ name: "Lost", probability: 0, position: 1, kind: "lost" });
    const stages = [NEW, LOST];
    const a = lead(NEW, { title: "Padaria Central" });
    const moves: unknown[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/pipelines": () => json({ items: [pipeline(stages)], next_cursor: null }),
      "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tags": () => json({ items: [], next_cursor: null }),
      [`GET ${base}/board`]: () => json(board(stages, { [NEW.id]: [a] })),
      [`GET ${base}/stages/${NEW.id}/leads`]: () => json({ items: [a], next_cursor: null }),
      [`GET ${base}/stages/${LOST.id}/leads`]: () => json({ items: [], next_cursor: null }),
      [`POST /api/v1/leads/${a.id}/move`]: async (request) => {
        moves.push(await request.json());
        return json({ ...a, stage_id: LOST.id, lost_reason: "Too expensive", version: 2 });
      },
    });
    renderApp(`/pipelines/${PIPELINE_ID}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    (await screen.findByRole("button", { name: /Padaria Central/ }, SLOW)).focus();

    await user.keyboard("[Space]");
    await user.keyboard("[ArrowRight]");
    await user.keyboard("[Space]");

    const dialog = await screen.findByRole("dialog", { name: "Padaria Central to Lost" });
    expect(moves).toEqual([]);
    await user.type(within(dialog).getByRole("textbox", { name: "Lost reason" }), "Too expensive");
    await user.click(within(dialog).getByRole("button", { name: "Move" }));

    await waitFor(() =>
      expect(moves).toEqual([
        { stage_id: LOST.id, after_id: null, before_id: null, expected_version: 1, lost_reason: "Too expensive" },
      ]),
    );
  });
});
