import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../../auth/session";
import { type Handler, fakeGateway, json, problem } from "../../../test/gateway";
import { TAG_VIP, field, job, tagOut } from "../fixtures";
import { crmLookups, renderApp } from "../testing";

afterEach(() => endSession());

const SLOW = { timeout: 15_000 };
const IMPORT_ID = "1a000000-0000-4000-8000-000000000001";
const JOB_ID = job().id;

const columns = [
  { index: 0, header: "Nome", suggested: "name" },
  { index: 1, header: "Celular", suggested: "phone" },
  { index: 2, header: "Plano", suggested: null },
];
const rows = [
  { row_number: 2, values: ["José Conceição", "(11) 98765-4321", "ouro"], errors: [] },
  {
    row_number: 3,
    values: ["Sem Telefone", "12", "prata"],
    errors: [{ column: "Celular", reason: "not a phone number" }],
  },
];

function analysis(preview = rows) {
  return {
    id: IMPORT_ID,
    filename: "contatos.csv",
    size_bytes: 120,
    encoding: "cp1252",
    delimiter: ";",
    has_header: true,
    columns,
    status: "ready",
    job_id: null,
    counts: { total: null, created: 0, updated: 0, skipped: 0, rejected: 0 },
    error: null,
    created_at: "2026-11-20T12:00:00Z",
    preview,
  };
}

function gateway(overrides: Record<string, Handler> = {}) {
  const sent: { path: string; body: unknown; type?: string | null }[] = [];
  let polls = 0;
  fakeGateway({
    ...crmLookups({ tags: [tagOut(TAG_VIP)], fields: [field({ key: "plan", label: "Plan", kind: "select", options: ["ouro", "prata"] })] }),
    "POST /api/v1/imports": async (request) => {
      const name = new URL(request.url).searchParams.get("filename");
      sent.push({ path: "upload", body: name, type: request.headers.get("Content-Type") });
      return json(analysis(), 201);
    },
    [`POST /api/v1/imports/${IMPORT_ID}/preview`]: async (request) => {
      sent.push({ path: "preview", body: await request.json() });
      return json(analysis());
    },
    [`POST /api/v1/imports/${IMPORT_ID}/start`]: async (request) => {
      sent.push({ path: "start", body: await request.json() });
      return json({ ...analysis(), status: "queued", job_id: JOB_ID }, 202);
    },
    [`GET /api/v1/jobs/${JOB_ID}`]: () => {
      polls += 1;
      return json(
        polls === 1
          ? job({ kind: "contacts.import", status: "running", total: 2, processed: 1, succeeded: 1, percent: 50 })
          : job({ kind: "contacts.import", status: "succeeded", total: 2, processed: 2, succeeded: 1, failed: 1, percent: 100 }),
      );
    },
    [`GET /api/v1/imports/${IMPORT_ID}`]: () =>
      json({
        ...analysis(),
        status: "succeeded",
        job_id: JOB_ID,
        counts: { total: 2, created: 1, updated: 0, skipped: 0, rejected: 1 },
      }),
    [`GET /api/v1/imports/${IMPORT_ID}/rejections.csv`]: () =>
      new Response('row,column,reason,Nome,Celular,Plano\r\n3,Celular,not a phone number,Sem Telefone,12,prata\r\n', {
        headers: { "Content-Type": "text/csv" },
      }),
    ...overrides,
  });
  return sent;
}

/** Mantine's file input is a button over a hidden <input type=file>: the upload goes there. */
async function fileInput(): Promise<HTMLInputElement> {
  await screen.findByRole("button", { name: /CSV file/ }, SLOW);
  return document.querySelector<HTMLInputElement>('input[type="file"]')!;
}

async function pick(label: string, option: string) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  const input = screen.getByRole("textbox", { name: label });
  await user.click(input);
  const listbox = await waitFor(() => {
    const element = document.getElementById(input.getAttribute("aria-controls") ?? "");
    if (!element) throw new Error(`no options for ${label}`);
    return element;
  });
  await user.click(await within(listbox).findByRole("option", { name: option, hidden: true }));
}

