import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { ConversationList } from "./ConversationList";
import { conversation } from "./fixtures";

describe("conversation list", () => {
  it("shows each conversation with its preview and an unread badge", async () => {
    fakeGateway({
      "GET /api/v1/inbox/conversations": () =>
        json({
          items: [
            conversation({ unread_count: 3 }),
            conversation({
              id: "c0a1b2c3-0000-4000-8000-000000000003",
              contact: { id: "x", name: "João", phone: null, user_id: null },
              last_message: { preview: "Obrigado", direction: "out", at: null as unknown as string, status: "read" },
            }),
          ],
          next_cursor: null,
        }),
    });
    renderWithProviders(<ConversationList onSelect={() => {}} />);

    expect(await screen.findByText("Maria Silva")).toBeInTheDocument();
    expect(screen.getByText("Oi, tudo bem?")).toBeInTheDocument();
    expect(screen.getByLabelText("3 unread")).toHaveTextContent("3");
    expect(screen.getByText("João")).toBeInTheDocument();
    expect(screen.getByText("You: Obrigado")).toBeInTheDocument();
    expect(screen.getAllByLabelText(/ unread$/)).toHaveLength(1);
  });

  it("searches with q once typing pauses", async () => {
    const queries: (string | null)[] = [];
    fakeGateway({
      "GET /api/v1/inbox/conversations": (request) => {
        const q = new URL(request.url).searchParams.get("q");
        queries.push(q);
        return json({ items: q ? [conversation({ contact: { id: "y", name: "Found", phone: null, user_id: null } })] : [conversation()], next_cursor: null });
      },
    });
    renderWithProviders(<ConversationList onSelect={() => {}} />);
    await screen.findByText("Maria Silva");

    await userEvent.type(screen.getByLabelText("Search conversations"), "maria");

    expect(await screen.findByText("Found")).toBeInTheDocument();
    // One request before typing and one after the pause, never one per keystroke.
    expect(queries).toEqual([null, "maria"]);
  });

  it("asks for unread conversations when that filter is chosen, and loads more pages", async () => {
    const seen: string[] = [];
    fakeGateway({
      "GET /api/v1/inbox/conversations": (request) => {
        const params = new URL(request.url).searchParams;
        seen.push(params.toString());
        return params.get("cursor")
          ? json({ items: [conversation({ id: "second", contact: { id: "z", name: "Page two", phone: null, user_id: null } })], next_cursor: null })
          : json({ items: [conversation()], next_cursor: "next" });
      },
    });
    const onSelect = vi.fn();
    renderWithProviders(<ConversationList onSelect={onSelect} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Page two")).toBeInTheDocument();
    await user.click(screen.getByText("Unread"));
    await waitFor(() => expect(seen.some((query) => query.includes("unread=true"))).toBe(true));
    await user.click(await screen.findByText("Maria Silva"));
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: conversation().id }));
  });

  it("offers a next step when there are no conversations at all", async () => {
    fakeGateway({ "GET /api/v1/inbox/conversations": () => json({ items: [], next_cursor: null }) });
    renderWithProviders(<ConversationList onSelect={() => {}} />);

    expect(await screen.findByText("No conversations yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Connect a number" })).toHaveAttribute("href", "/connections");
  });
});
