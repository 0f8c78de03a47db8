import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { whatsappAccount } from "../connections/fixtures";
import { pipeline, stage } from "../pipelines/fixtures";
import { knowledgeBase, modelSettings, persona } from "./fixtures";
import { pick } from "./testing";

afterEach(() => endSession());

const BASE = knowledgeBase({ name: "Perguntas frequentes" });
const NUMBER = whatsappAccount({ display_name: "Vendas" });
const NEW = stage({ name: "Novo", position: 0 });
const PROPOSAL = stage({ name: "Proposta", position: 1 });
const SALES = pipeline([PROPOSAL, NEW]);
const FINANCE = {
  id: "7d4f7c1e-6a39-4d7e-9a0e-2f0b4b1c9e11",
  name: "Financeiro",
  description: null,
  member_ids: [],
  created_at: "2026-12-01T12:00:00Z",
  updated_at: "2026-12-01T12:00:00Z",
};

function editorApi(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () => json({ items: [NUMBER], next_cursor: null }),
    "GET /api/v1/ai/knowledge-bases": () => json({ items: [BASE], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/ai/personas": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/pipelines": () => json({ items: [SALES], next_cursor: null }),
    "GET /api/v1/teams": () => json({ items: [FINANCE], next_cursor: null }),
    "GET /api/v1/ai/model": () => json(modelSettings({ chat_model: "gpt-4o-mini" })),
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

  it("gives the persona its own model, a temperature and lead rules on the crm's stages", async () => {
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
    const model = screen.getByRole("textbox", { name: "Model" });
    expect(await screen.findByText(/Empty: the company's chat model \(gpt-4o-mini\)/)).toBeInTheDocument();
    await user.type(model, "gpt-4.1");
    const temperature = screen.getByRole("textbox", { name: "Temperature" });
    await user.clear(temperature);
    await user.type(temperature, "0.7");
    await user.click(screen.getByRole("button", { name: "Add a rule" }));
    await pick("Stage of rule 1", "Proposta (Sales)");
    await user.type(screen.getByRole("textbox", { name: "Words of rule 1" }), "orçamento{Enter}quanto custa,");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toMatchObject({
      model: "gpt-4.1",
      temperature: 0.7,
      stage_rules: [{ stage_id: PROPOSAL.id, keywords: ["orçamento", "quanto custa"] }],
    });
  });

  it("refuses a lead rule without a stage or without words before asking the service", async () => {
    const seen: string[] = [];
    editorApi({ "POST /api/v1/ai/personas": () => (seen.push("post"), json({}, 500)) });
    renderApp("/ai/personas/new");
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Name" }), "Sofia");
    await user.click(screen.getByRole("button", { name: "Add a rule" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Choose the stage")).toBeInTheDocument();
    expect(screen.getByText("Add at least one word")).toBeInTheDocument();
    expect(seen).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Remove rule 1" }));
    expect(screen.queryByRole("textbox", { name: "Words of rule 1" })).not.toBeInTheDocument();
  });

  it("puts the service's 422 on the rule's words, and sends an emptied model as the company's", async () => {
    const mine = persona({
      name: "Sofia",
      model: "gpt-4.1",
      temperature: 0.9,
      stage_rules: [{ stage_id: NEW.id, keywords: ["oi"] }],
    });
    const patches: Record<string, unknown>[] = [];
    editorApi({
      [`GET /api/v1/ai/personas/${mine.id}`]: () => json(mine),
      [`PATCH /api/v1/ai/personas/${mine.id}`]: async (request) => {
        patches.push(await request.json());
        return json(
          {
            type: "about:blank",
            title: "Unprocessable",
            status: 422,
            detail: "the request does not match the schema",
            code: "validation_error",
            errors: [{ loc: ["body", "stage_rules", 0, "keywords", 0], msg: "String should have at least 2 characters" }],
          },
          422,
        );
      },
    });
    renderApp(`/ai/personas/${mine.id}`);
    const user = setup();

    const model = await screen.findByRole("textbox", { name: "Model" });
    expect(model).toHaveValue("gpt-4.1");
    // The crm's pipelines may arrive after the persona.
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Stage of rule 1" })).toHaveValue("Novo (Sales)"));
    await user.clear(model);
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("String should have at least 2 characters")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Words of rule 1" })).toHaveAttribute("aria-invalid", "true");
    expect(patches[0]).toMatchObject({
      model: null,
      temperature: 0.9,
      stage_rules: [{ stage_id: NEW.id, keywords: ["oi"] }],
    });
  });

  it("shows an agent the model and the lead rules (a deleted stage as such) without a way to change them", async () => {
    const gone = "5a5a5a5a-0000-4000-8000-00000000dead";
    const mine = persona({
      name: "Sofia",
      model: "gpt-4.1",
      stage_rules: [
        { stage_id: PROPOSAL.id, keywords: ["preço"] },
        { stage_id: gone, keywords: ["cancelar"] },
      ],
    });
    editorApi({
      "GET /api/v1/me": () => json({ ...ME, role: "agent", user: { ...ME.user, role: "agent" } }),
      [`GET /api/v1/ai/personas/${mine.id}`]: () => json(mine),
    });
    renderApp(`/ai/personas/${mine.id}`);

    expect(await screen.findByRole("textbox", { name: "Model" })).toBeDisabled();
    expect(screen.getByRole("textbox", { name: "Temperature" })).toBeDisabled();
    // The crm's pipelines may arrive after the persona.
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Stage of rule 1" })).toHaveValue("Proposta (Sales)"));
    expect(screen.getByText("preço")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Stage of rule 2" })).toHaveValue("A stage that no longer exists");
    expect(screen.queryByRole("button", { name: "Add a rule" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Remove rule 1" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
  });

  it("hands conversations off to the team picked", async () => {
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
    await pick("Team whose queue it joins", "Financeiro");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]).toMatchObject({ handoff_team_id: FINANCE.id, handoff_user_id: null });
  });

  it("keeps the team as it is when the teams could not be loaded", async () => {
    editorApi({ "GET /api/v1/teams": () => problem(503, "gateway busy", "unavailable") });
    renderApp("/ai/personas/new");

    expect(await screen.findByText("The teams could not be loaded; the team stays as it is.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Team whose queue it joins" })).toBeDisabled();
  });

  it("says when the crm's pipelines could not be loaded rather than that there are none", async () => {
    editorApi({ "GET /api/v1/pipelines": () => problem(503, "crm unavailable", "upstream_unavailable") });
    renderApp("/ai/personas/new");

    expect(await screen.findByText("The pipelines could not be loaded, so no stage can be chosen now.")).toBeInTheDocument();
    expect(screen.queryByText(/No pipelines yet/)).not.toBeInTheDocument();
  });
});
