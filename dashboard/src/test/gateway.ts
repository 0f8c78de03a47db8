// A fake gateway at the network edge: replaces fetch with handlers keyed by "METHOD path",
// answering like the real one (JSON bodies, problem+json errors). Unhandled calls fail loudly.
import { vi } from "vitest";

export type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function problem(status: number, detail: string, code = "error"): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: "Error", status, detail, code }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

export function token(seconds = 900) {
  return {
    access_token: `token-${Math.random()}`,
    token_type: "bearer",
    expires_in: seconds,
    expires_at: new Date(Date.now() + seconds * 1000).toISOString(),
  };
}

export const ME = {
  kind: "user",
  user: {
    id: "6f1c9f38-6d3c-4c36-8d0a-5c2b1d2f0a11",
    email: "ana@acme.example",
    name: "Ana",
    role: "owner",
    is_platform_admin: false,
  },
  tenant: {
    id: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
    name: "Acme Comércio",
    slug: "acme",
    timezone: "America/Sao_Paulo",
    status: "active",
  },
  role: "owner",
  scopes: [],
};

/** Installs the fake; returns the requests it saw, as "METHOD path" strings. */
export function fakeGateway(overrides: Record<string, Handler> = {}): string[] {
  const seen: string[] = [];
  const handlers: Record<string, Handler> = {
    "POST /api/v1/auth/refresh": () => problem(401, "no session", "refresh_invalid"),
    "GET /api/v1/auth/oauth/providers": () => json({ providers: [] }),
    "GET /api/v1/me": () => json(ME),
    "POST /api/v1/auth/logout": () => new Response(null, { status: 204 }),
    // A tenant without conversations yet: the inbox is where the app lands.
    "GET /api/v1/inbox/conversations": () => json({ items: [], next_cursor: null }),
    ...overrides,
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const key = `${request.method} ${new URL(request.url).pathname}`;
      seen.push(key);
      const handler = handlers[key];
      if (!handler) throw new Error(`unexpected request ${key}`);
      return handler(request);
    }),
  );
  return seen;
}
