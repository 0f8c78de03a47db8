import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { conversation } from "../inbox/fixtures";
import { contactDetail } from "./fixtures";
import { renderApp } from "./testing";

afterEach(() => endSession());

const ACCOUNT = "a0a1b2c3-0000-4000-8000-000000000009";

function detail() {
  return contactDetail({
    name: "Maria Silva",
    phone: "+5511999990001",
    user_id: "BR.1234567890",
    email: null,
    conversations: [
      {
        id: "c0a1b2c3-0000-4000-8000-000000000001",
        channel: "whatsapp_cloud",
        channel_account_id: ACCOUNT,
        status: "open",
        unread_count: 2,
        assigned_user_id: null,
        last_message_at: new Date().toISOString(),
      },
      {
        id: "c0a1b2c3-0000-4000-8000-000000000002",
        channel: "sms",
        channel_account_id: "a0a1b2c3-0000-4000-8000-000000000010",
        status: "closed",
        unread_count: 0,
        assigned_user_id: null,
        last_message_at: "2026-01-01T12:00:00Z",
      },
    ],
  });
}

/** The same conversations as the inbox lists them, with their last messages. */
function inboxPage(maria: ReturnType<typeof detail>) {
  const [whatsapp, sms] = maria.conversations;
  return {
    items: [
      conversation({
        ...whatsapp!,
        contact: { id: maria.id, name: maria.name, phone: maria.phone, user_id: maria.user_id },
        last_message: { preview: "Oi, tudo bem?", direction: "in", at: whatsapp!.last_message_at, status: null },
        status: "open",
      }),
      conversation({
        ...sms!,
        contact: { id: maria.id, name: maria.name, phone: maria.phone, user_id: maria.user_id },
        last_message: { preview: "Obrigada!", direction: "out", at: sms!.last_message_at, status: "delivered" },
        status: "closed",
      }),
    ],
    next_cursor: null,
  };
}

function gateway(maria = detail(), overrides = {}) {
  const patches: unknown[] = [];
  const inboxAsked: (string | null)[] = [];
  fakeGateway({
    "GET /api/v1/inbox/conversations": (request) => {
      const contactId = new URL(request.url).searchParams.get("contact_id");
      inboxAsked.push(contactId);
      return json(contactId === maria.id ? inboxPage(maria) : { items: [], next_cursor: null });
    },
    "POST /api/v1/auth/refresh": () => json(token()),
    [`GET /api/v1/contacts/${maria.id}`]: () => json(maria),
    "GET /api/v1/channels/accounts": () =>
      json({
        items: [{ id: ACCOUNT, channel: "whatsapp_cloud", display_name: "Vendas", phone_number: "+5511988880000" }],
        next_cursor: null,
      }),
    [`PATCH /api/v1/contacts/${maria.id}`]: async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      patches.push(body);
      return json({ ...maria, ...body, conversations: undefined });
    },
    ...overrides,
  });
  return { maria, patches, inboxAsked };
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("contact page", { timeout: 20_000 }, () => {
  it("shows the profile and the conversations, each opening in the inbox", async () => {
    const { maria, inboxAsked } = gateway();
    renderApp(`/contacts/${maria.id}`);

    expect(await screen.findByRole("heading", { name: "Maria Silva" })).toBeInTheDocument();
    expect(screen.getByText("+5511999990001")).toBeInTheDocument();
    expect(screen.getByText("BR.1234567890")).toBeInTheDocument();

    const list = await screen.findByRole("list", { name: "Conversations with this contact" });
    const whatsapp = await within(list).findByRole("link", {
      name: "Open the conversation on WhatsApp · Vendas in the inbox",
    });
    expect(whatsapp).toHaveAttribute("href", `/inbox?conversation=${maria.conversations[0]!.id}`);
    expect(within(whatsapp).getByText("2 unread")).toBeInTheDocument();
    const sms = within(list).getByRole("link", { name: "Open the conversation on SMS in the inbox" });
    expect(sms).toHaveAttribute("href", `/inbox?conversation=${maria.conversations[1]!.id}`);
    expect(within(sms).getByText("Closed")).toBeInTheDocument();
    expect(within(whatsapp).getByText("Oi, tudo bem?")).toBeInTheDocument();
    expect(within(sms).getByText("You: Obrigada!")).toBeInTheDocument();
    expect(inboxAsked).toContain(maria.id);
  });

  it("still lists the conversations when the inbox cannot say more", async () => {
    const { maria } = gateway(detail(), {
      "GET /api/v1/inbox/conversations": () => problem(503, "the crm is not answering"),
    });
    renderApp(`/contacts/${maria.id}`);

    const list = await screen.findByRole("list", { name: "Conversations with this contact" });
    expect(
      within(list).getByRole("link", { name: "Open the conversation on SMS in the inbox" }),
    ).toHaveAttribute("href", `/inbox?conversation=${maria.conversations[1]!.id}`);
  });

  it("saves a new email and says so", async () => {
    const { maria, patches } = gateway();
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const email = await screen.findByRole("textbox", { name: "Email" });

    await user.click(email);
    await user.paste("maria@");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Enter an email address like name@example.com")).toBeInTheDocument();
    expect(patches).toEqual([]);

    await user.click(email);
    await user.paste("example.com");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Contact saved")).toBeInTheDocument();
    expect(patches).toEqual([{ email: "maria@example.com" }]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Save" })).toBeDisabled());
  });

  it("shows the server's refusal at the field", async () => {
    const maria = detail();
    gateway(maria, {
      [`PATCH /api/v1/contacts/${maria.id}`]: () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Invalid request",
            status: 422,
            detail: "the request does not match the schema",
            errors: [{ loc: ["body", "name"], msg: "String should have at most 256 characters", type: "string_too_long" }],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const name = await screen.findByRole("textbox", { name: "Name" });

    await user.clear(name);
    await user.paste("Maria S.");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("String should have at most 256 characters")).toBeInTheDocument();
    expect(await screen.findByText("the request does not match the schema")).toBeInTheDocument();
  });

  it("says when the contact does not exist", async () => {
    const maria = detail();
    gateway(maria, {
      [`GET /api/v1/contacts/${maria.id}`]: () => problem(404, `no contact ${maria.id}`, "contact_not_found"),
    });
    renderApp(`/contacts/${maria.id}`);

    expect(
      await screen.findByText("This contact does not exist, or was merged into another one."),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "All contacts" })).toHaveAttribute("href", "/contacts");
  });
});
