// The gateway's live socket (/api/v1/live), without React: connects with the access token
// (the `bearer, <token>` subprotocol pair, so it stays out of access logs), hands on each
// event once (replicas may replay one twice), sends every refreshed token on the open socket
// (`{"type":"auth",...}`) so it is not cut off when the old one expires, and reconnects with
// backoff, resuming with `last_event_id`. It says when what the page shows may be stale: a
// `resync` frame, or any reconnect (events may have been missed while it was down).
//
// Close codes (services/gateway/src/mia_gateway/live/endpoints.py): 4401 the token was
// refused (refresh it, then reconnect), 4403 an API key without the live scope and 1008
// unknown topics (retrying cannot help), 1012/1013/1006/… try again later.

export type LiveStatus =
  /** the first connection is being made */
  | "connecting"
  /** events arrive */
  | "open"
  /** the connection dropped; trying again */
  | "reconnecting"
  /** signed out: nothing to connect with */
  | "offline"
  /** the gateway refused for good (scope, topics) */
  | "unavailable";

/** One event as the gateway relays it (a CloudEvents envelope, loosely read). */
export interface LiveEvent {
  id: string;
  type: string;
  topic: string;
  tenantid: string;
  time: string | null;
  data: unknown;
}

/** Why what the page shows may be stale. */
export type StaleReason = "reconnected" | "resync";

type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

export interface LiveClientOptions {
  /** ws:// or wss:// URL of /api/v1/live */
  url: string;
  /** receive only these topics (all the tenant's when omitted) */
  topics?: readonly string[];
  getToken: () => string | null;
  onTokenChange: (listener: (token: string | null) => void) => () => void;
  /** spends the refresh cookie after a 4401; false when the session is over */
  refresh: () => Promise<boolean>;
  WebSocket?: WebSocketClass;
  /** first reconnect delay; doubles up to maxDelayMs, with jitter */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** the gateway pings after ~25 s of silence: longer than this means a dead connection */
  silenceMs?: number;
}

const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;
const CLOSE_BAD_REQUEST = 1008;
const CLOSE_CLIENT_GAVE_UP = 4000; // ours: the connection went silent
const REMEMBERED_IDS = 500;
// A connection that lived this long (or brought a frame) was a success: backoff starts over.
const STABLE_MS = 10_000;
// 4401s in a row (each after a refresh) before giving up.
const MAX_REFUSALS = 3;

export class LiveClient {
  private readonly options: Required<Omit<LiveClientOptions, "topics">> & { topics?: readonly string[] };
  private socket: WebSocket | null = null;
  private sentToken: string | null = null;
  private lastEventId: string | null = null;
  private readonly seen = new Set<string>();
  private attempts = 0;
  private refusals = 0;
  private everOpened = false;
  private openedAt = 0;
  private gotFrame = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribeToken: (() => void) | null = null;
  private running = false;
  private currentStatus: LiveStatus = "connecting";
  private readonly eventListeners = new Set<(event: LiveEvent) => void>();
  private readonly staleListeners = new Set<(reason: StaleReason) => void>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();

  constructor(options: LiveClientOptions) {
    this.options = {
      WebSocket: globalThis.WebSocket,
      initialDelayMs: 1000,
      maxDelayMs: 30_000,
      silenceMs: 70_000,
      ...options,
    };
  }

  get status(): LiveStatus {
    return this.currentStatus;
  }

