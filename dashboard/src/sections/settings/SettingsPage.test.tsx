import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem } from "../../test/gateway";
import { meAs, renderSignedIn } from "../team/testing";
import SettingsPage from "./SettingsPage";

afterEach(() => {
  cleanup();
  endSession();
});

const TENANT = {
  id: "0c9d7f3e-1f55-4a8e-9b8e-2b7a0e5f9c22",
  name: "Acme Comércio",
  slug: "acme",
  timezone: "America/Sao_Paulo",
  business_hours: { mon: [{ open: "09:00", close: "18:00" }] },
  settings: {},
  status: "active",
  created_at: "2026-01-01T00:00:00Z",
};

const KEY = {
  id: "0193a000-0000-7000-8000-0000000000c1",
  name: "ERP sync",
  prefix: "a1b2c3d4e5f6",
  role: "agent",
  scopes: ["contacts"],
  created_at: "2026-11-01T10:00:00Z",
  last_used_at: null,
  revoked_at: null,
};

function gateway(overrides: Parameters<typeof fakeGateway>[0] = {}) {
  return fakeGateway({
    "GET /api/v1/tenant": () => json(TENANT),
    "GET /api/v1/api-keys": () => json({ items: [], next_cursor: null }),
    ...overrides,
  });
}

async function retype(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, value: string) {
  await user.clear(input);
  await user.type(input, value);
}

