import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelAccount, ChannelAlert } from "../../api/channels";
import { endSession } from "../../auth/session";
import { type Handler, ME, fakeGateway, json, problem, token } from "../../test/gateway";
import { alert, limits, smsAccount, whatsappAccount } from "./fixtures";
import { currentAlerts } from "./queries";
import { renderApp } from "./testing";

afterEach(() => endSession());

interface Setup {
  accounts?: ChannelAccount[];
  alerts?: ChannelAlert[];
  role?: string;
  overrides?: Record<string, Handler>;
}

function gateway({ accounts = [], alerts = [], role = "owner", overrides = {} }: Setup = {}) {
  const posted: unknown[] = [];
  let list = [...accounts];
  const seen = fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/me": () => json({ ...ME, role, user: { ...ME.user, role } }),
    "GET /api/v1/channels/accounts": () => json({ items: list, next_cursor: null }),
    "GET /api/v1/channels/alerts": () => json({ items: alerts, next_cursor: null }),
    "POST /api/v1/channels/accounts": async (request) => {
      const body = (await request.json()) as Record<string, string>;
      posted.push(body);
      const created = whatsappAccount({
        id: "a0a1b2c3-0000-4000-8000-000000000099",
        display_name: body.display_name ?? "",
        phone_number: body.phone_number ?? null,
        phone_number_id: body.phone_number_id ?? null,
        waba_id: body.waba_id ?? null,
        access_token: { configured: true, last4: body.access_token?.slice(-4) ?? null },
      });
      list = [...list, created];
      return json(created, 201);
    },
    ...Object.fromEntries(
      [...accounts, whatsappAccount({ id: "a0a1b2c3-0000-4000-8000-000000000099" })].map(
        (account) => [
          `GET /api/v1/channels/accounts/${account.id}/limits`,
          () => json(limits(account)),
        ],
      ),
    ),
    ...overrides,
  });
  return { posted, seen };
}

