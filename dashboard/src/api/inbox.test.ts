import { afterEach, describe, expect, it } from "vitest";
import { endSession, startSession } from "../auth/session";
import { fakeGateway, json, problem, token } from "../test/gateway";
import { inboxApi } from "./inbox";

afterEach(() => endSession());

describe("inbox client", () => {
  it("sends the access token and refreshes once on a 401, like the gateway client", async () => {
    const stale = token();
    const fresh = token();
    const authorizations: (string | null)[] = [];
    const seen = fakeGateway({
      "POST /api/v1/auth/refresh": () => json(fresh),
      "GET /api/v1/inbox/conversations": (request) => {
        authorizations.push(request.headers.get("Authorization"));
        if (authorizations.length === 1) return problem(401, "expired");
        expect(new URL(request.url).searchParams.get("unread")).toBe("true");
        return json({ items: [], next_cursor: null });
      },
    });
    startSession(stale);

    const { data } = await inboxApi.GET("/api/v1/inbox/conversations", {
      params: { query: { unread: true } },
    });

    expect(data).toEqual({ items: [], next_cursor: null });
    expect(authorizations).toEqual([`Bearer ${stale.access_token}`, `Bearer ${fresh.access_token}`]);
    expect(seen).toEqual([
      "GET /api/v1/inbox/conversations",
      "POST /api/v1/auth/refresh",
      "GET /api/v1/inbox/conversations",
    ]);
  });
});
