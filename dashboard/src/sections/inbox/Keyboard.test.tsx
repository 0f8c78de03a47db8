import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation } from "./fixtures";
import InboxPage from "./InboxPage";

const PEOPLE = ["Maria Silva", "João", "Carla"].map((name, index) =>
  conversation({
    id: `c0a1b2c3-0000-4000-8000-00000000001${index}`,
    contact: { id: `p${index}`, name, phone: null, user_id: null },
  }),
);

function inbox() {
  const handlers: Parameters<typeof fakeGateway>[0] = {
    "GET /api/v1/inbox/conversations": () => json({ items: PEOPLE, next_cursor: null }),
  };
  for (const person of PEOPLE) {
    handlers[`GET /api/v1/inbox/conversations/${person.id}`] = () => json(person);
    handlers[`GET /api/v1/inbox/conversations/${person.id}/messages`] = () =>
      json({ items: [], next_cursor: null });
  }
  fakeGateway(handlers);
  renderWithProviders(<InboxPage />);
  return userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
}

const original = window.matchMedia;

/** A phone: the list and the thread take turns. */
function phone() {
  window.matchMedia = (query: string) => ({ ...original(query), matches: query.includes("max-width") });
}

afterEach(() => {
  window.matchMedia = original;
});

describe("inbox keyboard", { timeout: 20_000 }, () => {
  it("moves through the list with the arrows and j/k, and opens with Enter", async () => {
    const user = inbox();
    const list = await screen.findByRole("listbox", { name: "Conversations" });
    expect(await screen.findAllByRole("option")).toHaveLength(3);

    await user.keyboard("/");
    expect(screen.getByRole("textbox", { name: "Search conversations" })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("option", { name: /Maria Silva/ })).toHaveFocus();
    await user.keyboard("j");
    expect(screen.getByRole("option", { name: /João/ })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("option", { name: /Carla/ })).toHaveFocus();
    await user.keyboard("k");
    expect(screen.getByRole("option", { name: /João/ })).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(await screen.findByRole("heading", { name: "João" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: /João/ })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("option", { name: /Maria Silva/ })).toHaveAttribute("aria-selected", "false");
    // One tab stop for the whole list: the row in use.
    expect(list.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
  });

  it("focuses the reply box with r, and the search with /", async () => {
    const user = inbox();
    await user.click(await screen.findByRole("option", { name: /Carla/ }));
    const composer = await screen.findByRole("textbox", { name: /Write a reply/ });

    await user.keyboard("r");
    expect(composer).toHaveFocus();
    expect(composer).toHaveValue(""); // the key only moved the focus
    await user.keyboard("oi/");
    expect(composer).toHaveValue("oi/"); // typing in a field is typing, not shortcuts
    composer.blur();
    await user.keyboard("/");
    expect(screen.getByRole("textbox", { name: "Search conversations" })).toHaveFocus();
  });

  it("goes back to the list with Escape on a phone, to the row it came from", async () => {
    phone();
    const user = inbox();
    await user.click(await screen.findByRole("option", { name: /João/ }));
    expect(await screen.findByRole("heading", { name: "João" })).toBeInTheDocument();
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();

    await user.keyboard("{Escape}");

    expect(await screen.findByRole("listbox", { name: "Conversations" })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("option", { name: /João/ })).toHaveFocus());
    expect(screen.queryByRole("heading", { name: "João" })).not.toBeInTheDocument();
  });
});
