import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
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
