import { screen, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import i18n from "../../i18n";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { cadence } from "./fixtures";
import { SLOW, choose, seriousViolations } from "./testing";

afterEach(() => endSession());

function api(answer: (params: URLSearchParams) => Response) {
  const asked: URLSearchParams[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/cadences": (request) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      return answer(params);
    },
  });
  return { asked };
}

describe("cadences list", { timeout: 30_000 }, () => {
  it("invites to create the first cadence when there is none", async () => {
    api(() => json({ items: [], next_cursor: null }));
    renderApp("/cadences");

    expect(await screen.findByRole("heading", { name: "No cadences yet" }, SLOW)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create a cadence" })).toHaveAttribute("href", "/cadences/new");
    expect(await seriousViolations()).toEqual([]);
  });

  it("lists cadences with status, channel and people by state, and pages with the cursors", async () => {
    const welcome = cadence({
      name: "Boas-vindas",
      status: "active",
      counts: { active: 12, completed: 30, stopped: 4, failed: 1 },
    });
    const winback = cadence({ name: "Reativação", status: "paused", channel: "sms" });
    const old = cadence({ name: "Natal 2025", status: "archived" });
    const { asked } = api((params) =>
      params.get("cursor") === "page-2"
        ? json({ items: [old], next_cursor: null })
        : json({ items: [welcome, winback], next_cursor: "page-2" }),
    );
    renderApp("/cadences");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Cadences" }, SLOW);
    expect(within(table).getByRole("link", { name: "Boas-vindas" })).toHaveAttribute("href", `/cadences/${welcome.id}`);
    const rows = within(table).getAllByRole("row");
    expect(within(rows[0]!).getAllByRole("columnheader").map((th) => th.textContent)).toEqual([
      "Name",
      "Status",
      "Channel",
      "Active",
      "Completed",
      "Stopped",
      "Failed",
    ]);
    expect(within(rows[1]!).getAllByRole("cell").map((td) => td.textContent)).toEqual([
      "Boas-vindas",
      "Status: Active",
      "WhatsApp",
      "12",
      "30",
      "4",
      "1",
    ]);
    expect(rows[2]).toHaveTextContent("Status: Paused");
    expect(rows[2]).toHaveTextContent("SMS");
    expect(screen.getByRole("link", { name: "New cadence" })).toHaveAttribute("href", "/cadences/new");
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Natal 2025" })).toBeInTheDocument();
    expect(asked.at(-1)?.get("cursor")).toBe("page-2");
    await user.click(screen.getByRole("button", { name: "Previous page" }));
    expect(await screen.findByRole("link", { name: "Boas-vindas" })).toBeInTheDocument();
  });

  it("filters by status", async () => {
    const { asked } = api((params) =>
      params.get("status") === "paused"
        ? json({ items: [cadence({ name: "Reativação", status: "paused" })], next_cursor: null })
        : json({ items: [cadence({ name: "Boas-vindas", status: "active" })], next_cursor: null }),
    );
    renderApp("/cadences");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await screen.findByRole("link", { name: "Boas-vindas" }, SLOW);
    await choose(user, screen.getByRole("textbox", { name: "Status" }), "Paused");
    expect(await screen.findByRole("link", { name: "Reativação" })).toBeInTheDocument();
    expect(asked.at(-1)?.get("status")).toBe("paused");
  });

  it("shows the server's problem and tries again", async () => {
    let calls = 0;
    api(() => {
      calls += 1;
      return calls === 1
        ? problem(503, "campaigns is not answering", "unavailable")
        : json({ items: [cadence({ name: "Boas-vindas" })], next_cursor: null });
    });
    renderApp("/cadences");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("The cadences could not be loaded.", {}, SLOW)).toBeInTheDocument();
    expect(screen.getByText("campaigns is not answering")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Boas-vindas" })).toBeInTheDocument();
  });
  it("speaks Brazilian Portuguese", async () => {
    api(() => json({ items: [cadence({ name: "Boas-vindas", status: "paused", counts: { active: 2 } })], next_cursor: null }));
    await i18n.changeLanguage("pt-BR");
    try {
      renderApp("/cadences");
      const table = await screen.findByRole("table", { name: "Cadências" }, SLOW);
      expect(within(table).getAllByRole("columnheader").map((th) => th.textContent)).toEqual([
        "Nome",
        "Status",
        "Canal",
        "Em andamento",
        "Concluídas",
        "Interrompidas",
        "Com falha",
      ]);
      expect(within(table).getByText("Pausada")).toBeInTheDocument();
      expect(screen.getByRole("link", { name: "Nova cadência" })).toBeInTheDocument();
      expect(screen.getByRole("link", { name: "Cadências" })).toHaveAttribute("href", "/cadences");
    } finally {
      await i18n.changeLanguage("en");
    }
  });
});