describe("the import wizard", { timeout: 40_000 }, () => {
  it("uploads, maps, previews the errors, runs with progress and reports the rejected rows", async () => {
    const sent = gateway();
    renderApp("/contacts/import");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    // Upload: the file's bytes as the body.
    const input = await fileInput();
    const file = new File(["Nome;Celular;Plano\r\n"], "contatos.csv", { type: "text/csv" });
    await user.upload(input, file);
    await user.click(screen.getByRole("button", { name: "Upload and read" }));

    // Map: the suggestions, and a custom field for the column without one.
    const mapping = await screen.findByRole("table", { name: "Columns and where they go" });
    expect(within(mapping).getByText(/José Conceição/)).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Where the column Nome goes" })).toHaveValue("Full name");
    expect(screen.getByRole("textbox", { name: "Where the column Celular goes" })).toHaveValue("Phone");
    expect(screen.getByText("3 columns (cp1252, separated by “;”).")).toBeInTheDocument();
    await pick("Where the column Plano goes", "Field: Plan");
    await user.click(screen.getByRole("button", { name: "Preview" }));

    // Preview with the crm's errors.
    expect(await screen.findByRole("table", { name: "The first rows as they will be imported" })).toBeInTheDocument();
    expect(screen.getByText("Row 3, Celular: not a phone number")).toBeInTheDocument();
    expect(sent.find((item) => item.path === "preview")?.body).toEqual({
      mapping: [
        { column: 0, field: "name" },
        { column: 1, field: "phone" },
        { column: 2, field: "fields.plan" },
      ],
    });
    await user.click(screen.getByRole("button", { name: "Next: options" }));

    // Options: tags, skip existing, consent.
    await pick("Tags for every imported contact", "VIP");
    await user.click(screen.getByRole("radio", { name: "Leave them as they are" }));
    await pick("Consent", "They opted in on WhatsApp");
    await user.click(screen.getByRole("button", { name: "Import" }));

    // Run: the job's progress, then the report.
    expect(await screen.findByRole("progressbar", { name: "Import progress" })).toBeInTheDocument();
    const report = await screen.findByLabelText("Import report", {}, SLOW);
    expect(within(report).getByTestId("report-created")).toHaveTextContent("1");
    expect(within(report).getByTestId("report-rejected")).toHaveTextContent("1");
    const rejected = await screen.findByRole("table", { name: "Rejected rows" });
    expect(within(rejected).getByText("not a phone number")).toBeInTheDocument();
    expect(within(rejected).getByText("Celular")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Download the rejected rows (CSV)" })).toBeInTheDocument();

    // The file itself is the body (streamed by the browser), named in the query.
    expect(sent[0]).toEqual({ path: "upload", body: "contatos.csv", type: "text/csv" });
    expect(sent.find((item) => item.path === "start")?.body).toEqual({
      mapping: [
        { column: 0, field: "name" },
        { column: 1, field: "phone" },
        { column: 2, field: "fields.plan" },
      ],
      tags: [TAG_VIP.id],
      on_existing: "skip",
      consent: { channel: "whatsapp", status: "opted_in" },
    });
  });

  it("cancels a running import and reports it cancelled", async () => {
    let cancelled = false;
    const running = job({ kind: "contacts.import", status: "running", total: 2, processed: 1, succeeded: 1, percent: 50 });
    gateway({
      [`GET /api/v1/jobs/${JOB_ID}`]: () =>
        json(cancelled ? { ...running, status: "cancelled", cancel_requested: true } : running),
      [`POST /api/v1/jobs/${JOB_ID}/cancel`]: () => {
        cancelled = true;
        return json({ ...running, cancel_requested: true });
      },
      [`GET /api/v1/imports/${IMPORT_ID}`]: () =>
        json({
          ...analysis(),
          status: "cancelled",
          job_id: JOB_ID,
          counts: { total: 2, created: 1, updated: 0, skipped: 0, rejected: 0 },
        }),
    });
    renderApp("/contacts/import");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.upload(await fileInput(), new File(["Nome;Celular;Plano\r\n"], "contatos.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Upload and read" }));
    await screen.findByRole("table", { name: "Columns and where they go" });
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await user.click(await screen.findByRole("button", { name: "Next: options" }));
    await user.click(screen.getByRole("button", { name: "Import" }));

    expect(await screen.findByText("1 of 2 done")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Cancel the job" }));

    expect(cancelled).toBe(true);
    expect(await screen.findByText("The import was cancelled.", {}, SLOW)).toBeInTheDocument();
    expect(screen.getByLabelText("Import report")).toBeInTheDocument();
  });

  it("says why a file cannot be read", async () => {
    gateway();
    fakeGateway({
      ...crmLookups(),
      "POST /api/v1/imports": () => problem(422, "the file is not CSV: no delimiter found", "import_unreadable"),
    });
    renderApp("/contacts/import");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.upload(await fileInput(), new File(["\u0000"], "x.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Upload and read" }));

    expect(await screen.findByText("the file is not CSV: no delimiter found")).toBeInTheDocument();
  });

  it("asks for a phone, email or WhatsApp id column before previewing", async () => {
    gateway();
    renderApp("/contacts/import");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.upload(await fileInput(), new File(["a"], "a.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Upload and read" }));
    await screen.findByRole("table", { name: "Columns and where they go" });

    await pick("Where the column Celular goes", "Do not import");

    expect(screen.getByText("Map a phone, email or WhatsApp id column: a contact needs one of them.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Preview" })).toBeDisabled();
  });
});
