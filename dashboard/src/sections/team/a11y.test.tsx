import { cleanup, screen } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json } from "../../test/gateway";
import SettingsPage from "../settings/SettingsPage";
import TeamPage from "./TeamPage";
import { renderSignedIn } from "./testing";

afterEach(() => {
  cleanup();
  endSession();
});

async function violations() {
  const result = await axe.run(document.body, {
    // jsdom lays nothing out: contrast and scrolling cannot be judged here.
    rules: {
      "color-contrast": { enabled: false },
      "scrollable-region-focusable": { enabled: false },
    },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("accessibility", { timeout: 30_000 }, () => {
  it("the team page has no serious violations", async () => {
    fakeGateway({
      // One page and a cursor to a second, empty one (the teams' names read every page).
      "GET /api/v1/users": (request) =>
        new URL(request.url).searchParams.get("cursor")
          ? json({ items: [], next_cursor: null })
          : json({
              items: [
                { ...ME.user, disabled: false, last_login_at: null, created_at: "2026-01-01T00:00:00Z" },
                {
                  id: "0193a000-0000-7000-8000-000000000002",
                  email: "bruno@acme.example",
                  name: "Bruno",
                  role: "agent",
                  disabled: true,
                  last_login_at: "2026-11-27T12:00:00Z",
                  created_at: "2026-02-01T00:00:00Z",
                },
              ],
              next_cursor: "0193a000-0000-7000-8000-000000000002",
            }),
      "GET /api/v1/teams": () =>
        json({
          items: [
            {
              id: "0193b000-0000-7000-8000-0000000000a1",
              name: "Support",
              description: "Questions after a sale",
              member_ids: [ME.user.id, "0193a000-0000-7000-8000-000000000002"],
              created_at: "2026-11-01T00:00:00Z",
              updated_at: "2026-11-01T00:00:00Z",
            },
          ],
          next_cursor: null,
        }),
      "GET /api/v1/invitations": () =>
        json({
          items: [
            {
              id: "0193a000-0000-7000-8000-0000000000a1",
              email: "carla@acme.example",
              role: "manager",
              expires_at: "2099-01-01T00:00:00Z",
              created_at: "2026-11-28T00:00:00Z",
            },
          ],
          next_cursor: null,
        }),
    });
    renderSignedIn(<TeamPage />);
    await screen.findByRole("button", { name: "Enable Bruno" });
    await screen.findByText("carla@acme.example");
    await screen.findByText("Ana, Bruno (disabled)");

    expect(await violations()).toEqual([]);
  });

  it("the settings page has no serious violations", async () => {
    fakeGateway({
      "GET /api/v1/tenant": () =>
        json({
          id: ME.tenant.id,
          name: "Acme Comércio",
          slug: "acme",
          timezone: "America/Sao_Paulo",
          business_hours: { mon: [{ open: "09:00", close: "18:00" }] },
          settings: {},
          status: "active",
          created_at: "2026-01-01T00:00:00Z",
        }),
      "GET /api/v1/api-keys": () =>
        json({
          items: [
            {
              id: "0193a000-0000-7000-8000-0000000000c1",
              name: "ERP sync",
              prefix: "a1b2c3d4e5f6",
              role: "agent",
              scopes: ["*"],
              created_at: "2026-11-01T10:00:00Z",
              last_used_at: null,
              revoked_at: null,
            },
          ],
          next_cursor: null,
        }),
    });
    renderSignedIn(<SettingsPage />);
    await screen.findByRole("button", { name: "Revoke the key ERP sync" });

    expect(await violations()).toEqual([]);
  });

  it("the team form has no serious violations", async () => {
    fakeGateway({
      "GET /api/v1/users": () =>
        json({
          items: [
            { ...ME.user, disabled: false, last_login_at: null, created_at: "2026-01-01T00:00:00Z" },
          ],
          next_cursor: null,
        }),
      "GET /api/v1/invitations": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/teams": () => json({ items: [], next_cursor: null }),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "New team" }));
    await screen.findByRole("checkbox", { name: "Ana" });

    expect(await violations()).toEqual([]);
  });
});
