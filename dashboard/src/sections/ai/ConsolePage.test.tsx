import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { consoleAnswer, persona, run } from "./fixtures";

afterEach(() => endSession());

const SOFIA = persona({ name: "Sofia" });
const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

describe("test console", { timeout: 30_000 }, () => {
  it("answers part by part with its why, sends the conversation so far, and shows a handoff", async () => {
    const bodies: { messages: { author: string; text: string }[] }[] = [];
    const answers = [
      consoleAnswer({ parts: ["Entregamos em 2 a 5 dias úteis.", "Posso ajudar em algo mais?"] }),
      consoleAnswer({
        run: run({ decision: "handoff", reason: "customer_asked_for_human", detail: "the customer asked for a person", sources: [] }),
        parts: [],
        customer_message: "Vou chamar alguém da equipe.",
      }),
    ];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/personas": () => json({ items: [SOFIA], next_cursor: null }),
      [`POST /api/v1/ai/personas/${SOFIA.id}/console`]: async (request) => {
        bodies.push(await request.json());
        return json(answers[bodies.length - 1]);
      },
    });
    renderApp(`/ai/console?persona=${SOFIA.id}`);
    const user = setup();

    const box = await screen.findByRole("textbox", { name: "Customer's message" });
    await user.type(box, "Em quantos dias chega?");
    await user.click(screen.getByRole("button", { name: "Send" }));
    const log = screen.getByRole("log", { name: "Conversation" });
    expect(await within(log).findByText("Entregamos em 2 a 5 dias úteis.")).toBeInTheDocument();
    expect(within(log).getByText("Posso ajudar em algo mais?")).toBeInTheDocument();
    expect(within(log).getAllByText("Sofia (bot)")).toHaveLength(2);
    expect(within(log).getByText("Answered")).toBeInTheDocument();
    expect(within(log).getByText("answered_from_knowledge")).toBeInTheDocument();
    const sources = within(log).getByRole("list", { name: "Sources" });
    expect(sources).toHaveTextContent("FAQ");
    expect(sources).toHaveTextContent("Similarity 91.2%");

    await user.type(box, "quero falar com um atendente{Enter}");
    expect(await within(log).findByText("Handed off to a person")).toBeInTheDocument();
    expect(within(log).getByText("Vou chamar alguém da equipe.")).toBeInTheDocument();
    expect(within(log).getByText("the customer asked for a person")).toBeInTheDocument();
    expect(bodies[1]!.messages).toEqual([
      { author: "customer", text: "Em quantos dias chega?" },
      { author: "bot", text: "Entregamos em 2 a 5 dias úteis." },
      { author: "bot", text: "Posso ajudar em algo mais?" },
      { author: "customer", text: "quero falar com um atendente" },
    ]);

    await user.click(screen.getByRole("button", { name: "Start over" }));
    expect(within(log).getByText("Write the customer's first message.")).toBeInTheDocument();
    expect(within(log).queryByText("Handed off to a person")).not.toBeInTheDocument();
  });

  it("shows the service's problem when the persona cannot be tried", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/personas": () => json({ items: [SOFIA], next_cursor: null }),
      [`POST /api/v1/ai/personas/${SOFIA.id}/console`]: () => problem(502, "the model refused the key", "model_provider_error"),
    });
    renderApp(`/ai/console?persona=${SOFIA.id}`);
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Customer's message" }), "Oi{Enter}");
    expect(await screen.findByText("The persona could not be tried.")).toBeInTheDocument();
    expect(screen.getByText("the model refused the key")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Customer's message" })).toHaveValue(""));
  });

  it("sends only the newest 50 lines of a long conversation, and says that older ones are not sent", async () => {
    const bodies: { messages: { author: string; text: string }[] }[] = [];
    const parts = Array.from({ length: 24 }, (_, index) => `parte ${index + 1}`);
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/personas": () => json({ items: [SOFIA], next_cursor: null }),
      [`POST /api/v1/ai/personas/${SOFIA.id}/console`]: async (request) => {
        bodies.push(await request.json());
        return json(consoleAnswer({ parts }));
      },
    });
    renderApp(`/ai/console?persona=${SOFIA.id}`);
    const user = setup();
    const notice = /only the last 50 lines: older ones are not sent/;

    const box = await screen.findByRole("textbox", { name: "Customer's message" });
    await user.type(box, "primeira{Enter}");
    await waitFor(() => expect(screen.getAllByText("parte 24")).toHaveLength(1));
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
    await user.type(box, "segunda{Enter}");
    await waitFor(() => expect(screen.getAllByText("parte 24")).toHaveLength(2));
    // 2 customer lines and 48 of the bot's: the next message pushes the first out.
    expect(bodies[1]!.messages).toHaveLength(26);
    expect(screen.getByRole("note")).toHaveTextContent(notice);

    await user.type(box, "terceira{Enter}");
    await waitFor(() => expect(bodies).toHaveLength(3));
    const sent = bodies[2]!.messages;
    expect(sent).toHaveLength(50);
    expect(sent[0]).toEqual({ author: "bot", text: "parte 1" });
    expect(sent.at(-1)).toEqual({ author: "customer", text: "terceira" });
    expect(sent).not.toContainEqual({ author: "customer", text: "primeira" });
    // The transcript still shows the whole conversation.
    expect(within(screen.getByRole("log", { name: "Conversation" })).getByText("primeira")).toBeInTheDocument();
  });
});
