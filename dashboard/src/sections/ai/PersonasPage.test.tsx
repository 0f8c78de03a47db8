import { screen, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { persona } from "./fixtures";

afterEach(() => endSession());

function personasApi(answer: (params: URLSearchParams) => Response) {
  const asked: URLSearchParams[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/ai/personas": (request) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      return answer(params);
    },
  });
  return { asked };
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("personas list", { timeout: 20_000 }, () => {
  it("shows the next step when there are no personas yet", async () => {
    personasApi(() => json({ items: [], next_cursor: null }));
    renderApp("/ai/personas");

    expect(await screen.findByRole("heading", { name: "No personas yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "New persona" })).toHaveAttribute("href", "/ai/personas/new");
  });

  it("lists the personas, searches by name and pages with the server's cursors", async () => {
    const sofia = persona({ name: "Sofia", channel_account_ids: ["a", "b"], knowledge_base_ids: ["k"] });
    const rui = persona({ name: "Rui", enabled: false });
    const { asked } = personasApi((params) =>
      params.get("q") === "ru"
        ? json({ items: [rui], next_cursor: null })
        : params.get("cursor") === "page-2"
          ? json({ items: [rui], next_cursor: null })
          : json({ items: [sofia], next_cursor: "page-2" }),
    );
    renderApp("/ai/personas");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Personas" });
    expect(within(table).getByRole("link", { name: "Sofia" })).toHaveAttribute("href", `/ai/personas/${sofia.id}`);
    const row = within(table).getAllByRole("row")[1]!;
    expect(row).toHaveTextContent("Enabled");
    expect(row).toHaveTextContent("2 numbers");
    expect(row).toHaveTextContent("1 base");
    expect(within(row).getByRole("link", { name: "Try in the console" })).toHaveAttribute(
      "href",
      `/ai/console?persona=${sofia.id}`,
    );

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Rui" })).toBeInTheDocument();
    expect(asked.at(-1)?.get("cursor")).toBe("page-2");

    await user.type(screen.getByRole("textbox", { name: "Search personas" }), "ru");
    await screen.findByText("Page 1");
    expect(await screen.findByRole("link", { name: "Rui" })).toBeInTheDocument();
    expect(asked.at(-1)?.get("q")).toBe("ru");
    expect(asked.at(-1)?.get("cursor")).toBeNull();
  });

  it("shows the server's problem and retries", async () => {
    let calls = 0;
    personasApi(() => {
      calls += 1;
      return calls === 1 ? problem(503, "ai-agent is not answering", "unavailable") : json({ items: [persona({ name: "Sofia" })], next_cursor: null });
    });
    renderApp("/ai/personas");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("The personas could not be loaded.")).toBeInTheDocument();
    expect(screen.getByText("ai-agent is not answering")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Sofia" })).toBeInTheDocument();
  });
});
