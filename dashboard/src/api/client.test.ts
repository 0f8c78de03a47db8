import { afterEach, describe, expect, it } from "vitest";
import { endSession, startSession } from "../auth/session";
import { fakeGateway, json, ME, problem, token } from "../test/gateway";
import { api } from "./client";

afterEach(() => endSession());

describe("api client", () => {
  it("refreshes once and retries a request refused with 401", async () => {
    const stale = token();
    const fresh = token();
    const authorizations: (string | null)[] = [];
    const seen = fakeGateway({
      "POST /api/v1/auth/refresh": () => json(fresh),
      "GET /api/v1/me": (request) => {
        authorizations.push(request.headers.get("Authorization"));
        return authorizations.length === 1 ? problem(401, "expired") : json(ME);
      },
    });
    startSession(stale);

    const { data } = await api.GET("/api/v1/me");

    expect(data?.tenant.name).toBe(ME.tenant.name);
    expect(authorizations).toEqual([`Bearer ${stale.access_token}`, `Bearer ${fresh.access_token}`]);
    expect(seen).toEqual(["GET /api/v1/me", "POST /api/v1/auth/refresh", "GET /api/v1/me"]);
  });

  it("gives up after one retry when the refresh cookie is no good", async () => {
    const seen = fakeGateway({ "GET /api/v1/me": () => problem(401, "expired") });
    startSession(token());

    const { error, response } = await api.GET("/api/v1/me");

    expect(response.status).toBe(401);
    expect(error).toMatchObject({ detail: "expired" });
    expect(seen).toEqual(["GET /api/v1/me", "POST /api/v1/auth/refresh"]);
  });
});
