import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation } from "./fixtures";
import { Thread } from "./Thread";

const CONVERSATION = conversation({ unread_count: 2 });
const BASE = `/api/v1/inbox/conversations/${CONVERSATION.id}`;

function message(id: string, direction: "in" | "out", text: string, extra = {}) {
  const at = "2026-11-28T12:00:00Z";
  return {
    id,
    conversation_id: CONVERSATION.id,
    direction,
    kind: "text",
    text,
    media: null,
    status: direction === "out" ? "sent" : null,
    status_timeline: [],
    error: null,
    external_message_id: null,
    extra: {},
    reply_to_external_id: null,
    sent_by_user_id: null,
    created_at: at,
    occurred_at: at,
    ...extra,
  };
}

describe("thread", () => {
  it("shows the messages oldest first with delivery ticks, and marks the conversation read", async () => {
    const seen = fakeGateway({
      [`GET ${BASE}/messages`]: () =>
        json({
          // newest first, as the crm sends them
          items: [
            message("m4", "out", "Falhou", { status: "failed", error: { code: "131047", title: "Re-engagement message" } }),
            message("m3", "out", "Lida", { status: "read" }),
            message("m2", "out", "Entregue", { status: "delivered" }),
            message("m1", "in", "Oi, tudo bem?"),
          ],
          next_cursor: null,
        }),
      [`POST ${BASE}/read`]: () => new Response(null, { status: 204 }),
    });
    renderWithProviders(<Thread conversation={CONVERSATION} />);

    const first = await screen.findByText("Oi, tudo bem?");
    const texts = screen.getAllByText(/^(Oi, tudo bem\?|Entregue|Lida|Falhou)$/).map((node) => node.textContent);
    expect(texts).toEqual(["Oi, tudo bem?", "Entregue", "Lida", "Falhou"]);
    expect(first.closest("[data-direction]")).toHaveAttribute("data-direction", "in");
    expect(screen.getByText("Lida").closest("[data-direction]")).toHaveAttribute("data-direction", "out");
    expect(screen.getByRole("img", { name: "Delivered" })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Read" })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Re-engagement message" })).toBeInTheDocument();
    await waitFor(() => expect(seen).toContain(`POST ${BASE}/read`));
  });
});
