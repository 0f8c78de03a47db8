// The campaign wizard with a CSV file as its audience: the file imported into the crm with a
// tag of its own, and the draft created with the filter "has that tag".
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../../auth/session";
import { type Handler, fakeGateway, json, token } from "../../../test/gateway";
import { whatsappAccount } from "../../connections/fixtures";
import { renderApp } from "../../connections/testing";
import { contact, job } from "../../contacts/fixtures";
import { SEGMENT, campaign, review } from "../fixtures";

afterEach(() => endSession());

type User = ReturnType<typeof userEvent.setup>;

const SLOW = { timeout: 15_000 };
const ACCOUNT = whatsappAccount({ display_name: "Vendas" });
const IMPORT_ID = "1a000000-0000-4000-8000-000000000001";
const TAG_ID = "7a000000-0000-4000-8000-0000000000c5";
const JOB_ID = job().id;

function analysis() {
  return {
    id: IMPORT_ID,
    filename: "clientes.csv",
    size_bytes: 80,
    encoding: "utf-8",
    delimiter: ";",
    has_header: true,
    columns: [
      { index: 0, header: "Nome", suggested: "name" },
      { index: 1, header: "Celular", suggested: "phone" },
    ],
    status: "ready",
    job_id: null,
    counts: { total: null, created: 0, updated: 0, skipped: 0, rejected: 0 },
    error: null,
    created_at: "2026-12-03T10:00:00Z",
    preview: [{ row_number: 2, values: ["José", "(11) 98765-4321"], errors: [] }],
  };
}

function api(overrides: Record<string, Handler> = {}) {
  const created: unknown[] = [];
  const tags: unknown[] = [];
  const draft = campaign({ name: "Black Friday" });
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () => json({ items: [ACCOUNT], next_cursor: null }),
    "GET /api/v1/segments": () => json({ items: [SEGMENT], next_cursor: null }),
    "GET /api/v1/contacts": () => json({ items: [contact({ name: "Maria Souza" })], next_cursor: null }),
    "GET /api/v1/custom-fields": () => json({ items: [] }),
    "GET /api/v1/templates": () => json({ items: [], next_cursor: null }),
    [`GET /api/v1/channels/accounts/${ACCOUNT.id}/templates`]: () => json({ items: [] }),
    "POST /api/v1/imports": () => json(analysis(), 201),
    [`POST /api/v1/imports/${IMPORT_ID}/preview`]: () => json(analysis()),
    "POST /api/v1/tags": async (request) => {
      const body = (await request.json()) as { name: string; color: string };
      tags.push(body);
      return json({ id: TAG_ID, ...body, created_at: "2026-12-03T10:00:00Z", updated_at: "2026-12-03T10:00:00Z" }, 201);
    },
    [`POST /api/v1/imports/${IMPORT_ID}/start`]: () => json({ ...analysis(), status: "queued", job_id: JOB_ID }, 202),
    [`GET /api/v1/jobs/${JOB_ID}`]: () =>
      json(job({ kind: "contacts.import", status: "succeeded", total: 3, processed: 3, succeeded: 2, failed: 1, percent: 100 })),
    [`GET /api/v1/imports/${IMPORT_ID}`]: () =>
      json({ ...analysis(), status: "succeeded", job_id: JOB_ID, counts: { total: 3, created: 2, updated: 0, skipped: 0, rejected: 1 } }),
    [`GET /api/v1/imports/${IMPORT_ID}/rejections.csv`]: () =>
      new Response("row,column,reason,Nome,Celular\r\n4,Celular,not a phone number,Ana,12\r\n", { headers: { "Content-Type": "text/csv" } }),
    "POST /api/v1/segments/preview": () => json({ count: 2, count_timed_out: false, sample: [] }),
    "POST /api/v1/campaigns": async (request) => {
      created.push(await request.json());
      return json(draft, 201);
    },
    [`GET /api/v1/campaigns/${draft.id}/review`]: () => json(review()),
    ...overrides,
  });
  return { created, tags };
}

async function choose(user: User, label: string, option: string | RegExp) {
  await user.click(screen.getByRole("textbox", { name: label }));
  await user.click(await within(document.body).findByRole("option", { name: option, hidden: true }));
}

async function start(user: User) {
  await user.type(await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 }), "Black Friday");
  await choose(user, "Send from", "Vendas · WhatsApp");
  await user.click(screen.getByRole("radio", { name: "A CSV file" }));
}

async function importFile(user: User) {
  await screen.findByRole("button", { name: /CSV file/ }, SLOW);
  await user.upload(document.querySelector<HTMLInputElement>('input[type="file"]')!, new File(["Nome;Celular\r\n"], "clientes.csv", { type: "text/csv" }));
  await user.click(screen.getByRole("button", { name: "Upload and read" }));
  await user.click(await screen.findByRole("button", { name: "Preview" }));
  await user.click(await screen.findByRole("button", { name: "Next: options" }));
  await user.click(screen.getByRole("button", { name: "Import and use as the audience" }));
  await user.click(await screen.findByRole("button", { name: "Use these 2 contacts" }, SLOW));
}

const next = (user: User) => user.click(screen.getByRole("button", { name: "Next" }));

describe("campaign wizard with a CSV audience", { timeout: 60_000 }, () => {
  it("imports the file, then the draft goes to the contacts with the upload's tag", async () => {
    const { created, tags } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await start(user);

    // Nothing chosen yet: the step says so and stays.
    await next(user);
    expect(await screen.findByText("Import a file and use its contacts")).toBeInTheDocument();

    await importFile(user);
    expect(screen.getByTestId("csv-audience-summary")).toHaveTextContent("2 contacts from clientes.csv, 1 row rejected");
    expect(screen.queryByText("Import a file and use its contacts")).toBeNull();
    const result = await axe.run(document.body, {
      rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
    });
    expect(result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    expect(tags).toEqual([{ name: "Campaign Black Friday CSV 1a000000", color: "#64748b" }]);

    await next(user);
    const box = await screen.findByRole("textbox", { name: "Message" });
    await user.click(box);
    await user.paste("Oi {{first_name|cliente}}");
    await next(user);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({
      name: "Black Friday",
      audience: { kind: "filter", filter: { condition: "tags", match: "any", tag_ids: [TAG_ID] } },
    });

    // Back on the audience step, the file is still the audience.
    await user.click(screen.getByRole("button", { name: "Back" }));
    await user.click(screen.getByRole("button", { name: "Back" }));
    expect(await screen.findByTestId("csv-audience-summary")).toHaveTextContent("2 contacts from clientes.csv");
  });

  it("giving up the file goes back to the segment, as it was", async () => {
    api();
    renderApp("/campaigns/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.type(await screen.findByRole("textbox", { name: "Campaign name" }, { timeout: 10_000 }), "Natal");
    await choose(user, "Send from", "Vendas · WhatsApp");
    await choose(user, "Audience (saved segment)", "Clientes VIP");
    await user.click(screen.getByRole("radio", { name: "A CSV file" }));
    await screen.findByRole("button", { name: /CSV file/ }, SLOW);
    await user.click(screen.getByRole("button", { name: "Cancel the file" }));

    expect(screen.getByRole("radio", { name: "A saved segment" })).toBeChecked();
    expect(screen.getByRole("textbox", { name: "Audience (saved segment)" })).toHaveValue("Clientes VIP");
    expect(screen.getByRole("textbox", { name: "Campaign name" })).toHaveValue("Natal");
  });
});