// Typing into whole forms is slow on a machine busy with other suites; no test waits on time.
describe("settings page", { timeout: 30_000 }, () => {
  it("blocks a bad interval, then saves good hours with the right body", async () => {
    const bodies: unknown[] = [];
    gateway({
      "PATCH /api/v1/tenant": async (request) => {
        const body = (await request.json()) as { business_hours: Record<string, unknown> };
        bodies.push(body);
        return json({ ...TENANT, ...body });
      },
    });
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const closes = await screen.findByLabelText("Monday closes (interval 1)");
    await retype(user, closes, "08:00");
    await user.click(screen.getByRole("button", { name: "Add hours on Monday" }));
    await retype(user, screen.getByLabelText("Monday opens (interval 2)"), "17:00");
    await retype(user, screen.getByLabelText("Monday closes (interval 2)"), "19:00");
    const form = closes.closest("form")!;
    await user.click(within(form).getByRole("button", { name: "Save" }));

    expect(
      await screen.findByText("Must be after the opening time (intervals cannot cross midnight)"),
    ).toBeInTheDocument();
    expect(screen.getByText("Fix the highlighted hours before saving.")).toBeInTheDocument();
    expect(bodies).toEqual([]);

    await retype(user, closes, "12:00");
    await user.click(screen.getByRole("switch", { name: "Open on Saturday" }));
    await retype(user, screen.getByLabelText("Saturday closes (interval 1)"), "14:00");
    await user.click(within(form).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        {
          business_hours: {
            mon: [
              { open: "09:00", close: "12:00" },
              { open: "17:00", close: "19:00" },
            ],
            tue: [],
            wed: [],
            thu: [],
            fri: [],
            sat: [{ open: "09:00", close: "14:00" }],
            sun: [],
          },
        },
      ]),
    );
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
  });

  it("flags overlapping intervals", async () => {
    const seen = gateway();
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add hours on Monday" }));
    await retype(user, screen.getByLabelText("Monday opens (interval 2)"), "12:00");
    await retype(user, screen.getByLabelText("Monday closes (interval 2)"), "20:00");
    await user.click(screen.getAllByRole("button", { name: "Save" })[1]!);

    expect(await screen.findByText("Overlaps another interval of this day")).toBeInTheDocument();
    expect(seen).not.toContain("PATCH /api/v1/tenant");
  });

  it("renames the company and shows the server's refusal", async () => {
    const bodies: unknown[] = [];
    gateway({
      "PATCH /api/v1/tenant": async (request) => {
        const body = (await request.json()) as { name: string };
        bodies.push(body);
        if (body.name === "Acme Brasil") return problem(409, "that name is reserved", "name");
        return json({ ...TENANT, ...body });
      },
    });
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const name = await screen.findByLabelText("Company name");
    expect(screen.getByRole("textbox", { name: "Time zone" })).toHaveValue("America/Sao_Paulo");
    await retype(user, name, "Acme Brasil");
    const form = name.closest("form")!;
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("that name is reserved")).toBeInTheDocument();

    await retype(user, name, "Acme Ltda");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(bodies).toEqual([
        { name: "Acme Brasil", timezone: "America/Sao_Paulo" },
        { name: "Acme Ltda", timezone: "America/Sao_Paulo" },
      ]),
    );
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
  });

  it("finds a time zone by searching and saves it", async () => {
    const bodies: unknown[] = [];
    gateway({
      "PATCH /api/v1/tenant": async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return json({ ...TENANT, ...body });
      },
    });
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const zone = await screen.findByRole("textbox", { name: "Time zone" });
    await user.clear(zone);
    await user.type(zone, "Lisbon");
    await user.click(await screen.findByRole("option", { name: "Europe/Lisbon", hidden: true }));
    expect(zone).toHaveValue("Europe/Lisbon");
    await user.click(within(zone.closest("form")!).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(bodies).toEqual([{ name: "Acme Comércio", timezone: "Europe/Lisbon" }]),
    );
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
  });

  it("creates an API key and shows its secret once", async () => {
    const bodies: unknown[] = [];
    gateway({
      "POST /api/v1/api-keys": async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return json({ ...KEY, ...body, key: "mia_a1b2c3d4e5f6_s3cr3t-value" }, 201);
      },
    });
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(
      await screen.findByText("No API keys yet. Create one to connect your own systems."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create key" }));
    const dialog = await screen.findByRole("dialog", { name: "New API key" });
    await user.type(within(dialog).getByLabelText("Name"), "ERP sync");
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Role" }), "Manager");
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));

    await waitFor(() =>
      expect(bodies).toEqual([{ name: "ERP sync", role: "manager", scopes: ["*"] }]),
    );
    const shown = await screen.findByRole("dialog", { name: "Copy the key now" });
    expect(within(shown).getByText(/This is the only time the key is shown/)).toBeInTheDocument();
    expect(within(shown).getByLabelText("API key")).toHaveTextContent(
      "mia_a1b2c3d4e5f6_s3cr3t-value",
    );
    await user.click(within(shown).getByRole("button", { name: "I have stored it" }));

    await waitFor(() => expect(screen.queryByText("mia_a1b2c3d4e5f6_s3cr3t-value")).toBeNull());
    const table = await screen.findByRole("table", { name: "API keys" });
    expect(within(table).getByText("ERP sync")).toBeInTheDocument();
    expect(within(table).getByText("mia_a1b2c3d4e5f6_…")).toBeInTheDocument();
  });

  it("revokes a key after confirmation", async () => {
    gateway({
      "GET /api/v1/api-keys": () => json({ items: [KEY], next_cursor: null }),
      [`DELETE /api/v1/api-keys/${KEY.id}`]: () => new Response(null, { status: 204 }),
    });
    renderSignedIn(<SettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Revoke the key ERP sync" }));
    const dialog = await screen.findByRole("dialog", { name: "Revoke ERP sync?" });
    await user.click(within(dialog).getByRole("button", { name: "Revoke" }));

    expect(await screen.findByText("The key ERP sync was revoked.")).toBeInTheDocument();
    expect(await screen.findByText("Revoked")).toBeInTheDocument();
  });

  it("shows a non-admin the settings read-only, without API keys", async () => {
    const seen = gateway({ "GET /api/v1/me": () => json(meAs("manager")) });
    renderSignedIn(<SettingsPage />);

    expect(await screen.findByLabelText("Company name")).toBeDisabled();
    expect(
      screen.getByText("Only admins and owners can change these settings."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("Monday opens (interval 1)")).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add hours on Monday" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Create key" })).not.toBeInTheDocument();
    expect(
      screen.getByText("Only admins and owners can see and manage API keys."),
    ).toBeInTheDocument();
    expect(seen).not.toContain("GET /api/v1/api-keys");
  });
});
