import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { libraryTemplate } from "../campaigns/fixtures";
import { smsAccount, whatsappAccount } from "../connections/fixtures";
import { renderApp } from "../connections/testing";

afterEach(() => endSession());

type User = ReturnType<typeof userEvent.setup>;

const NUMBER = whatsappAccount({ display_name: "Vendas" });
const DRAFT = libraryTemplate({ name: "Oferta", body: "Oi {{first_name|cliente}}" });
const IMPORTED = libraryTemplate({
  name: "pedido_enviado",
  origin: "meta",
  meta_status: "APPROVED",
  meta_name: "pedido_enviado",
  body: "Olá {{1}}, pedido {{2}} enviado.",
  mappings: { body: { "1": "first_name|cliente" } },
  mapping_needed: "body {{2}}",
  channel_account_id: NUMBER.id,
});

function api(overrides: Record<string, Handler> = {}) {
  const synced: unknown[] = [];
  const submitted: unknown[] = [];
  const patched: unknown[] = [];
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () => json({ items: [NUMBER, smsAccount({ display_name: "Torpedo" })], next_cursor: null }),
    "GET /api/v1/templates": () => json({ items: [DRAFT, IMPORTED], next_cursor: null }),
    "POST /api/v1/templates/meta/sync": async (request) => {
      synced.push(await request.json());
      return json({ imported: [IMPORTED.id], updated: 2, unchanged: 5, skipped: [{ meta_name: "video_promo", language: "pt_BR", reason: "a video header" }] });
    },
    [`GET /api/v1/templates/${DRAFT.id}`]: () => json(DRAFT),
    [`POST /api/v1/templates/${DRAFT.id}/submit`]: async (request) => {
      submitted.push(await request.json());
      return json({ ...DRAFT, meta_status: "PENDING", meta_name: "oferta", channel_account_id: NUMBER.id });
    },
    [`GET /api/v1/templates/${IMPORTED.id}`]: () => json(IMPORTED),
    [`PATCH /api/v1/templates/${IMPORTED.id}`]: async (request) => {
      patched.push(await request.json());
      return json({ ...IMPORTED, mapping_needed: null });
    },
    "GET /api/v1/contacts": () => json({ items: [], next_cursor: null }),
    ...overrides,
  });
  return { synced, submitted, patched };
}

async function chooseNumber(user: User, dialog: HTMLElement) {
  await user.click(within(dialog).getByRole("textbox", { name: "WhatsApp number" }));
  const options = await within(document.body).findAllByRole("option", { name: "Vendas", hidden: true });
  await user.click(options[options.length - 1]!);
}

describe("the template library at Meta", { timeout: 30_000 }, () => {
  it("syncs a number's templates and says what was imported, changed and skipped", async () => {
    const { synced } = api();
    renderApp("/templates");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "Sync from Meta" }, { timeout: 10_000 }));
    const dialog = await screen.findByRole("dialog", { name: "Sync templates from Meta" });
    await user.click(within(dialog).getByRole("button", { name: "Sync" }));
    expect(await within(dialog).findByText("Choose the number")).toBeInTheDocument();
    // An SMS account has no Meta templates: not offered.
    await user.click(within(dialog).getByRole("textbox", { name: "WhatsApp number" }));
    expect(within(document.body).queryByRole("option", { name: "Torpedo", hidden: true })).toBeNull();
    await user.keyboard("{Escape}");
    await chooseNumber(user, dialog);
    await user.click(within(dialog).getByRole("button", { name: "Sync" }));
    await waitFor(() => expect(synced).toEqual([{ channel_account_id: NUMBER.id }]));
    expect(await within(dialog).findByText("Imported 1, status changed for 2, 5 unchanged.")).toBeInTheDocument();
    expect(within(dialog).getByText("Skipped video_promo (pt_BR): a video header")).toBeInTheDocument();
  });

  it("says why a sync failed", async () => {
    api({ "POST /api/v1/templates/meta/sync": () => problem(502, "Meta did not answer", "meta_unavailable") });
    renderApp("/templates");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "Sync from Meta" }, { timeout: 10_000 }));
    const dialog = await screen.findByRole("dialog");
    await chooseNumber(user, dialog);
    await user.click(within(dialog).getByRole("button", { name: "Sync" }));
    expect(await within(dialog).findByText("Meta did not answer")).toBeInTheDocument();
  });

  it("submits a library template for review, then shows it in review", async () => {
    const { submitted } = api();
    renderApp(`/templates/${DRAFT.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const status = await screen.findByRole("group", { name: "Status at Meta" }, { timeout: 10_000 });
    expect(status).toHaveTextContent("Not at Meta");
    await user.click(within(status).getByRole("button", { name: "Submit to Meta" }));
    const dialog = await screen.findByRole("dialog", { name: "Submit this template to Meta" });
    await chooseNumber(user, dialog);
    await user.type(within(dialog).getByRole("textbox", { name: /Name at Meta/ }), "Oferta!");
    await user.click(within(dialog).getByRole("button", { name: "Submit" }));
    expect(await within(dialog).findByText("Only lower-case letters, digits and _")).toBeInTheDocument();
    await user.clear(within(dialog).getByRole("textbox", { name: /Name at Meta/ }));
    await user.type(within(dialog).getByRole("textbox", { name: /Name at Meta/ }), "oferta");
    await user.click(within(dialog).getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submitted).toEqual([{ channel_account_id: NUMBER.id, meta_name: "oferta" }]));
    await waitFor(() => expect(screen.getByRole("group", { name: "Status at Meta" })).toHaveTextContent("In review"));
    expect(screen.queryByRole("button", { name: "Submit to Meta" })).toBeNull();
  });

  it("shows Meta's refusal of a submission", async () => {
    api({
      [`POST /api/v1/templates/${DRAFT.id}/submit`]: () =>
        problem(422, "Meta: the body may not start with a variable", "template_rejected_by_meta"),
    });
    renderApp(`/templates/${DRAFT.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "Submit to Meta" }, { timeout: 10_000 }));
    const dialog = await screen.findByRole("dialog");
    await chooseNumber(user, dialog);
    await user.click(within(dialog).getByRole("button", { name: "Submit" }));
    expect(await within(dialog).findByText("Meta: the body may not start with a variable")).toBeInTheDocument();
  });

  it("maps an imported template's placeholders, its texts left as Meta has them", async () => {
    const { patched } = api();
    renderApp(`/templates/${IMPORTED.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    expect(await screen.findByText("Imported from Meta: say which variable fills body {{2}} before it can be sent.", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Body" })).toBeDisabled();
    expect(screen.getByRole("textbox", { name: "Body {{1}}" })).toHaveValue("first_name|cliente");
    const second = screen.getByRole("textbox", { name: "Body {{2}}" });
    await user.click(second);
    await user.paste("fields.pedido");
    await user.click(screen.getByRole("button", { name: "Save template" }));
    await waitFor(() =>
      expect(patched).toEqual([{ name: "pedido_enviado", mappings: { body: { "1": "first_name|cliente", "2": "fields.pedido" } } }]),
    );
  });
});
