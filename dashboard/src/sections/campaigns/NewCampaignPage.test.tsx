import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { whatsappAccount } from "../connections/fixtures";
import { renderApp } from "../connections/testing";
import { contact, field } from "../contacts/fixtures";
import { campaign, channelTemplate, libraryTemplate, review, SEGMENT } from "./fixtures";
import { renderPreview } from "./preview";

afterEach(() => endSession());

const ACCOUNT = whatsappAccount({ display_name: "Vendas" });
const MARIA = contact({ name: "Maria Souza", phone: "+5511988880001" });
const JOAO = contact({ name: "João Lima", phone: "+5511988880002" });
const APPROVED = libraryTemplate({
  name: "Natal aprovado",
  body: "Feliz Natal, {{first_name|cliente}}!",
  footer: "Loja Acme",
  buttons: [{ type: "quick_reply", text: "Quero o cupom" }],
  meta_status: "APPROVED",
  channel_account_id: ACCOUNT.id,
});
const PENDING = libraryTemplate({ name: "Em análise", meta_status: "PENDING", channel_account_id: ACCOUNT.id });
const SMS_ONLY = libraryTemplate({ name: "Só SMS", channel: "sms" });

type User = ReturnType<typeof userEvent.setup>;

function api(overrides: Record<string, Handler> = {}, reviewOf: Handler = () => json(review())) {
  const created: unknown[] = [];
  const patched: unknown[] = [];
  const launched: unknown[] = [];
  const searches: string[] = [];
  const draft = campaign({ name: "Natal" });
  const seen = fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () =>
      json({
        items: [ACCOUNT, whatsappAccount({ id: "a0a1b2c3-0000-4000-8000-00000000000f", display_name: "Parada", status: "paused" })],
        next_cursor: null,
      }),
    "GET /api/v1/segments": () => json({ items: [SEGMENT], next_cursor: null }),
    "GET /api/v1/contacts": (request) => {
      const q = new URL(request.url).searchParams.get("q") ?? "";
      searches.push(q);
      const all = [MARIA, JOAO];
      return json({ items: all.filter((c) => !q || c.name!.toLowerCase().includes(q.toLowerCase())), next_cursor: null });
    },
    [`GET /api/v1/channels/accounts/${ACCOUNT.id}/templates`]: () =>
      json({ items: [channelTemplate(), channelTemplate({ name: "aviso", body: "Aviso geral.", variables: 0 })] }),
    "GET /api/v1/templates": () => json({ items: [APPROVED, PENDING, SMS_ONLY], next_cursor: null }),
    "POST /api/v1/campaigns": async (request) => {
      created.push(await request.json());
      return json(draft, 201);
    },
    [`PATCH /api/v1/campaigns/${draft.id}`]: async (request) => {
      patched.push(await request.json());
      return json(draft);
    },
    [`GET /api/v1/campaigns/${draft.id}/review`]: reviewOf,
    [`POST /api/v1/campaigns/${draft.id}/launch`]: async (request) => {
      launched.push(await request.json());
      return json({ ...draft, status: "running" });
    },
    [`GET /api/v1/campaigns/${draft.id}`]: () => json({ ...draft, status: "running" }),
    [`GET /api/v1/campaigns/${draft.id}/recipients`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/custom-fields": () => json({ items: [field({ key: "plan", label: "Plan", kind: "text" })] }),
    ...overrides,
  });
  return { created, patched, launched, searches, draft, seen };
}

async function choose(user: User, label: string, option: string | RegExp) {
  await user.click(screen.getByRole("textbox", { name: label }));
  await user.click(await within(document.body).findByRole("option", { name: option, hidden: true }));
}

