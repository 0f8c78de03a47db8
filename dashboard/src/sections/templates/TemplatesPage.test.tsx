import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { libraryTemplate } from "../campaigns/fixtures";
import { renderApp } from "../connections/testing";

afterEach(() => endSession());

const WELCOME = libraryTemplate({ name: "Boas-vindas", meta_status: "APPROVED" });
const PROMO = libraryTemplate({
  name: "Promo Natal",
  meta_status: "REJECTED",
  meta_reason: "INVALID_FORMAT: the footer repeats the body",
  category: "utility",
  language: "en_US",
});
const SMS = libraryTemplate({ name: "Lembrete SMS", channel: "sms", body: "Oi", variables: [] });

function api(overrides: Record<string, Handler> = {}) {
  const queries: string[] = [];
  const deleted: string[] = [];
  let items = [WELCOME, PROMO, SMS];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/templates": (request) => {
      const q = new URL(request.url).searchParams.get("q") ?? "";
      queries.push(q);
      return json({ items: items.filter((item) => item.name.toLowerCase().includes(q.toLowerCase())), next_cursor: null });
    },
    [`DELETE /api/v1/templates/${PROMO.id}`]: () => {
      deleted.push(PROMO.id);
      items = items.filter((item) => item.id !== PROMO.id);
      return new Response(null, { status: 204 });
    },
    ...overrides,
  });
  return { queries, deleted };
}

describe("template library", { timeout: 30_000 }, () => {
  it("lists name, channel, language, category and Meta status with the rejection reason, axe clean", async () => {
    api();
    renderApp("/templates");
    const table = await screen.findByRole("table", { name: "Templates" }, { timeout: 10_000 });
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Boas-vindasWhatsApppt_BRMarketingApproved");
    expect(rows[2]).toHaveTextContent("Promo NatalWhatsAppen_USUtilityRejected");
    expect(rows[2]).toHaveTextContent("Why: INVALID_FORMAT: the footer repeats the body");
    expect(rows[3]).toHaveTextContent("Lembrete SMSSMS");
    expect(within(table).getByRole("link", { name: "Boas-vindas" })).toHaveAttribute("href", `/templates/${WELCOME.id}`);
    // The navigation leads here.
    expect(screen.getByRole("link", { name: "Templates" })).toHaveAttribute("href", "/templates");

    const result = await axe.run(document.body, {
      rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
    });
    expect(result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  });

  it("searches by name and says when nothing matches", async () => {
    const { queries } = api();
    renderApp("/templates");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("table", { name: "Templates" }, { timeout: 10_000 });
    await user.type(screen.getByRole("textbox", { name: "Search templates" }), "zzz");
    expect(await screen.findByText("No template matches “zzz”.")).toBeInTheDocument();
    expect(queries).toContain("zzz");
  });

  it("deletes a template after asking", async () => {
    const { deleted } = api();
    renderApp("/templates");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("table", { name: "Templates" }, { timeout: 10_000 });
    await user.click(screen.getByRole("button", { name: "Delete Promo Natal" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete this template?" });
    expect(dialog).toHaveTextContent("“Promo Natal” leaves the library.");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deleted).toEqual([PROMO.id]));
    await waitFor(() => expect(screen.queryByRole("link", { name: "Promo Natal" })).toBeNull());
    expect(await screen.findByText("Template deleted")).toBeInTheDocument();
  });

  it("shows the empty library with the way to a first template", async () => {
    api({ "GET /api/v1/templates": () => json({ items: [], next_cursor: null }) });
    renderApp("/templates");
    expect(await screen.findByRole("heading", { name: "No templates yet" }, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByText(/variables such as \{\{first_name\|cliente\}\}/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "New template" })).toHaveAttribute("href", "/templates/new");
  });

  it("says when the list cannot be loaded, and loads it again", async () => {
    let calls = 0;
    api({
      "GET /api/v1/templates": () => {
        calls += 1;
        return calls === 1 ? problem(503, "campaigns is restarting") : json({ items: [WELCOME], next_cursor: null });
      },
    });
    renderApp("/templates");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    expect(await screen.findByText("The templates could not be loaded.", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByText("campaigns is restarting")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Boas-vindas" })).toBeInTheDocument();
  });
});
