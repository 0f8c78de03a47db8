import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { fakeGateway, json, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { run } from "../ai/fixtures";
import { BotBadge, BotSwitch } from "./BotPieces";
import { message } from "./fixtures";

const CONVERSATION_ID = "3a1f0c9e-0000-4000-8000-000000000001";
const BOT = `/api/v1/ai/conversations/${CONVERSATION_ID}/bot`;

function botState(overrides = {}) {
  return {
    conversation_id: CONVERSATION_ID,
    persona_id: "p1",
    state: "active",
    handoff_reason: null,
    paused_until: null,
    paused: false,
    turns: 2,
    last_run_id: null,
    ...overrides,
  };
}

describe("the bot in the inbox", () => {
  it("badges a bot's message with the persona's name and opens why it wrote it", async () => {
    const why = run({ reason: "answered_from_knowledge" });
    fakeGateway({ [`GET /api/v1/ai/runs/${why.id}`]: () => json(why) });
    renderWithProviders(
      <BotBadge message={message("m1", "Entregamos em 2 a 5 dias.", { direction: "out", sent_by_persona_name: "Sofia", ai_run_id: why.id })} />,
    );
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(screen.getByText("Bot · Sofia")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Why the bot wrote this" }));
    const dialog = await screen.findByRole("dialog", { name: "Why the bot answered this" });
    expect(await within(dialog).findByText("answered_from_knowledge")).toBeInTheDocument();
    expect(within(dialog).getByText("Answered")).toBeInTheDocument();
    expect(within(dialog).getByRole("list", { name: "Sources" })).toHaveTextContent("FAQ");
  });

  it("shows nothing on a person's message", () => {
    fakeGateway();
    renderWithProviders(<BotBadge message={message("m1", "Oi", { direction: "out" })} />);
    expect(screen.queryByText(/^Bot ·/)).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Why the bot wrote this" })).not.toBeInTheDocument();
  });

  it("pauses the bot in a conversation and gives it back", async () => {
    const puts: unknown[] = [];
    fakeGateway({
      [`GET ${BOT}`]: () => json(botState()),
      [`PUT ${BOT}`]: async (request) => {
        const body = (await request.json()) as { paused: boolean };
        puts.push(body);
        return json(botState({ paused: body.paused, paused_until: body.paused ? "2036-01-01T00:00:00Z" : null }));
      },
    });
    renderWithProviders(<BotSwitch conversationId={CONVERSATION_ID} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const toggle = await screen.findByRole("switch", { name: "Bot answers here" });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await waitFor(() => expect(screen.getByRole("switch", { name: "Bot answers here" })).not.toBeChecked());
    expect(screen.getByText("Bot paused")).toBeInTheDocument();
    await user.click(screen.getByRole("switch", { name: "Bot answers here" }));
    await waitFor(() => expect(screen.getByRole("switch", { name: "Bot answers here" })).toBeChecked());
    expect(puts).toEqual([
      { paused: true, minutes: null },
      { paused: false, minutes: null },
    ]);
  });

  it("reads the bot's state again when a new message arrives, so a handoff shows", async () => {
    let handedOff = false;
    fakeGateway({ [`GET ${BOT}`]: () => json(botState(handedOff ? { state: "handed_off", handoff_reason: "customer_asked" } : {})) });
    const view = renderWithProviders(<BotSwitch conversationId={CONVERSATION_ID} newestMessageId="m1" />);
    const toggle = await screen.findByRole("switch", { name: "Bot answers here" });
    expect(toggle).toBeChecked();

    handedOff = true;
    view.rerender(
      // The same tree as renderWithProviders', so the switch stays mounted and only its prop changes.
      <MantineProvider>
        <Notifications />
        <QueryClientProvider client={view.queryClient}>
          <MemoryRouter>
            <BotSwitch conversationId={CONVERSATION_ID} newestMessageId="m2" />
          </MemoryRouter>
        </QueryClientProvider>
      </MantineProvider>,
    );
    expect(await screen.findByText("Bot handed off")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Bot answers here" })).toBe(toggle); // not remounted
    expect(toggle).not.toBeChecked();
  });

  it("is not there where no persona answers", async () => {
    const seen = fakeGateway({ [`GET ${BOT}`]: () => problem(404, "no persona answers here", "bot_not_in_conversation") });
    renderWithProviders(<BotSwitch conversationId={CONVERSATION_ID} />);
    await waitFor(() => expect(seen).toContain(`GET ${BOT}`));
    expect(screen.queryByRole("switch")).not.toBeInTheDocument();
  });
});