  onEvent(listener: (event: LiveEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStale(listener: (reason: StaleReason) => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribeToken = this.options.onTokenChange((token) => this.tokenChanged(token));
    globalThis.addEventListener?.("online", this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.unsubscribeToken?.();
    this.unsubscribeToken = null;
    globalThis.removeEventListener?.("online", this.reconnectNow);
    clearTimeout(this.retryTimer);
    this.drop(1000, "bye");
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private url(): string {
    const url = new URL(this.options.url);
    if (this.options.topics?.length) url.searchParams.set("topics", this.options.topics.join(","));
    if (this.lastEventId) url.searchParams.set("last_event_id", this.lastEventId);
    return url.toString();
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!this.running || this.socket) return;
    const token = this.options.getToken();
    if (!token) {
      this.setStatus("offline"); // a new token (login) connects again
      return;
    }
    this.setStatus(this.everOpened || this.attempts > 0 ? "reconnecting" : "connecting");
    let socket: WebSocket;
    try {
      socket = new this.options.WebSocket(this.url(), ["bearer", token]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.sentToken = token;
    this.gotFrame = false;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = (message: MessageEvent) => this.received(socket, message);
    socket.onclose = (event: CloseEvent) => this.closed(socket, event.code, event.reason);
    socket.onerror = () => {}; // a close event follows
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.openedAt = Date.now();
    this.setStatus("open");
    this.watchSilence();
    // The token may have been refreshed while the handshake ran.
    this.sendToken(this.options.getToken());
    // Whatever happened while there was no connection is unknown: refetch. (Not on the very
    // first connection, made while the page loads what it shows.)
    if (this.everOpened || this.attempts > 0) this.announceStale("reconnected");
    this.everOpened = true;
  }

  private received(socket: WebSocket, message: MessageEvent): void {
    if (socket !== this.socket) return;
    this.gotFrame = true;
    this.watchSilence();
    let frame: unknown;
    try {
      frame = JSON.parse(String(message.data));
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    const { id, type } = frame as { id?: unknown; type?: unknown };
    if (typeof id !== "string") {
      // Control frames have no id: ping, authenticated, resync.
      if (type === "resync") this.announceStale("resync");
      return;
    }
    this.lastEventId = id;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_IDS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    const event = frame as LiveEvent;
    for (const listener of this.eventListeners) listener(event);
  }

  private closed(socket: WebSocket, code: number, reason = ""): void {
    if (socket !== this.socket) return;
    const stable = this.gotFrame || (this.openedAt > 0 && Date.now() - this.openedAt >= STABLE_MS);
    this.forget(socket);
    if (!this.running) return;
    if (stable) this.attempts = 0;
    // A gateway that does not relay some of the topics asked for (an older one) names them:
    // the others are still worth receiving, so ask again without those.
    const unknown = code === CLOSE_BAD_REQUEST ? /^unknown topics: (.+)$/.exec(reason) : null;
    if (unknown && this.options.topics?.length) {
      const refused = new Set(unknown[1]!.split(","));
      const rest = this.options.topics.filter((topic) => !refused.has(topic));
      if (rest.length > 0 && rest.length < this.options.topics.length) {
        this.options.topics = rest;
        this.connect();
        return;
      }
    }
    if (code === CLOSE_FORBIDDEN || code === CLOSE_BAD_REQUEST) {
      this.setStatus("unavailable");
      return;
    }
    if (code === CLOSE_UNAUTHORIZED) {
      // Refused again right after a fresh token: refreshing cannot help, stop asking.
      this.refusals = stable ? 1 : this.refusals + 1;
      if (this.refusals > MAX_REFUSALS) {
        this.setStatus("unavailable");
        return;
      }
      // Expired or refused: a fresh token (the cookie) lets it in again; the session's end
      // (refresh refused) signs the user out and the token listener sees null.
      this.setStatus("reconnecting");
      void this.options.refresh().then((ok) => {
        // The new token usually reconnected already (tokenChanged); else try after a pause.
        if (ok) {
          if (!this.socket) this.scheduleReconnect();
        } else this.setStatus("offline");
      });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.setStatus(this.options.getToken() ? "reconnecting" : "offline");
    const { initialDelayMs, maxDelayMs } = this.options;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempts);
    this.attempts += 1;
    clearTimeout(this.retryTimer);
    // Jitter, so the browsers a gateway restart dropped do not all come back at once.
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }

  /** The network came back: no need to wait out the backoff. */
  private readonly reconnectNow = () => {
    if (this.running && !this.socket && this.retryTimer !== undefined) {
      this.attempts = 0;
      this.connect();
    }
  };

  private tokenChanged(token: string | null): void {
    if (!this.running) return;
    if (!token) {
      clearTimeout(this.retryTimer);
      this.drop(1000, "signed out");
      this.setStatus("offline");
      return;
    }
    if (this.socket) this.sendToken(token);
    else if (this.retryTimer === undefined) this.connect();
  }

  private sendToken(token: string | null): void {
    const socket = this.socket;
    if (!token || !socket || token === this.sentToken) return;
    if (socket.readyState !== 1 /* OPEN */) return; // sent on open
    socket.send(JSON.stringify({ type: "auth", access_token: token }));
    this.sentToken = token;
  }

  private watchSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      // Not even a ping for this long: the connection is dead without knowing it.
      this.drop(CLOSE_CLIENT_GAVE_UP, "silent");
      this.scheduleReconnect();
    }, this.options.silenceMs);
  }

  private announceStale(reason: StaleReason): void {
    for (const listener of this.staleListeners) listener(reason);
  }

  /** Closes the socket without waiting for its close event (a dead one may never send it). */
  private drop(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.forget(socket);
    try {
      socket.close(code, reason);
    } catch {
      // already closing
    }
  }

  private forget(socket: WebSocket): void {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (this.socket === socket) this.socket = null;
    clearTimeout(this.silenceTimer);
    this.openedAt = 0;
  }
}

/** The live socket's URL on this page's origin (the gateway, or Vite's proxy to it). */
export function liveUrl(path = "/api/v1/live"): string {
  const url = new URL(path, globalThis.location?.href ?? "http://localhost/");
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