async function fillWhatsApp(user: ReturnType<typeof userEvent.setup>) {
  const dialog = await screen.findByRole("dialog", { name: "Add a connection" });
  const field = (name: RegExp) => within(dialog).getByLabelText(name);
  await user.click(field(/^Name/));
  await user.paste("Suporte");
  await user.click(field(/^WhatsApp number/));
  await user.paste("+5511977770000");
  await user.click(field(/^Phone number id/));
  await user.paste("123456789012345");
  await user.click(field(/^WhatsApp Business account id/));
  await user.paste("987654321098765");
  await user.click(field(/^Access token/));
  await user.paste("EAAGtoken-abcdWXYZ");
  await user.click(field(/^App secret/));
  await user.paste("0123456789abcdef");
  return dialog;
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("connections page", { timeout: 20_000 }, () => {
  it("shows each account's status, its alert and its daily limit, without WhatsApp Web", async () => {
    const paused = whatsappAccount({ status: "paused", status_reason: "token expired" });
    gateway({
      accounts: [
        paused,
        smsAccount(),
        whatsappAccount({
          id: "a0a1b2c3-0000-4000-8000-000000000003",
          channel: "whatsapp_web",
          display_name: "Celular da loja",
        }),
      ],
      alerts: [alert()],
    });
    renderApp("/connections");

    const card = await screen.findByRole("article", { name: "Vendas" });
    // The badge reads "Status: Paused" to a screen reader, "Paused" on screen.
    expect(within(card).getByText("Paused").parentElement).toHaveTextContent("Status: Paused");
    expect(within(card).getByText("token expired")).toBeInTheDocument();
    const alerts = within(card).getByRole("group", { name: "Alerts for Vendas" });
    expect(within(alerts).getByText("Token expired")).toBeInTheDocument();
    expect(within(alerts).getByText(/enter a new access token/)).toBeInTheDocument();
    expect(await within(card).findByText("120 of 250 customers in 24 h")).toBeInTheDocument();
    expect(within(card).getByText("ending in x9Qz")).toBeInTheDocument();

    const sms = screen.getByRole("article", { name: "SMS avisos" });
    expect(within(sms).getByText("Active").parentElement).toHaveTextContent("Status: Active");
    expect(await within(sms).findByText("No daily limit")).toBeInTheDocument();
    expect(screen.queryByText("Celular da loja")).not.toBeInTheDocument();
  });

  it("adds a WhatsApp number with the body the sender expects, and shows it", async () => {
    const { posted } = gateway({ accounts: [smsAccount()] });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a connection" }));
    const dialog = await fillWhatsApp(user);
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));

    expect(await screen.findByText("Suporte is connected.")).toBeInTheDocument();
    expect(posted).toEqual([
      {
        channel: "whatsapp_cloud",
        display_name: "Suporte",
        phone_number: "+5511977770000",
        phone_number_id: "123456789012345",
        waba_id: "987654321098765",
        access_token: "EAAGtoken-abcdWXYZ",
        app_secret: "0123456789abcdef",
      },
    ]);
    const card = await screen.findByRole("article", { name: "Suporte" });
    expect(within(card).getByText("ending in WXYZ")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("adds a Twilio SMS account with its own fields", async () => {
    const { posted } = gateway({
      overrides: {
        "POST /api/v1/channels/accounts": async (request) => {
          const body = await request.json();
          posted.push(body);
          return json(smsAccount({ display_name: "Avisos" }), 201);
        },
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a connection" }));
    const dialog = await screen.findByRole("dialog", { name: "Add a connection" });
    await user.click(within(dialog).getByRole("radio", { name: "SMS (Twilio)" }));
    await user.click(within(dialog).getByLabelText(/^Name/));
    await user.paste("Avisos");
    await user.click(within(dialog).getByLabelText(/^Account SID/));
    await user.paste("AC0123456789abcdef0123456789abcdef");
    await user.click(within(dialog).getByLabelText(/^Auth token/));
    await user.paste("twilio-auth-7890");
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));
    expect(
      await within(dialog).findByText("Enter a from number or a messaging service SID"),
    ).toBeInTheDocument();

    await user.click(within(dialog).getByLabelText(/^From number/));
    await user.paste("+15005550006");
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));

    expect(await screen.findByText("Avisos is connected.")).toBeInTheDocument();
    expect(posted).toEqual([
      {
        channel: "sms",
        provider: "twilio",
        display_name: "Avisos",
        account_sid: "AC0123456789abcdef0123456789abcdef",
        auth_token: "twilio-auth-7890",
        from_number: "+15005550006",
      },
    ]);
  });

  it("saves a new access token for a paused number", async () => {
    const account = whatsappAccount({ status: "paused", status_reason: "token expired" });
    const patched: unknown[] = [];
    gateway({
      accounts: [account],
      overrides: {
        [`PATCH /api/v1/channels/accounts/${account.id}`]: async (request) => {
          patched.push(await request.json());
          return json(account);
        },
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "New token for Vendas" }));
    const dialog = await screen.findByRole("dialog", { name: "New access token" });
    await user.click(within(dialog).getByLabelText("Access token"));
    await user.paste("EAAGnew-token-1234");
    await user.click(within(dialog).getByRole("button", { name: "Save token" }));

    expect(await screen.findByText("The new token is saved.")).toBeInTheDocument();
    expect(patched).toEqual([{ access_token: "EAAGnew-token-1234" }]);
    expect(screen.getByRole("button", { name: "Resume sending from Vendas" })).toBeInTheDocument();
  });

  it("checks the form before sending it", async () => {
    const { posted } = gateway();
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a WhatsApp number" }));
    const dialog = await screen.findByRole("dialog", { name: "Add a connection" });
    await user.click(within(dialog).getByLabelText(/^WhatsApp number/));
    await user.paste("11 97777-0000");
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));

    expect(
      await within(dialog).findByText(
        "Use the international format: + and 7 to 15 digits, e.g. +5511999990000",
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getAllByText("Required").length).toBeGreaterThan(0);
    expect(posted).toEqual([]);
  });

  it("shows the sender's validation error at its field", async () => {
    gateway({
      overrides: {
        "POST /api/v1/channels/accounts": () =>
          new Response(
            JSON.stringify({
              type: "about:blank",
              title: "Invalid request",
              status: 422,
              detail: "the request does not match the schema",
              errors: [
                {
                  loc: ["body", "whatsapp_cloud", "access_token"],
                  msg: "String should have at most 4096 characters",
                  type: "string_too_long",
                },
              ],
            }),
            { status: 422, headers: { "Content-Type": "application/problem+json" } },
          ),
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a connection" }));
    const dialog = await fillWhatsApp(user);
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));

    expect(
      await within(dialog).findByText("String should have at most 4096 characters"),
    ).toBeInTheDocument();
    expect(within(dialog).getByText("the request does not match the schema")).toBeInTheDocument();
    expect(screen.getByRole("dialog", { name: "Add a connection" })).toBeInTheDocument();
  });

  it("shows a conflict the sender explains", async () => {
    gateway({
      overrides: {
        "POST /api/v1/channels/accounts": () =>
          problem(409, "another channel account already uses this phone_number_id", "conflict"),
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a connection" }));
    const dialog = await fillWhatsApp(user);
    await user.click(within(dialog).getByRole("button", { name: "Connect" }));

    expect(
      await within(dialog).findByText("another channel account already uses this phone_number_id"),
    ).toBeInTheDocument();
  });

  it("tests an account and shows what the provider said", async () => {
    const account = whatsappAccount();
    gateway({
      accounts: [account],
      overrides: {
        [`POST /api/v1/channels/accounts/${account.id}/test`]: () =>
          json({
            ok: false,
            error: { code: "token_expired", title: "Unauthorized", detail: "Error validating access token", http_status: 401 },
          }),
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Test the credentials of Vendas" }));

    const card = screen.getByRole("article", { name: "Vendas" });
    expect(
      await within(card).findByText("Unauthorized: Error validating access token"),
    ).toBeInTheDocument();
    expect(within(card).getByText("The provider refused the credentials.")).toBeInTheDocument();
  });

  it("deletes an account only after confirmation", async () => {
    const account = whatsappAccount();
    const { seen } = gateway({
      accounts: [account],
      overrides: {
        [`DELETE /api/v1/channels/accounts/${account.id}`]: () => new Response(null, { status: 204 }),
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Delete Vendas" }));
    const confirm = await screen.findByRole("dialog", { name: "Delete this connection?" });
    expect(seen).not.toContain(`DELETE /api/v1/channels/accounts/${account.id}`);
    await user.click(within(confirm).getByRole("button", { name: "Delete connection" }));

    expect(await screen.findByText("Vendas was deleted.")).toBeInTheDocument();
    expect(seen).toContain(`DELETE /api/v1/channels/accounts/${account.id}`);
  });

  it("shows the sender's refusal of a resume", async () => {
    const account = whatsappAccount({ status: "paused", status_reason: "paused by a person" });
    gateway({
      accounts: [account],
      overrides: {
        [`POST /api/v1/channels/accounts/${account.id}/resume`]: () =>
          problem(403, "this action needs the admin role or above; the caller is agent", "insufficient_role"),
      },
    });
    renderApp("/connections");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Resume sending from Vendas" }));

    expect(
      await screen.findByText("this action needs the admin role or above; the caller is agent"),
    ).toBeInTheDocument();
  });

  it("lets agents look but not change", async () => {
    gateway({ accounts: [whatsappAccount()], role: "agent" });
    renderApp("/connections");

    expect(await screen.findByRole("article", { name: "Vendas" })).toBeInTheDocument();
    expect(
      await screen.findByText("Only owners and administrators can add, pause or delete connections."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add a connection" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Test the credentials/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete/ })).not.toBeInTheDocument();
  });
});

describe("current alerts", () => {
  it("keeps those since the last resume, one per kind, daily limits for 24 hours", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    const id = whatsappAccount().id;
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000).toISOString();
    const alerts = [
      alert({ id: "1", kind: "daily_limit_reached", occurred_at: at(30) }),
      alert({ id: "2", kind: "token_expired", occurred_at: at(2) }),
      alert({ id: "3", kind: "token_expired", occurred_at: at(3) }),
      alert({ id: "4", kind: "resumed", occurred_at: at(5) }),
      alert({ id: "5", kind: "spam_limit", occurred_at: at(6) }),
      alert({ id: "6", kind: "daily_limit_near", occurred_at: at(1), channel_account_id: "other" }),
    ];
    expect(currentAlerts(alerts, id, now).map((a) => a.id)).toEqual(["2"]);
  });
});
