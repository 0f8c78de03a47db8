import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json } from "../../test/gateway";
import { TAG_LEAD, TAG_VIP, contactDetail, field, tagOut } from "./fixtures";
import { crmLookups, renderApp } from "./testing";

afterEach(() => endSession());

const SLOW = { timeout: 15_000 };
const fields = [
  field({ key: "plan", label: "Plan", kind: "select", options: ["gold", "silver"] }),
  field({ key: "employees", label: "Employees", kind: "number" }),
  field({ key: "site", label: "Website", kind: "url" }),
  field({ key: "vip_since", label: "VIP since", kind: "date" }),
  field({ key: "newsletter", label: "Newsletter", kind: "boolean" }),
];

function consent(status: "opted_in" | "opted_out" | null) {
  return {
    contact_id: "x",
    marketing_requires_consent: true,
    channels: [
      {
        channel: "whatsapp",
        status,
        source: status ? "import" : null,
        actor_user_id: null,
        occurred_at: status ? "2026-11-01T10:00:00Z" : null,
        may_market: status === "opted_in",
      },
      { channel: "sms", status: null, source: null, actor_user_id: null, occurred_at: null, may_market: false },
      { channel: "email", status: null, source: null, actor_user_id: null, occurred_at: null, may_market: false },
    ],
    history: {
      items: status
        ? [
            {
              id: "ce000000-0000-4000-8000-000000000001",
              channel: "whatsapp",
              status,
              source: "import",
              actor_user_id: null,
              actor_api_key_id: null,
              note: null,
              occurred_at: "2026-11-01T10:00:00Z",
              created_at: "2026-11-01T10:00:00Z",
            },
          ]
        : [],
      next_cursor: null,
    },
  };
}

const MARIA = contactDetail({
  name: "Maria Silva",
  tags: [TAG_VIP],
  fields: { plan: "gold", employees: 12 },
  time_zone: "America/Sao_Paulo",
  time_zone_derived: true,
});

function gateway(overrides = {}) {
  const maria = MARIA;
  void contactDetail({
    name: "Maria Silva",
    tags: [TAG_VIP],
    fields: { plan: "gold", employees: 12 },
    time_zone: "America/Sao_Paulo",
    time_zone_derived: true,
  });
  const sent: { what: string; body: unknown }[] = [];
  let state = consent("opted_in");
  fakeGateway({
    ...crmLookups({ tags: [tagOut(TAG_VIP), tagOut(TAG_LEAD)], fields }),
    [`GET /api/v1/contacts/${maria.id}`]: () => json(maria),
    "GET /api/v1/channels/accounts": () => json({ items: [], next_cursor: null }),
    [`GET /api/v1/contacts/${maria.id}/consent`]: () => json(state),
    [`POST /api/v1/contacts/${maria.id}/consent`]: async (request) => {
      const body = (await request.json()) as { status: "opted_out" };
      sent.push({ what: "consent", body });
      state = consent(body.status);
      return json({ changed: true, consent: state.channels[0], event: state.history.items[0] });
    },
    [`GET /api/v1/contacts/${maria.id}/timeline`]: () =>
      json({
        items: [
          { kind: "message", id: "m1", at: "2026-11-20T12:00:00Z", conversation_id: "c1", channel: "whatsapp", direction: "in", type: "text", text: "Oi, tudo bem?", status: null, error_code: null, sent_by_user_id: null },
          { kind: "stage_change", id: "s1", at: "2026-11-19T12:00:00Z", lead_id: "l1", lead_title: "Padaria", pipeline_id: "p1", from_stage_id: "a", from_stage_name: "New", to_stage_id: "b", to_stage_name: "Won", actor_kind: "user", actor_user_id: null, reason: null, confidence: null },
          { kind: "consent_change", id: "cc1", at: "2026-11-01T10:00:00Z", channel: "whatsapp", status: "opted_in", source: "import", actor_user_id: null, note: null },
        ],
        next_cursor: null,
      }),
    "GET /api/v1/leads": () => json({ items: [], next_cursor: null }),
    [`PATCH /api/v1/contacts/${maria.id}`]: async (request) => {
      const body = await request.json();
      sent.push({ what: "patch", body });
      return json({ ...maria, ...(body as object), conversations: undefined });
    },
    [`POST /api/v1/contacts/${maria.id}/tags`]: async (request) => {
      sent.push({ what: "tag", body: await request.json() });
      return json(maria);
    },
    [`DELETE /api/v1/contacts/${maria.id}/tags/${TAG_VIP.id}`]: () => {
      sent.push({ what: "untag", body: TAG_VIP.id });
      return json(maria);
    },
    ...overrides,
  });
  return { maria, sent };
}

