import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { renderWithProviders } from "../../test/render";
import { LeadSuggestions } from "./LeadSuggestions";

afterEach(() => endSession());

function suggestion(overrides = {}) {
  return {
    id: `s-${Math.random().toString(16).slice(2)}`,
    contact_id: "c0a1b2c3-0000-4000-8000-000000000009",
    conversation_id: null,
    persona_id: null,
    run_id: "r1",
    stage_id: "st1",
    stage_name: "Proposta",
    score: 70,
    fields: { budget: "R$ 5.000" },
    confidence: 0.62,
    reason: "the customer asked for a quote",
    status: "pending",
    created_at: "2026-12-01T12:00:00Z",
    ...overrides,
  };
}

const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

describe("lead suggestions", { timeout: 30_000 }, () => {
  it("lists the pending ones; accepting applies one, and one decided elsewhere is read again", async () => {
    const first = suggestion();
    const second = suggestion({ stage_name: null, score: null, fields: {}, reason: "sounds interested" });
    let pending = [first, second];
    const decided: string[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/lead-suggestions": (request) => {
        expect(new URL(request.url).searchParams.get("status")).toBe("pending");
        return json({ items: pending, next_cursor: null });
      },
      [`POST /api/v1/ai/lead-suggestions/${first.id}/accept`]: () => {
        decided.push("accept");
        pending = pending.filter((item) => item.id !== first.id);
        return json({ ...first, status: "accepted" });
      },
      [`POST /api/v1/ai/lead-suggestions/${second.id}/dismiss`]: () => {
        pending = [];
        return problem(409, "the suggestion is accepted", "suggestion_decided");
      },
    });
    renderApp("/ai/suggestions");
    const user = setup();

    const cards = await screen.findAllByRole("region", { name: "Lead suggestion" }, { timeout: 15_000 });
    expect(cards[0]).toHaveTextContent("Move to Proposta · Score 70 · budget: R$ 5.000");
    expect(cards[0]).toHaveTextContent("62% sure");
    expect(cards[0]).toHaveTextContent("the customer asked for a quote");
    expect(cards[1]).toHaveTextContent("No change");

    await user.click(within(cards[0]!).getByRole("button", { name: "Accept" }));
    await waitFor(() => expect(screen.getAllByRole("region", { name: "Lead suggestion" })).toHaveLength(1));
    expect(decided).toEqual(["accept"]);

    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(await screen.findByText("the suggestion is accepted")).toBeInTheDocument();
    expect(await screen.findByText("No suggestions waiting.")).toBeInTheDocument();
  });

  it("in the inbox shows a contact's only when there are some", async () => {
    const asked: (string | null)[] = [];
    fakeGateway({
      "GET /api/v1/ai/lead-suggestions": (request) => {
        asked.push(new URL(request.url).searchParams.get("contact_id"));
        return json({ items: [], next_cursor: null });
      },
    });
    renderWithProviders(<LeadSuggestions contactId="contact-1" compact />);
    await waitFor(() => expect(asked).toEqual(["contact-1"]));
    expect(screen.queryByRole("region", { name: "Lead suggestion" })).not.toBeInTheDocument();
  });
});
