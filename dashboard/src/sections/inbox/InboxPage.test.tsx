import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation } from "./fixtures";
import InboxPage from "./InboxPage";

describe("inbox page", () => {
  it("opens the conversation picked in the list beside it", async () => {
    const picked = conversation();
    fakeGateway({
      "GET /api/v1/inbox/conversations": () => json({ items: [picked], next_cursor: null }),
      [`GET /api/v1/inbox/conversations/${picked.id}/messages`]: () =>
        json({ items: [], next_cursor: null }),
    });
    renderWithProviders(<InboxPage />);

    expect(screen.getByText("Pick a conversation to read it here.")).toBeInTheDocument();
    await userEvent.click(await screen.findByText("Maria Silva"));

    expect(await screen.findByRole("heading", { name: "Maria Silva" })).toBeInTheDocument();
    expect(await screen.findByText("No messages in this conversation yet.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send" })).toBeInTheDocument();
  });
});

describe("a conversation opened by its address", { timeout: 30_000 }, () => {
  afterEach(() => {
    cleanup();
    endSession();
  });

  it("says it was not found when it is another company's, and goes back to the list", async () => {
    const foreign = "c0a1b2c3-0000-4000-8000-0000000000ff";
    const seen = fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET /api/v1/inbox/conversations/${foreign}`]: () =>
        problem(404, "conversation not found", "not_found"),
    });
    render(<App initialPath={`/inbox?conversation=${foreign}`} />);

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This conversation does not exist, or it belongs to another company.",
    );
    // Not found is an answer, not a failure to retry.
    expect(seen.filter((call) => call === `GET /api/v1/inbox/conversations/${foreign}`)).toHaveLength(1);
    await userEvent.click(screen.getByRole("button", { name: "Back to the conversations" }));
    expect(await screen.findByText("No conversations yet")).toBeInTheDocument();
  });
});