async function noSeriousViolations() {
  const result = await axe.run(document.body, {
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Braces are special to user-event's keyboard: pasted instead. */
async function paste(user: User, label: string, text: string) {
  const box = screen.getByRole("textbox", { name: label });
  await user.clear(box);
  await user.click(box);
  await user.paste(text);
}

const next = (user: User) => user.click(screen.getByRole("button", { name: "Next" }));

async function audienceWithSegment(user: User, name = "Natal") {
  await user.type(await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 }), name);
  await choose(user, "Send from", "Vendas · WhatsApp");
  await choose(user, "Audience (saved segment)", "Clientes VIP");
  await next(user);
  await screen.findByRole("radio", { name: "Text" });
}

describe("the message preview", () => {
  it("fills the variables with sample values and fallbacks", () => {
    expect(renderPreview("Oi {{first_name|cliente}}! {{ name }} · {{fields.plan|básico}} {{unknown}}")).toBe(
      "Oi Maria! Maria Silva · básico {{unknown}}",
    );
  });
});

describe("campaign wizard", { timeout: 30_000 }, () => {
  // First: a notification left from a later test would be part of the page.
  it("has no serious accessibility violations on any step", { timeout: 90_000 }, async () => {
    api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 });
    expect(await noSeriousViolations()).toEqual([]);
    await user.click(screen.getByRole("radio", { name: "Contacts I pick" }));
    await screen.findByRole("checkbox", { name: /Maria Souza/ });
    expect(await noSeriousViolations()).toEqual([]);
    await user.click(screen.getByRole("radio", { name: "A saved segment" }));
    await audienceWithSegment(user);
    await user.click(screen.getByRole("radio", { name: "A/B test" }));
    expect(await noSeriousViolations()).toEqual([]);
    // The first "Text" is the message's kind; each variant has its own.
    await user.click(screen.getAllByRole("radio", { name: "Text" })[0]!);
    await paste(user, "Message", "Oi {{first_name}}");
    await next(user);
    await user.click(await screen.findByRole("switch", { name: /Send only inside a window/ }));
    expect(await noSeriousViolations()).toEqual([]);
    await next(user);
    await screen.findByTestId("review-recipients");
    expect(await noSeriousViolations()).toEqual([]);
  });

  it("says what is missing on the audience step, offers only active numbers, and sends nothing", async () => {
    const { created, seen } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 });
    await next(user);
    expect(await screen.findByText("Give the campaign a name")).toBeInTheDocument();
    expect(screen.getByText("Choose the number to send from")).toBeInTheDocument();
    expect(screen.getByText("Choose who receives the campaign")).toBeInTheDocument();

    await user.click(screen.getByRole("textbox", { name: "Send from" }));
    expect(within(document.body).queryByRole("option", { name: "Parada · WhatsApp", hidden: true })).toBeNull();
    await user.keyboard("{Escape}");
    await user.click(screen.getByRole("radio", { name: "Contacts I pick" }));
    await next(user);
    expect(await screen.findByText("Pick at least one contact")).toBeInTheDocument();
    expect(created).toEqual([]);
    expect(seen.filter((call) => call.includes("/api/v1/campaigns"))).toEqual([]);
  });

  it("creates the draft when the message step is left, saves the limits, reviews and launches", async () => {
    const { created, patched, launched, draft } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    expect(created).toEqual([]); // nothing saved yet: the message is not written

    await next(user);
    expect(await screen.findByText("Write the message")).toBeInTheDocument();
    await paste(user, "Message", "Oi {{first_name|cliente}}, feliz Natal!");
    // The preview, on the phone, with the company's first contact's values.
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).toHaveTextContent("As Maria Souza would read it");
    expect(preview).toHaveTextContent("Oi Maria, feliz Natal!");
    await next(user);

    await waitFor(() =>
      expect(created).toEqual([
        {
          name: "Natal",
          channel: "whatsapp_cloud",
          channel_account_id: ACCOUNT.id,
          audience: { kind: "segment", segment_id: SEGMENT.id },
          in_flight_limit: 50,
          message: { type: "text", body: "Oi {{first_name|cliente}}, feliz Natal!" },
        },
      ]),
    );
    await user.type(await screen.findByRole("textbox", { name: "Messages per second (optional)" }), "10");
    await user.type(screen.getByRole("textbox", { name: "Skip contacts reached in the last (hours, optional)" }), "48");
    await next(user);
    await waitFor(() => expect(patched).toHaveLength(1));
    expect(patched[0]).toMatchObject({ rate_per_second: 10, frequency_cap_hours: 48, in_flight_limit: 50, send_window: null });

    // The service's figures.
    expect(await screen.findByTestId("review-recipients")).toHaveTextContent("117");
    const left = screen.getByRole("region", { name: "Left out" });
    expect(left).toHaveTextContent("Opted out2");
    expect(left).toHaveTextContent("No number on this channel1");
    expect(screen.getByTestId("review-cost")).toHaveTextContent("$7.29");
    expect(screen.getByText(/about 12 seconds at 10 per second/)).toBeInTheDocument();
    expect(screen.getByText(/900 of 1,000 left today/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Launch now" }));
    await waitFor(() => expect(launched).toEqual([{}]));
    expect(await screen.findByRole("heading", { name: draft.name })).toBeInTheDocument();
    expect(await screen.findByText("Campaign launched")).toBeInTheDocument();
  });

  it("sends to contacts picked from a search, previewed with the first one picked", async () => {
    const { created, searches } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 }), "Escolhidos");
    await choose(user, "Send from", "Vendas · WhatsApp");
    await user.click(screen.getByRole("radio", { name: "Contacts I pick" }));
    await user.type(screen.getByRole("textbox", { name: "Search contacts" }), "joão");
    await waitFor(() => expect(searches).toContain("joão"));
    await user.click(await screen.findByRole("checkbox", { name: /João Lima/ }));
    expect(screen.queryByRole("checkbox", { name: /Maria Souza/ })).toBeNull();
    await user.clear(screen.getByRole("textbox", { name: "Search contacts" }));
    await user.click(await screen.findByRole("checkbox", { name: /Maria Souza/ }));
    expect(screen.getByText("2 contacts picked")).toBeInTheDocument();
    await next(user);

    await paste(user, "Message", "Olá {{name}}");
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent("Olá João Lima");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ audience: { kind: "contacts", contact_ids: [JOAO.id, MARIA.id] } });
  });

  it("inserts a contact's detail or a custom field where the cursor is, previewed with the contact's value", async () => {
    const ANA = contact({ name: "Ana Prado", phone: "+5511988880003", fields: { plan: "Ouro" } });
    const { created } = api({ "GET /api/v1/contacts": () => json({ items: [ANA], next_cursor: null }) });
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 }), "Planos");
    await choose(user, "Send from", "Vendas · WhatsApp");
    await user.click(screen.getByRole("radio", { name: "Contacts I pick" }));
    await user.click(await screen.findByRole("checkbox", { name: /Ana Prado/ }));
    await next(user);

    const body = screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" });
    await paste(user, "Message", "Seu plano: ");
    const insert = screen.getByRole("group", { name: "Insert a contact's detail" });
    await user.click(await within(insert).findByRole("button", { name: "Insert {{fields.plan}}" }));
    body.setSelectionRange(0, 0);
    await user.click(within(insert).getByRole("button", { name: "Insert {{first_name}}" }));
    expect(body).toHaveValue("{{first_name}}Seu plano: {{fields.plan}}");
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent("AnaSeu plano: Ouro");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ message: { type: "text", body: "{{first_name}}Seu plano: {{fields.plan}}" } });
  });

  it("maps a Meta template's placeholders to variables, previewed filled in", async () => {
    const { created } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await user.click(screen.getByRole("radio", { name: "Meta template" }));
    await choose(user, "Template", "promo_natal · pt_BR");
    await next(user);
    expect(await screen.findByText("Say what fills {{1}}")).toBeInTheDocument();
    expect(screen.getByText("Say what fills {{2}}")).toBeInTheDocument();
    await paste(user, "Fill {{1}} with", "first_name|cliente");
    await paste(user, "Fill {{2}} with", "fields.cupom|NATAL10");
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).toHaveTextContent("Olá Maria, seu cupom é NATAL10.");
    expect(preview).toHaveTextContent("Loja Acme");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({
      message: {
        type: "template",
        name: "promo_natal",
        language: "pt_BR",
        category: "marketing",
        body: "Olá {{1}}, seu cupom é {{2}}.",
        body_mapping: { "1": "first_name|cliente", "2": "fields.cupom|NATAL10" },
      },
    });
  });

  it("sends a template of the library this number can send, previewed with its footer and buttons", async () => {
    const { created } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await user.click(screen.getByRole("radio", { name: "From the library" }));
    await user.click(await screen.findByRole("textbox", { name: "Library template" }));
    // Only what Meta approved for this number: not the one in review, not the SMS one.
    expect(within(document.body).queryByRole("option", { name: /Em análise/, hidden: true })).toBeNull();
    expect(within(document.body).queryByRole("option", { name: /Só SMS/, hidden: true })).toBeNull();
    await user.click(await within(document.body).findByRole("option", { name: "Natal aprovado · pt_BR", hidden: true }));
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).toHaveTextContent("Feliz Natal, Maria!");
    expect(preview).toHaveTextContent("Loja Acme");
    expect(preview).toHaveTextContent("Quero o cupom");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ message: { type: "library", template_id: APPROVED.id } });
  });

  it("puts the service's refusal of a library template next to its field", async () => {
    api({
      "POST /api/v1/campaigns": () =>
        problem(422, "the template 'Natal aprovado' is PAUSED at Meta: only an approved one sends", "template_not_approved"),
    });
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await user.click(screen.getByRole("radio", { name: "From the library" }));
    await user.click(await screen.findByRole("textbox", { name: "Library template" }));
    await user.click(await within(document.body).findByRole("option", { name: "Natal aprovado · pt_BR", hidden: true }));
    await next(user);
    expect(await screen.findByText(/is PAUSED at Meta/)).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Library template" })).toHaveAccessibleDescription(/is PAUSED at Meta/);
  });

  it("splits an A/B test by shares that must add up to 100", async () => {
    const { created } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await user.click(screen.getByRole("radio", { name: "A/B test" }));
    await paste(user, "Message (A)", "Oferta A");
    await paste(user, "Message (B)", "Oferta B");
    await user.click(screen.getByRole("button", { name: "Add a variant" }));
    await paste(user, "Message (C)", "Oferta C");
    const shareA = screen.getByRole("textbox", { name: "Share (%) (A)" });
    await user.clear(shareA);
    await user.type(shareA, "60");
    await next(user);
    expect(await screen.findByText("The shares add up to 111%; they must add up to 100%.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Remove variant C" }));
    const shareB = screen.getByRole("textbox", { name: "Share (%) (B)" });
    await user.clear(shareB);
    await user.type(shareB, "40");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({
      variants: [
        { label: "A", percent: 60, message: { type: "text", body: "Oferta A" } },
        { label: "B", percent: 40, message: { type: "text", body: "Oferta B" } },
      ],
    });
    expect(created[0]).not.toHaveProperty("message");
  });

  it("keeps what was typed going back, and updates the draft instead of creating another", async () => {
    const { created, patched } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await paste(user, "Message", "Primeira versão");
    await next(user);
    await screen.findByRole("textbox", { name: "Messages per second (optional)" });
    await user.click(screen.getByRole("button", { name: "Back" }));
    expect(await screen.findByRole("textbox", { name: "Message" })).toHaveValue("Primeira versão");
    await user.click(screen.getByRole("button", { name: "Back" }));
    const name = await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 });
    expect(name).toHaveValue("Natal");
    await user.type(name, " 2026");
    await next(user);
    await waitFor(() => expect(patched).toHaveLength(1));
    expect(patched[0]).toMatchObject({ name: "Natal 2026", message: { type: "text", body: "Primeira versão" } });
    // Unchanged: leaving the message step again saves nothing.
    await next(user);
    await screen.findByRole("textbox", { name: "Messages per second (optional)" });
    expect(patched).toHaveLength(1);
    expect(created).toHaveLength(1);
  });

  it("shows the API's problem next to the field it names, on that field's step", async () => {
    const { draft } = api({
      "POST /api/v1/campaigns": () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Unprocessable",
            status: 422,
            detail: "invalid request",
            code: "validation_error",
            errors: [{ loc: ["body", "message", "text", "body"], msg: "Value error, unbalanced {{ at offset 3" }],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await paste(user, "Message", "Oi {{");
    await next(user);
    expect(await screen.findByText("unbalanced {{ at offset 3")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Message" })).toHaveAccessibleDescription(/unbalanced \{\{ at offset 3/);
    // Above the buttons (a notification left by an earlier test may be an alert too).
    expect(screen.getByText("Check the fields marked below.")).toBeInTheDocument();
    expect(draft).toBeDefined();
  });

  it("schedules at a wall-clock time in the company's zone with a send window", async () => {
    const { patched, launched, draft } = api({});
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await paste(user, "Message", "Bom dia");
    await next(user);
    await user.click(await screen.findByRole("radio", { name: "At a time" }));
    const start = screen.getByLabelText(/Start at/);
    expect(screen.getByText("In the company's time zone, America/Sao_Paulo")).toBeInTheDocument();
    await user.type(start, "2099-03-14T09:00");
    await user.click(screen.getByRole("switch", { name: /Send only inside a window/ }));
    await user.click(screen.getByRole("checkbox", { name: "Fri" }));
    await user.click(screen.getByRole("checkbox", { name: /each contact's own time zone/ }));
    await next(user);
    await waitFor(() => expect(patched).toHaveLength(1));
    expect(patched[0]).toMatchObject({
      send_window: { days: [1, 2, 3, 4], start: "09:00", end: "18:00", time_zone: "America/Sao_Paulo", per_contact: true },
    });
    await screen.findByTestId("review-recipients");
    await user.click(screen.getByRole("button", { name: "Schedule" }));
    await waitFor(() => expect(launched).toEqual([{ local_time: "2099-03-14T09:00:00", time_zone: "America/Sao_Paulo" }]));
    expect(await screen.findByRole("heading", { name: draft.name })).toBeInTheDocument();
  });

  it("refuses a start time in the past", async () => {
    const { patched } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await paste(user, "Message", "Bom dia");
    await next(user);
    await user.click(await screen.findByRole("radio", { name: "At a time" }));
    await user.type(screen.getByLabelText(/Start at/), "2020-01-01T09:00");
    await next(user);
    expect(await screen.findByText("Choose a time in the future")).toBeInTheDocument();
    expect(patched).toEqual([]);
  });
});

describe("the review", { timeout: 30_000 }, () => {
  async function toReview(figures: Handler) {
    const handlers = api({}, figures);
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await audienceWithSegment(user);
    await paste(user, "Message", "Oi");
    await next(user);
    await screen.findByRole("textbox", { name: "Messages per second (optional)" });
    await next(user);
    return { ...handlers, user };
  }

  it("warns before the number's daily wall and says to split or schedule past it", async () => {
    await toReview(() => json(review({ outside_window: 850, daily_limit: { tier: "TIER_1K", limit: 1000, remaining: 900, over_by: 0, resets_at: null } })));
    expect(await screen.findByText(/uses 850 of the 900 new recipients/)).toBeInTheDocument();
    expect(screen.getByText(/splitting the audience or scheduling part of it/)).toBeInTheDocument();
  });

  it("says who a text cannot reach outside the 24-hour window and what is over the limit", async () => {
    await toReview(() =>
      json(
        review({
          outside_window: 1200,
          template_required: true,
          warnings: ["template_required", "daily_limit_exceeded"],
          daily_limit: { tier: "TIER_1K", limit: 1000, remaining: 900, over_by: 300, resets_at: "2026-11-29T12:00:00Z" },
        }),
      ),
    );
    expect(await screen.findByText(/1200 recipients have not written in the last 24 hours/)).toBeInTheDocument();
    expect(screen.getByText(/300 recipients are beyond what the number may reach today/)).toBeInTheDocument();
  });

  it("shows a failed count with a way to try again, and an empty audience cannot launch", async () => {
    let calls = 0;
    const { user } = await toReview(() => {
      calls += 1;
      return calls === 1 ? problem(502, "the crm did not answer", "audience_unavailable") : json(review({ recipients: 0, members: 0, excluded: {} }));
    });
    expect(await screen.findByText("The figures could not be computed.")).toBeInTheDocument();
    expect(screen.getByText("the crm did not answer")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Count again" }));
    expect(await screen.findByText("Nobody would receive this campaign. Go back and change the audience.")).toBeInTheDocument();
    expect(screen.getByText("Nobody is left out.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Launch now" })).toBeDisabled();
  });
});
