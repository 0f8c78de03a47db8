import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { libraryTemplate } from "../campaigns/fixtures";
import { renderApp } from "../connections/testing";
import { contact } from "../contacts/fixtures";

afterEach(() => endSession());

type User = ReturnType<typeof userEvent.setup>;

const SAVED = libraryTemplate({
  name: "Pedido enviado",
  body: "Oi {{first_name|cliente}}, seu pedido {{fields.pedido}} saiu.",
  header_text: "Pedido {{fields.pedido}}",
  footer: "Loja Acme",
  buttons: [{ type: "url", text: "Rastrear", url: "https://acme.example/r/{{fields.pedido}}" }],
  variables: ["first_name", "fields.pedido"],
  meta_status: "REJECTED",
  meta_reason: "The header has too many variables",
});
const ANA = contact({ name: "Ana Souza", phone: "+5511988880001" });

function api(overrides: Record<string, Handler> = {}) {
  const created: unknown[] = [];
  const patched: unknown[] = [];
  const previews: unknown[] = [];
  const deleted: string[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "POST /api/v1/templates": async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      created.push(body);
      return json(libraryTemplate({ ...body, id: SAVED.id } as never), 201);
    },
    [`GET /api/v1/templates/${SAVED.id}`]: () => json(SAVED),
    [`PATCH /api/v1/templates/${SAVED.id}`]: async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      patched.push(body);
      return json({ ...SAVED, ...body, updated_at: "2026-11-28T13:00:00Z" });
    },
    [`DELETE /api/v1/templates/${SAVED.id}`]: () => {
      deleted.push(SAVED.id);
      return new Response(null, { status: 204 });
    },
    [`POST /api/v1/templates/${SAVED.id}/preview`]: async (request) => {
      previews.push(await request.json());
      return json({ body: "Oi Ana, seu pedido 4521 saiu.", header_text: "Pedido 4521", button_url: null, fallbacks_used: [], sms: null });
    },
    "GET /api/v1/contacts": () => json({ items: [ANA], next_cursor: null }),
    "GET /api/v1/templates": () => json({ items: [], next_cursor: null }),
    ...overrides,
  });
  return { created, patched, previews, deleted };
}

async function paste(user: User, label: string | RegExp, text: string) {
  const box = screen.getByRole("textbox", { name: label });
  await user.clear(box);
  await user.click(box);
  await user.paste(text);
}

async function choose(user: User, label: string, option: string | RegExp) {
  await user.click(screen.getByRole("textbox", { name: label }));
  // A closed select keeps its options in the page: the one just opened is the last.
  const options = await within(document.body).findAllByRole("option", { name: option, hidden: true });
  await user.click(options[options.length - 1]!);
}

const openNew = () => screen.findByRole("textbox", { name: "Name" }, { timeout: 10_000 });

