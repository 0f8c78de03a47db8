import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { modelSettings, persona, usage } from "./fixtures";

afterEach(() => endSession());

const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

describe("model and usage", { timeout: 30_000 }, () => {
  it("shows the saved key only by its last four, keeps it when left empty, and shows the provider's error on a test", async () => {
    const puts: Record<string, unknown>[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/model": () => json(modelSettings()),
      "GET /api/v1/ai/usage": () => json(usage()),
      "PUT /api/v1/ai/model": async (request) => {
        const body = await request.json();
        puts.push(body);
        return json(modelSettings({ chat_model: body.chat_model, version: 2 }));
      },
      "POST /api/v1/ai/model/test": () => problem(502, "Incorrect API key provided: sk-...x9Qz", "model_provider_error"),
    });
    renderApp("/ai/model");
    const user = setup();

    // The first render loads the page's chunk: slow on a busy machine.
    expect(await screen.findByText(/Saved key ends in x9Qz/, {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByLabelText("API key")).toHaveValue("");
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    const failed = await screen.findByRole("alert");
    expect(failed).toHaveTextContent("The model did not answer");
    expect(failed).toHaveTextContent("Incorrect API key provided: sk-...x9Qz");

    const model = screen.getByRole("textbox", { name: "Chat model" });
    await user.clear(model);
    await user.type(model, "gpt-4.1-mini");
    await user.click(screen.getByRole("button", { name: "Save the model" }));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toMatchObject({ base_url: "https://api.openai.com/v1", chat_model: "gpt-4.1-mini", monthly_budget_usd: 50 });
    expect(puts[0]).not.toHaveProperty("api_key");
  });

  it("says when there is no model, and shows the usage totals and the chart by day", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/model": () => problem(404, "no model", "model_not_configured"),
      "GET /api/v1/ai/usage": () => json(usage()),
    });
    renderApp("/ai/model");

    expect(await screen.findByText(/No model yet/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Test connection" })).toBeDisabled();
    expect(await screen.findByText("Model calls")).toBeInTheDocument();
    expect(screen.getByText("42")).toBeInTheDocument();
    expect(screen.getByText("$49.9997")).toBeInTheDocument();
    const chart = screen.getByRole("img", { name: "Cost by day, last 30 days" });
    expect(within(chart).getByText("2026-11-30: $0.012, 40 calls")).toBeInTheDocument();
  });

  it("lets an agent read the settings but not change them", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/me": () => json({ ...ME, role: "agent", user: { ...ME.user, role: "agent" } }),
      "GET /api/v1/ai/model": () => json(modelSettings()),
      "GET /api/v1/ai/usage": () => json(usage()),
    });
    renderApp("/ai/model");

    expect(await screen.findByText("Only managers can change the model.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save the model" })).not.toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Chat model" })).toHaveAttribute("readonly");
  });

  it("shows the usage by persona, named from the personas list, and by model, the costliest first", async () => {
    const sofia = persona({ name: "Sofia" });
    const groupings: string[] = [];
    const point = (key: string | null, calls: number, cost: string) => ({
      key,
      calls,
      prompt_tokens: calls * 100,
      completion_tokens: calls * 10,
      cost_usd: cost,
    });
    const series: Record<string, ReturnType<typeof point>[]> = {
      persona: [
        point(null, 3, "0.0001"),
        point(sofia.id, 30, "0.0110"),
        point("00000000-0000-4000-8000-00000000dead", 9, "0.0012"),
      ],
      model: [point("gpt-4.1", 2, "0.0100"), point("gpt-4o-mini", 40, "0.0023")],
    };
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/model": () => json(modelSettings()),
      "GET /api/v1/ai/personas": () => json({ items: [sofia], next_cursor: null }),
      "GET /api/v1/ai/usage": (request) => {
        const groupBy = new URL(request.url).searchParams.get("group_by") ?? "day";
        groupings.push(groupBy);
        return json(groupBy === "day" ? usage() : usage({ group_by: groupBy as "persona", series: series[groupBy] }));
      },
    });
    renderApp("/ai/model");
    const user = setup();

    const control = await screen.findByRole("radiogroup", { name: "Show usage" }, { timeout: 15_000 });
    expect(screen.getByRole("img", { name: "Cost by day, last 30 days" })).toBeInTheDocument();
    await user.click(within(control).getByRole("radio", { name: "By persona" }));
    const byPersona = await screen.findByRole("table", { name: "Usage by persona, last 30 days" });
    await waitFor(() => expect(within(byPersona).getAllByRole("row")[1]).toHaveTextContent("Sofia"));
    const names = within(byPersona)
      .getAllByRole("row")
      .slice(1)
      .map((row) => within(row).getAllByRole("cell")[0]!.textContent);
    expect(names).toEqual(["Sofia", "A deleted persona", "No persona (model tests, document indexing)"]);
    expect(within(byPersona).getAllByRole("row")[1]).toHaveTextContent("$0.011");
    // The totals stay those of the whole range.
    expect(screen.getByText("42")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "Cost by day, last 30 days" })).not.toBeInTheDocument();

    await user.click(within(control).getByRole("radio", { name: "By model" }));
    const byModel = await screen.findByRole("table", { name: "Usage by model, last 30 days" });
    const models = within(byModel).getAllByRole("row").slice(1);
    expect(models.map((row) => within(row).getAllByRole("cell")[0]!.textContent)).toEqual(["gpt-4.1", "gpt-4o-mini"]);
    expect(models[1]).toHaveTextContent("40");
    expect(groupings).toEqual(["day", "persona", "model"]);
  });
});
