import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Conversation, Message } from "../api/inbox";
import { endSession, refreshSession, startSession } from "../auth/session";
import { conversation } from "../sections/inbox/fixtures";
import InboxPage from "../sections/inbox/InboxPage";
import { fakeGateway, json, token } from "../test/gateway";
import { renderWithProviders } from "../test/render";
import { fakeWebSockets, inboxEvent, lastSocket } from "./fakeSocket";
import { LiveIndicator } from "./LiveIndicator";
import { LiveProvider } from "./LiveProvider";

const MARIA = conversation();
const JOAO = conversation({
  id: "c0a1b2c3-0000-4000-8000-000000000003",
  contact: { id: "x", name: "João", phone: null, user_id: null },
  last_message: { preview: "Bom dia", direction: "in", at: new Date().toISOString(), status: null },
});

function message(id: string, text: string, extra: Partial<Message> = {}): Message {
  const at = new Date().toISOString();
  return {
    id,
    conversation_id: MARIA.id,
    direction: "in",
    kind: "text",
    text,
    media: null,
    status: null,
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

/** A crm whose conversations and messages the test changes, as other people would. */
function fakeCrm() {
  const state = {
    conversations: [MARIA] as Conversation[],
    messages: [message("m1", "Oi, tudo bem?")] as Message[],
  };
  const seen = fakeGateway({
    "GET /api/v1/inbox/conversations": () => json({ items: state.conversations, next_cursor: null }),
    [`GET /api/v1/inbox/conversations/${MARIA.id}`]: () =>
      json(state.conversations.find((item) => item.id === MARIA.id)),
    [`GET /api/v1/inbox/conversations/${MARIA.id}/messages`]: () =>
      json({ items: [...state.messages].reverse(), next_cursor: null }),
  });
  return { state, seen };
}

function renderLive() {
  fakeWebSockets();
  startSession(token());
  return renderWithProviders(
    <LiveProvider initialDelayMs={10}>
      <LiveIndicator />
      <InboxPage />
    </LiveProvider>,
  );
}

afterEach(() => {
  cleanup(); // the page goes first, so signing out is not a state change of a live page
  endSession();
});

// Each test is a whole flow of clicks and answers: more than the default 5 s on a busy machine.
describe("live updates", { timeout: 20_000 }, () => {
  it("connects with the token and shows a new conversation when the crm announces it", async () => {
    const { state } = fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const socket = lastSocket();
    expect(socket.url.pathname).toBe("/api/v1/live");
    expect(socket.url.searchParams.get("topics")).toBe(
      "inbox.events.v1,channels.alerts.v1,leads.events.v1,campaigns.events.v1",
    );
    expect(socket.protocols[0]).toBe("bearer");
    expect(socket.token).toMatch(/^token-/);
    const indicator = screen.getByRole("status", { name: "Live updates" });
    act(() => socket.open());
    await waitFor(() => expect(indicator).toHaveTextContent("Live"));

    state.conversations = [JOAO, MARIA];
    act(() => socket.receive(inboxEvent("message_created", JOAO.id)));

    expect(await screen.findByText("João")).toBeInTheDocument();
    expect(screen.getByText("Bom dia")).toBeInTheDocument();
  });

  it("shows a new message in the open conversation", async () => {
    const { state } = fakeCrm();
    renderLive();
    await userEvent.click(await screen.findByText("Maria Silva"));
    expect(await screen.findByText("Oi, tudo bem?", { selector: "[data-direction] *" })).toBeInTheDocument();
    const socket = lastSocket();
    act(() => socket.open());

    state.messages = [...state.messages, message("m2", "Vocês entregam no sábado?")];
    state.conversations = [
      { ...MARIA, last_message: { ...MARIA.last_message, preview: "Vocês entregam no sábado?" } },
    ];
    act(() => socket.receive(inboxEvent("message_created", MARIA.id, { message_id: "m2" })));

    const thread = await screen.findByRole("region", { name: "Messages" });
    expect(await within(thread).findByText("Vocês entregam no sábado?")).toBeInTheDocument();
  });

  it("updates a delivery tick when the crm announces a status", async () => {
    const { state } = fakeCrm();
    state.messages = [message("m1", "Pedido enviado", { direction: "out", status: "sent" })];
    renderLive();
    await userEvent.click(await screen.findByText("Maria Silva"));
    expect(await screen.findByRole("img", { name: "Sent" })).toBeInTheDocument();
    act(() => lastSocket().open());

    state.messages = [{ ...state.messages[0]!, status: "read" }];
    act(() => lastSocket().receive(inboxEvent("message_status", MARIA.id, { message_id: "m1" })));

    expect(await screen.findByRole("img", { name: "Read" })).toBeInTheDocument();
  });

  it("sends the new token on the socket after each silent refresh", async () => {
    fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const socket = lastSocket();
    act(() => socket.open());
    const fresh = token();
    fakeGateway({ "POST /api/v1/auth/refresh": () => json(fresh) });

    await act(() => refreshSession());

    expect(socket.sent).toEqual([{ type: "auth", access_token: fresh.access_token }]);
    expect(socket.closedWith).toBeNull();
  });

  it("reconnects after a drop, resumes after the last event and refetches what it may have missed", async () => {
    const { state } = fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const first = lastSocket();
    act(() => first.open());
    const seenEvent = inboxEvent("conversation_updated", MARIA.id);
    act(() => first.receive(seenEvent));

    act(() => first.drop(1012, "restart"));
    expect(await screen.findByRole("status", { name: "Live updates" })).toHaveTextContent("Reconnecting…");
    // Meanwhile João wrote: no event reached this browser.
    state.conversations = [JOAO, MARIA];
    await waitFor(() => expect(lastSocket()).not.toBe(first));
    const second = lastSocket();
    expect(second.url.searchParams.get("last_event_id")).toBe(seenEvent.id);
    act(() => second.open());

    expect(await screen.findByText("João")).toBeInTheDocument();
    expect(screen.getByRole("status", { name: "Live updates" })).toHaveTextContent("Live");
  });

  it("refreshes the token and reconnects when the gateway refuses an expired one", async () => {
    fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const first = lastSocket();
    act(() => first.open());
    const fresh = token();
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(fresh),
      "GET /api/v1/inbox/conversations": () => json({ items: [MARIA], next_cursor: null }),
    });

    act(() => first.drop(4401, "token_expired"));

    await waitFor(() => expect(lastSocket()).not.toBe(first));
    expect(lastSocket().token).toBe(fresh.access_token);
  });

  it("gives up, saying so, when the gateway refuses for good", async () => {
    fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const socket = lastSocket();
    act(() => socket.open());

    act(() => socket.drop(4403, "scope_required: live"));

    expect(await screen.findByRole("status", { name: "Live updates" })).toHaveTextContent("Live updates off");
    expect(lastSocket()).toBe(socket);
  });

  it("refetches when told to resync", async () => {
    const { state } = fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    act(() => lastSocket().open());
    state.conversations = [JOAO, MARIA];

    act(() => lastSocket().receive({ type: "resync" }));

    expect(await screen.findByText("João")).toBeInTheDocument();
  });

  it("asks again without the topics a gateway does not relay, and stays live for the rest", async () => {
    const { state } = fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    const first = lastSocket();

    // A gateway older than the board and the campaigns' progress (it names them sorted).
    act(() => first.drop(1008, "unknown topics: campaigns.events.v1,leads.events.v1"));

    await waitFor(() => expect(lastSocket()).not.toBe(first));
    const second = lastSocket();
    expect(second.url.searchParams.get("topics")).toBe("inbox.events.v1,channels.alerts.v1");
    act(() => second.open());
    await waitFor(() => expect(screen.getByRole("status", { name: "Live updates" })).toHaveTextContent("Live"));
    state.conversations = [JOAO, MARIA];
    act(() => second.receive(inboxEvent("message_created", JOAO.id)));
    expect(await screen.findByText("João")).toBeInTheDocument();
  });

  it("ignores pings and events of other topics", async () => {
    const { seen } = fakeCrm();
    renderLive();
    await screen.findByText("Maria Silva");
    act(() => lastSocket().open());
    const before = seen.length;

    act(() => {
      lastSocket().receive({ type: "ping" });
      lastSocket().receive({ id: "x1", type: "channels.alerts.v1", topic: "channels.alerts.v1", data: {} });
    });

    // An inbox event afterwards is the only thing that refetches.
    act(() => lastSocket().receive(inboxEvent("conversation_updated", JOAO.id)));
    await waitFor(() => expect(seen.length).toBeGreaterThan(before));
    expect(seen.slice(before)).toEqual(["GET /api/v1/inbox/conversations"]);
  });
});
