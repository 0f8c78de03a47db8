import { screen } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation, message } from "./fixtures";
import InboxPage from "./InboxPage";

const MARIA = conversation();
const BASE = `/api/v1/inbox/conversations/${MARIA.id}`;

describe("inbox error boundary", { timeout: 20_000 }, () => {
  it("keeps a broken thread to its pane and renders it again on Try again", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    let broken = true;
    fakeGateway({
      "GET /api/v1/inbox/conversations": () => json({ items: [MARIA], next_cursor: null }),
      [`GET ${BASE}`]: () => json(MARIA),
      // First a malformed answer (no list of messages), then a good one.
      [`GET ${BASE}/messages`]: () =>
        broken
          ? json({ items: [null], next_cursor: null })
          : json({ items: [message("m1", "Oi, tudo bem?")], next_cursor: null }),
    });
    renderWithProviders(<InboxPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("option", { name: /Maria Silva/ }));

    expect(await screen.findByText("Something went wrong here")).toBeInTheDocument();
    // The list beside it still works.
    expect(screen.getByRole("option", { name: /Maria Silva/ })).toBeInTheDocument();
    broken = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByText("Oi, tudo bem?", { selector: "[data-direction] *" })).toBeInTheDocument();
    expect(screen.queryByText("Something went wrong here")).not.toBeInTheDocument();
  });
});