describe("template editor", { timeout: 30_000 }, () => {
  it("has no serious accessibility violations, with buttons", async () => {
    api();
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await openNew();
    await user.click(screen.getByRole("button", { name: "Add a button" }));
    const result = await axe.run(document.body, {
      rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
    });
    expect(result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  });

  it("previews header, body with fallbacks, footer and buttons live, then creates the template", { timeout: 60_000 }, async () => {
    const { created } = api();
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await openNew(), "Boas-vindas");
    await paste(user, "Header text (optional)", "Olá {{first_name}}");
    await paste(user, "Body", "Oi {{first_name|cliente}}, seu plano é {{fields.plano|básico}}.");
    await user.type(screen.getByRole("textbox", { name: "Footer (optional)" }), "Loja Acme");
    await user.click(screen.getByRole("button", { name: "Add a button" }));
    await user.type(screen.getByRole("textbox", { name: "Button 1 text" }), "Quero");
    await user.click(screen.getByRole("button", { name: "Add a button" }));
    await choose(user, "Button 2 type", "Phone call");
    await user.type(screen.getByRole("textbox", { name: "Button 2 text" }), "Ligar");
    await user.type(screen.getByRole("textbox", { name: "Button 2 phone number" }), "+5511988880000");

    const preview = screen.getByRole("region", { name: "Preview" });
    expect(preview).toHaveTextContent("Olá Maria");
    expect(preview).toHaveTextContent("Oi Maria, seu plano é básico.");
    expect(preview).toHaveTextContent("Loja Acme");
    expect(preview).toHaveTextContent("Quero");
    expect(preview).toHaveTextContent("Ligar");

    await user.click(screen.getByRole("button", { name: "Create template" }));
    await waitFor(() =>
      expect(created).toEqual([
        {
          name: "Boas-vindas",
          channel: "whatsapp",
          language: "pt_BR",
          category: "marketing",
          body: "Oi {{first_name|cliente}}, seu plano é {{fields.plano|básico}}.",
          header_text: "Olá {{first_name}}",
          footer: "Loja Acme",
          buttons: [
            { type: "quick_reply", text: "Quero" },
            { type: "phone", text: "Ligar", phone: "+5511988880000" },
          ],
        },
      ]),
    );
    expect(await screen.findByText("Template created")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Edit template" })).toBeInTheDocument();
  });

  it("says what is missing before sending anything", async () => {
    const { created } = api();
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await openNew();
    await user.click(screen.getByRole("button", { name: "Add a button" }));
    await choose(user, "Button 1 type", "Link");
    await user.click(screen.getByRole("button", { name: "Create template" }));
    expect(await screen.findByText("Give the template a name")).toBeInTheDocument();
    expect(screen.getByText("Write the body")).toBeInTheDocument();
    expect(screen.getByText("Give the button a text (at most 25 characters)")).toBeInTheDocument();
    expect(screen.getByText("A link button needs its URL")).toBeInTheDocument();
    expect(created).toEqual([]);
  });

  it("counts an SMS body's segments as it is typed, with no header, footer or buttons", async () => {
    const { created } = api();
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await openNew(), "Lembrete");
    await choose(user, "Channel", "SMS");
    expect(screen.queryByRole("textbox", { name: "Header text (optional)" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Add a button" })).toBeNull();
    await paste(user, "Body", "a".repeat(150));
    expect(screen.getByTestId("sms-segments")).toHaveTextContent("1 SMS segment");
    expect(screen.getByText("10 characters left in this segment (GSM-7)")).toBeInTheDocument();
    await paste(user, "Body", "Promoção ".repeat(10));
    expect(screen.getByTestId("sms-segments")).toHaveTextContent("2 SMS segments");
    expect(screen.getByText(/makes every segment shorter/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create template" }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ channel: "sms", header_text: null, footer: null, buttons: [] });
  });

  it("shows the service's problem next to the field it is in", async () => {
    api({
      "POST /api/v1/templates": () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "The template cannot be used as written",
            status: 422,
            detail: "header: at most one variable (offset 12)",
            code: "template_invalid",
            part: "header",
            offset: 12,
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await openNew(), "Dois");
    await paste(user, "Header text (optional)", "{{name}} {{phone}}");
    await paste(user, "Body", "Oi");
    await user.click(screen.getByRole("button", { name: "Create template" }));
    expect(await screen.findByText("header: at most one variable (offset 12)")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Header text (optional)" })).toHaveAccessibleDescription(/at most one variable/);
    expect(screen.getByText("Check the fields marked below.")).toBeInTheDocument();
  });

  it("puts a taken name on the name", async () => {
    api({ "POST /api/v1/templates": () => problem(409, "a template is named 'Boas-vindas'", "template_name_taken") });
    renderApp("/templates/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await openNew(), "Boas-vindas");
    await paste(user, "Body", "Oi");
    await user.click(screen.getByRole("button", { name: "Create template" }));
    expect(await screen.findByText("a template is named 'Boas-vindas'")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Name" })).toHaveAccessibleDescription(/a template is named/);
  });

  it("edits a saved template (its channel fixed), shows why Meta rejected it, previews with a real contact", async () => {
    const { patched, previews } = api();
    renderApp(`/templates/${SAVED.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const name = await screen.findByRole("textbox", { name: "Name" }, { timeout: 10_000 });
    expect(name).toHaveValue("Pedido enviado");
    expect(screen.getByRole("textbox", { name: "Channel" })).toBeDisabled();
    expect(screen.getByRole("group", { name: "Status at Meta" })).toHaveTextContent("Rejected");
    expect(screen.getByText("Why: The header has too many variables")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Button 1 URL" })).toHaveValue("https://acme.example/r/{{fields.pedido}}");

    await choose(user, "Preview with a contact", /Ana Souza/);
    await waitFor(() => expect(previews).toEqual([{ contact_id: ANA.id }]));
    const preview = screen.getByRole("region", { name: "Preview" });
    await waitFor(() => expect(preview).toHaveTextContent("Oi Ana, seu pedido 4521 saiu."));
    expect(preview).toHaveTextContent("As Ana Souza · +5511988880001 would receive it");

    await user.clear(name);
    await user.type(name, "Pedido a caminho");
    await user.click(screen.getByRole("button", { name: "Save template" }));
    await waitFor(() => expect(patched).toHaveLength(1));
    expect(patched[0]).toMatchObject({ name: "Pedido a caminho", header_text: "Pedido {{fields.pedido}}" });
    expect(patched[0]).not.toHaveProperty("channel");
    expect(await screen.findByText("Template saved")).toBeInTheDocument();
  });

  it("names the variable a contact has no value for", async () => {
    api({
      [`POST /api/v1/templates/${SAVED.id}/preview`]: () =>
        problem(422, "fields.pedido has no value for contact Ana Souza", "template_variable_missing"),
    });
    renderApp(`/templates/${SAVED.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("textbox", { name: "Name" }, { timeout: 10_000 });
    await choose(user, "Preview with a contact", /Ana Souza/);
    expect(
      await screen.findByText("This contact cannot receive it: fields.pedido has no value for contact Ana Souza"),
    ).toBeInTheDocument();
  });

  it("deletes the template and goes back to the library", async () => {
    const { deleted } = api();
    renderApp(`/templates/${SAVED.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("textbox", { name: "Name" }, { timeout: 10_000 });
    await user.click(screen.getByRole("button", { name: "Delete template" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deleted).toEqual([SAVED.id]));
    expect(await screen.findByRole("heading", { name: "Templates" })).toBeInTheDocument();
  });

  it("says when the template does not exist", async () => {
    api({ [`GET /api/v1/templates/${SAVED.id}`]: () => problem(404, "no such template", "template_not_found") });
    renderApp(`/templates/${SAVED.id}`);
    expect(await screen.findByText("This template does not exist.", {}, { timeout: 10_000 })).toBeInTheDocument();
  });
});
