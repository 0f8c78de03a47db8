import { screen, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { campaign } from "./fixtures";

afterEach(() => endSession());

function campaignsApi(answer: (params: URLSearchParams) => Response) {
  const asked: URLSearchParams[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/campaigns": (request) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      return answer(params);
    },
  });
  return { asked };
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("campaigns list", { timeout: 20_000 }, () => {
  it("shows the next step when there are no campaigns yet", async () => {
    campaignsApi(() => json({ items: [], next_cursor: null }));
    renderApp("/campaigns");

    expect(await screen.findByRole("heading", { name: "No campaigns yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "New campaign" })).toHaveAttribute("href", "/campaigns/new");
  });

  it("lists the campaigns with their status and pages with the server's cursors", async () => {
    const friday = campaign({ name: "Black Friday", status: "running", counts: { accepted: 3, queued: 7 } });
    const natal = campaign({ name: "Natal", status: "paused" });
    const old = campaign({ name: "Dia das Mães", status: "completed" });
    const { asked } = campaignsApi((params) =>
      params.get("cursor") === "page-2"
        ? json({ items: [old], next_cursor: null })
        : json({ items: [friday, natal], next_cursor: "page-2" }),
    );
    renderApp("/campaigns");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Campaigns" });
    expect(within(table).getByRole("link", { name: "Black Friday" })).toHaveAttribute(
      "href",
      `/campaigns/${friday.id}`,
    );
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Status: Running");
    expect(rows[1]).toHaveTextContent("10 recipients");
    expect(rows[2]).toHaveTextContent("Status: Paused");
    expect(screen.getByRole("link", { name: "New campaign" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Dia das Mães" })).toBeInTheDocument();
    const next = within(screen.getByRole("table", { name: "Campaigns" })).getAllByRole("row");
    expect(next[1]).toHaveTextContent("Status: Completed");
    expect(asked.at(-1)?.get("cursor")).toBe("page-2");
  });

  it("shows the server's problem and retries", async () => {
    let calls = 0;
    campaignsApi(() => {
      calls += 1;
      return calls === 1
        ? problem(503, "campaigns is not answering", "unavailable")
        : json({ items: [campaign({ name: "Natal" })], next_cursor: null });
    });
    renderApp("/campaigns");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("The campaigns could not be loaded.")).toBeInTheDocument();
    expect(screen.getByText("campaigns is not answering")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Natal" })).toBeInTheDocument();
  });
});
