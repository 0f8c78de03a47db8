// A WebSocket stand-in for tests (jsdom's would try to reach a server): records what the
// page sends, and lets the test play the gateway (open, frames, close).
import { vi } from "vitest";

export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: URL;
  readonly protocols: string[];
  readyState = FakeWebSocket.CONNECTING;
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string, protocols?: string | string[]) {
    this.url = new URL(url);
    this.protocols = protocols === undefined ? [] : ([] as string[]).concat(protocols);
    FakeWebSocket.instances.push(this);
  }

  /** The gateway accepted the handshake. */
  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.(new Event("open"));
  }

  /** The gateway sends a frame (an object is sent as JSON). */
  receive(frame: unknown): void {
    const data = typeof frame === "string" ? frame : JSON.stringify(frame);
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  /** The gateway (or the network) closes the connection. */
  drop(code = 1006, reason = ""): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }

  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error("send before open");
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = FakeWebSocket.CLOSED;
  }

  /** The token the browser offered in the `bearer, <token>` subprotocol pair. */
  get token(): string | undefined {
    return this.protocols[0] === "bearer" ? this.protocols[1] : undefined;
  }
}

/** Installs the fake as the global WebSocket; returns the class to reach its instances. */
export function fakeWebSockets(): typeof FakeWebSocket {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  return FakeWebSocket;
}

/** The connection opened last. */
export function lastSocket(): FakeWebSocket {
  const socket = FakeWebSocket.instances.at(-1);
  if (!socket) throw new Error("no WebSocket was opened");
  return socket;
}

let sequence = 0;

/** An inbox.events.v1 frame as the gateway relays it. */
export function inboxEvent(
  change: "message_created" | "message_status" | "conversation_updated",
  conversationId: string,
  extra: Record<string, unknown> = {},
) {
  sequence += 1;
  return {
    id: `evt-${sequence}`,
    type: "inbox.events.v1",
    topic: "inbox.events.v1",
    tenantid: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
    time: new Date().toISOString(),
    data: {
      change,
      conversation_id: conversationId,
      contact_id: "d0a1b2c3-0000-4000-8000-000000000002",
      message_id: null,
      occurred_at: new Date().toISOString(),
      ...extra,
    },
  };
}

/** A campaigns.events.v1 frame as the gateway relays it: a campaign.progress snapshot (or,
 *  with `type` in `data`, another of the campaign's events). */
export function campaignEvent(campaignId: string, data: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    id: `evt-${sequence}`,
    type: "campaigns.events.v1",
    topic: "campaigns.events.v1",
    tenantid: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
    time: new Date().toISOString(),
    data: {
      type: "campaign.progress",
      campaign_id: campaignId,
      status: "running",
      counts: {},
      failures: {},
      other_failures: 0,
      as_of: new Date().toISOString(),
      ...data,
    },
  };
}
