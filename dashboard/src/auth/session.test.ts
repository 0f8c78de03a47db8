import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeGateway, json, problem, token } from "../test/gateway";
import { authorizationHeader, endSession, refreshSession, startSession } from "./session";

afterEach(() => {
  endSession();
  vi.useRealTimers();
});

describe("session", () => {
  it("spends the refresh cookie a minute before the access token expires", async () => {
    vi.useFakeTimers();
    const fresh = token();
    const seen = fakeGateway({ "POST /api/v1/auth/refresh": () => json(fresh) });
    startSession(token(900));

    await vi.advanceTimersByTimeAsync(839_000);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(seen).toEqual(["POST /api/v1/auth/refresh"]);
    expect(authorizationHeader()).toBe(`Bearer ${fresh.access_token}`);
  });

  it("shares one refresh among callers that need it at once", async () => {
    const seen = fakeGateway({ "POST /api/v1/auth/refresh": () => json(token()) });

    const results = await Promise.all([refreshSession(), refreshSession(), refreshSession()]);

    expect(results).toEqual([true, true, true]);
    expect(seen).toEqual(["POST /api/v1/auth/refresh"]);
  });

  it("ends the session when the cookie is refused", async () => {
    fakeGateway({ "POST /api/v1/auth/refresh": () => problem(401, "expired") });
    startSession(token());

    expect(await refreshSession()).toBe(false);
    expect(authorizationHeader()).toBeNull();
  });
});