describe("contact page: consent, fields, tags, timeline", { timeout: 30_000 }, () => {
  it("shows consent per channel with its history and records a change", async () => {
    const { maria, sent } = gateway();
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Consent per channel" }, SLOW);
    const whatsapp = within(table).getByRole("row", { name: /WhatsApp/ });
    expect(await within(whatsapp).findByText("Opted in")).toBeInTheDocument();
    expect(within(within(table).getByRole("row", { name: /SMS/ })).getByText("Never asked")).toBeInTheDocument();
    const history = screen.getByRole("list", { name: "History" });
    expect(within(history).getByText(/WhatsApp: Opted in \(import, automatic\)/)).toBeInTheDocument();

    await user.click(within(whatsapp).getByRole("button", { name: "Opt out on WhatsApp" }));
    const dialog = await screen.findByRole("dialog", { name: "Change the consent?" });
    await user.click(within(dialog).getByRole("button", { name: "Opt out" }));

    await waitFor(() => expect(sent).toContainEqual({ what: "consent", body: { channel: "whatsapp", status: "opted_out" } }));
    expect(await within(screen.getByRole("table", { name: "Consent per channel" })).findByText("Opted out")).toBeInTheDocument();
  });

  it("edits custom fields with an input per kind and shows the crm's refusal at the field", async () => {
    const { maria, sent } = gateway();
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const form = await screen.findByRole("form", { name: "Custom fields" }, SLOW);

    expect(await within(form).findByRole("textbox", { name: "Plan" })).toHaveValue("gold");
    expect(within(form).getByRole("textbox", { name: "Employees" })).toHaveValue("12");
    expect(within(form).getByLabelText("VIP since")).toHaveAttribute("type", "date");
    expect(within(form).getByRole("checkbox", { name: "Newsletter" })).not.toBeChecked();

    // The browser's own check first: a web address must look like one.
    await user.type(within(form).getByRole("textbox", { name: "Website" }), "acme");
    await user.click(within(form).getByRole("button", { name: "Save the fields" }));
    expect(await within(form).findByText("Enter an address that starts with https://")).toBeInTheDocument();
    expect(sent.filter((item) => item.what === "patch")).toEqual([]);

    await user.clear(within(form).getByRole("textbox", { name: "Website" }));
    await user.type(within(form).getByRole("textbox", { name: "Website" }), "https://acme.example");
    await user.click(within(form).getByRole("checkbox", { name: "Newsletter" }));
    await user.click(within(form).getByRole("button", { name: "Save the fields" }));
    await waitFor(() =>
      expect(sent.filter((item) => item.what === "patch").at(-1)?.body).toEqual({
        fields: { site: "https://acme.example", newsletter: true },
      }),
    );
  });

  it("puts the crm's field error under the field it names", async () => {
    const maria0 = MARIA;
    gateway({
      [`PATCH /api/v1/contacts/${maria0.id}`]: () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Invalid custom field value",
            status: 422,
            code: "invalid_field_value",
            detail: "employees: not a number",
            errors: [{ loc: ["body", "fields", "employees"], msg: "must be a whole number", type: "invalid_field_value" }],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp(`/contacts/${maria0.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const form = await screen.findByRole("form", { name: "Custom fields" }, SLOW);
    const employees = await within(form).findByRole("textbox", { name: "Employees" });
    await user.clear(employees);
    await user.type(employees, "12.5");
    await user.click(within(form).getByRole("button", { name: "Save the fields" }));

    expect(await within(form).findByText("must be a whole number")).toBeInTheDocument();
    expect(employees).toHaveAttribute("aria-invalid", "true");
  });

  it("removes and adds tags, and shows the derived time zone as such", async () => {
    const { maria, sent } = gateway();
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const zone = await screen.findByRole("textbox", { name: "Time zone" }, SLOW);
    expect(zone).toHaveValue("");
    expect(zone).toHaveAttribute("placeholder", "America/Sao_Paulo (from the phone number)");

    await user.click(screen.getByRole("button", { name: "Remove the tag VIP" }));
    await waitFor(() => expect(sent).toContainEqual({ what: "untag", body: TAG_VIP.id }));
    const input = screen.getByRole("textbox", { name: "Add tags" });
    await user.click(input);
    const listbox = await waitFor(() => document.getElementById(input.getAttribute("aria-controls") ?? "")!);
    await user.click(await within(listbox).findByRole("option", { name: "Hot lead", hidden: true }));
    await user.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(sent).toContainEqual({ what: "tag", body: { tag_ids: [TAG_LEAD.id] } }));
  });

  it("lists the timeline: messages, stage changes, consent changes", async () => {
    const { maria } = gateway();
    renderApp(`/contacts/${maria.id}`);

    const timeline = await screen.findByRole("list", { name: "Timeline" }, SLOW);
    expect(within(timeline).getByText("Oi, tudo bem?")).toBeInTheDocument();
    expect(within(timeline).getByText("Padaria: New → Won")).toBeInTheDocument();
    expect(within(timeline).getByText("WhatsApp: Opted in (import)")).toBeInTheDocument();
  });

  it("erases the contact only after its name is typed (owners and admins)", async () => {
    const erased: string[] = [];
    const maria = MARIA;
    gateway({
      [`POST /api/v1/contacts/${maria.id}/erase`]: () => {
        erased.push(maria.id);
        return json({ contact_id: maria.id, erased_at: "2026-11-20T12:00:00Z", conversations: 0, messages: 0, leads: 0, status: "erased_here" }, 202);
      },
      "GET /api/v1/contacts": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/me": () => json(ME),
    });
    renderApp(`/contacts/${maria.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Erase this contact" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Erase this contact everywhere?" });
    const button = within(dialog).getByRole("button", { name: "Erase for good" });
    expect(button).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox", { name: "Type “Maria Silva” to confirm" }), "Maria Silva");
    await user.click(button);

    await waitFor(() => expect(erased).toEqual([maria.id]));
    expect(await screen.findByText("The contact was erased.")).toBeInTheDocument();
  });
});
