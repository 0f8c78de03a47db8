import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { endSession } from "../../../auth/session";
import i18n from "../../../i18n";
import { type Handler, fakeGateway, json, problem } from "../../../test/gateway";
import { renderWithProviders } from "../../../test/render";
import { field, job } from "../../contacts/fixtures";
import { crmLookups } from "../../contacts/testing";
import { CsvAudience, type CsvAudienceSummary, type FilterAudience } from "./CsvAudience";

afterEach(() => {
  endSession();
  vi.restoreAllMocks();
});

const SLOW = { timeout: 15_000 };
const IMPORT_ID = "1a000000-0000-4000-8000-000000000001";
const TAG_ID = "7a000000-0000-4000-8000-0000000000c5";
const JOB_ID = job().id;

const columns = [
  { index: 0, header: "Nome", suggested: "name" },
  { index: 1, header: "Celular", suggested: "phone" },
  { index: 2, header: "Plano", suggested: "fields.plan" },
];
const rows = [
  { row_number: 2, values: ["José Conceição", "(11) 98765-4321", "ouro"], errors: [] },
  { row_number: 3, values: ["Sem Telefone", "12", "prata"], errors: [{ column: "Celular", reason: "not a phone number" }] },
];

function analysis() {
  return {
    id: IMPORT_ID,
    filename: "clientes.csv",
    size_bytes: 120,
    encoding: "utf-8",
    delimiter: ";",
    has_header: true,
    columns,
    status: "ready",
    job_id: null,
    counts: { total: null, created: 0, updated: 0, skipped: 0, rejected: 0 },
    error: null,
    created_at: "2026-12-03T10:00:00Z",
    preview: rows,
  };
}

const finished = { total: 1247, created: 1200, updated: 35, skipped: 0, rejected: 12 };

/** The crm as the import goes: upload, preview, a tag made, the start, the job, the report. */
function gateway(overrides: Record<string, Handler> = {}) {
  const sent: { path: string; body: unknown }[] = [];
  let polls = 0;
  fakeGateway({
    ...crmLookups({ fields: [field({ key: "plan", label: "Plan", kind: "text" })] }),
    "POST /api/v1/imports": (request) => {
      sent.push({ path: "upload", body: new URL(request.url).searchParams.get("filename") });
      return json(analysis(), 201);
    },
    [`POST /api/v1/imports/${IMPORT_ID}/preview`]: () => json(analysis()),
    "POST /api/v1/tags": async (request) => {
      const body = (await request.json()) as { name: string; color: string };
      sent.push({ path: "tag", body });
      return json({ id: TAG_ID, ...body, created_at: "2026-12-03T10:00:00Z", updated_at: "2026-12-03T10:00:00Z" }, 201);
    },
    [`POST /api/v1/imports/${IMPORT_ID}/start`]: async (request) => {
      sent.push({ path: "start", body: await request.json() });
      return json({ ...analysis(), status: "queued", job_id: JOB_ID }, 202);
    },
    [`GET /api/v1/jobs/${JOB_ID}`]: () => {
      polls += 1;
      return json(
        polls === 1
          ? job({ kind: "contacts.import", status: "running", total: 1247, processed: 600, succeeded: 600, percent: 48 })
          : job({ kind: "contacts.import", status: "succeeded", total: 1247, processed: 1247, succeeded: 1235, failed: 12, percent: 100 }),
      );
    },
    [`GET /api/v1/imports/${IMPORT_ID}`]: () => json({ ...analysis(), status: "succeeded", job_id: JOB_ID, counts: finished }),
    [`GET /api/v1/imports/${IMPORT_ID}/rejections.csv`]: () =>
      new Response("row,column,reason,Nome,Celular,Plano\r\n3,Celular,not a phone number,Sem Telefone,12,prata\r\n", {
        headers: { "Content-Type": "text/csv" },
      }),
    // Two rows of the file had one phone: the crm counts 1,234 contacts with the tag.
    "POST /api/v1/segments/preview": async (request) => {
      sent.push({ path: "count", body: await request.json() });
      return json({ count: 1234, count_timed_out: false, sample: [] });
    },
    ...overrides,
  });
  return sent;
}

function setup(props: { onCancel?: () => void } = {}) {
  const chosen: { audience: FilterAudience; summary: CsvAudienceSummary }[] = [];
  renderWithProviders(
    <CsvAudience
      campaignName="Black Friday"
      onAudience={(audience, summary) => chosen.push({ audience, summary })}
      {...props}
    />,
  );
  return chosen;
}

/** Mantine's file input is a button over a hidden <input type=file>: the upload goes there. */
async function upload(name = "clientes.csv") {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  await screen.findByRole("button", { name: /CSV file/ }, SLOW);
  const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
  await user.upload(input, new File(["Nome;Celular;Plano\r\n"], name, { type: "text/csv" }));
  await user.click(screen.getByRole("button", { name: "Upload and read" }));
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

async function seriousViolations() {
  const result = await axe.run(document.body, {
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

describe("a campaign's CSV audience", { timeout: 60_000 }, () => {
  it("imports the file with a tag of its own and hands back the contacts with that tag", async () => {
    const sent = gateway();
    const chosen = setup();
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await upload();

    // The suggested mapping, custom field included; then the preview's problems.
    await screen.findByRole("table", { name: "Columns and where they go" });
    expect(screen.getByRole("textbox", { name: "Where the column Celular goes" })).toHaveValue("Phone");
    expect(screen.getByRole("textbox", { name: "Where the column Plano goes" })).toHaveValue("Field: Plan");
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByText("Row 3, Celular: not a phone number")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next: options" }));

    // Options: existing contacts updated, the upload's tag named, no consent unless asked.
    expect(screen.getByText(/The imported contacts get the tag “Campaign Black Friday CSV 1a000000”/)).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Import and use as the audience" }));

    // Progress, then the report with the crm's count of tagged contacts.
    expect(await screen.findByRole("progressbar", { name: "Import progress" })).toBeInTheDocument();
    const report = await screen.findByLabelText("Import report", {}, SLOW);
    expect(within(report).getByTestId("csv-report-created")).toHaveTextContent("1,200");
    expect(within(report).getByTestId("csv-report-updated")).toHaveTextContent("35");
    expect(within(report).getByTestId("csv-report-rejected")).toHaveTextContent("12");
    expect(screen.getByText("Columns you can use in the message: {{fields.plan}}")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Use these 1,234 contacts" }, SLOW));

    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.audience).toEqual({ kind: "filter", filter: { condition: "tags", match: "any", tag_ids: [TAG_ID] } });
    expect(chosen[0]!.summary).toMatchObject({
      text: "1,234 contacts from clientes.csv, 12 rows rejected",
      filename: "clientes.csv",
      contacts: 1234,
      rejected: 12,
      tagId: TAG_ID,
      variables: ["fields.plan"],
    });
    expect(sent.find((item) => item.path === "tag")?.body).toEqual({ name: "Campaign Black Friday CSV 1a000000", color: "#64748b" });
    expect(sent.find((item) => item.path === "start")?.body).toEqual({
      mapping: [
        { column: 0, field: "name" },
        { column: 1, field: "phone" },
        { column: 2, field: "fields.plan" },
      ],
      tags: [TAG_ID],
      on_existing: "update",
      consent: null,
    });
    expect(sent.find((item) => item.path === "count")?.body).toEqual({
      filter: { condition: "tags", match: "any", tag_ids: [TAG_ID] },
      sample_size: 0,
    });
  });

  it("lists the rejected rows with their reasons and downloads them all", async () => {
    gateway();
    setup();
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await upload();
    await user.click(await screen.findByRole("button", { name: "Preview" }));
    await user.click(await screen.findByRole("button", { name: "Next: options" }));
    await user.click(screen.getByRole("button", { name: "Import and use as the audience" }));

    const rejected = await screen.findByRole("table", { name: "Rejected rows" }, SLOW);
    expect(within(rejected).getByText("not a phone number")).toBeInTheDocument();
    expect(within(rejected).getByText("Celular")).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);

    const created = vi.fn(() => "blob:rejected");
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await user.click(screen.getByRole("button", { name: "Download the rejected rows (CSV)" }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]!.download).toBe("rejected-rows.csv");
    expect(clicked[0]!.href).toBe("blob:rejected");
  });

  it("says why the file could not be read, and cancelling leaves no audience", async () => {
    gateway({ "POST /api/v1/imports": () => problem(422, "the file is not CSV: no delimiter found", "import_unreadable") });
    const onCancel = vi.fn();
    const chosen = setup({ onCancel });
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await upload("fotos.zip");

    expect(await screen.findByText("the file is not CSV: no delimiter found")).toBeInTheDocument();
    expect(screen.getByText("The file could not be read.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Cancel the file" }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(chosen).toEqual([]);
  });

  it("asks for the phone column before going on", async () => {
    gateway();
    setup();
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await upload();
    await screen.findByRole("table", { name: "Columns and where they go" });
    await pick("Where the column Celular goes", "Email");

    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(screen.getByRole("alert")).toHaveTextContent("A campaign is sent to phone numbers: map the column with the phones to Phone.");
    expect(screen.getByRole("table", { name: "Columns and where they go" })).toBeInTheDocument();
  });

  it("shows the crm's problem when the import cannot start, and makes the tag once on a retry", async () => {
    let starts = 0;
    const sent = gateway({
      [`POST /api/v1/imports/${IMPORT_ID}/start`]: () => {
        starts += 1;
        return problem(409, "this import was started already", "import_not_ready");
      },
    });
    setup();
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await upload();
    await user.click(await screen.findByRole("button", { name: "Preview" }));
    await user.click(await screen.findByRole("button", { name: "Next: options" }));
    await user.click(screen.getByRole("button", { name: "Import and use as the audience" }));

    expect(await screen.findByText("this import was started already")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Import and use as the audience" }));
    await waitFor(() => expect(starts).toBe(2));
    expect(sent.filter((item) => item.path === "tag")).toHaveLength(1);
  });

  it("inside the wizard's form, uploading does not submit the wizard", async () => {
    gateway();
    const submitted = vi.fn((event: { preventDefault: () => void }) => event.preventDefault());
    renderWithProviders(
      <form aria-label="Wizard" onSubmit={submitted}>
        <CsvAudience onAudience={() => {}} />
      </form>,
    );
    await upload();

    await screen.findByRole("table", { name: "Columns and where they go" });
    expect(submitted).not.toHaveBeenCalled();
    expect(document.querySelectorAll("form form")).toHaveLength(0); // invalid HTML
  });

  it("keeps the file already chosen until another one replaces it", async () => {
    gateway();
    const onAudience = vi.fn();
    const summary: CsvAudienceSummary = {
      text: "1,234 contacts from clientes.csv, 12 rows rejected",
      filename: "clientes.csv",
      contacts: 1234,
      rejected: 12,
      importId: IMPORT_ID,
      tagId: TAG_ID,
      tagName: "Campaign Black Friday CSV 1a000000",
      variables: ["fields.plan"],
    };
    renderWithProviders(<CsvAudience chosen={summary} onAudience={onAudience} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(screen.getByTestId("csv-audience-summary")).toHaveTextContent("1,234 contacts from clientes.csv, 12 rows rejected");
    expect(screen.getByText("Columns you can use in the message: {{fields.plan}}")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Use another file" }));
    expect(await screen.findByRole("button", { name: /CSV file/ })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Cancel the file" }));

    expect(screen.getByTestId("csv-audience-summary")).toBeInTheDocument();
    expect(onAudience).not.toHaveBeenCalled();
  });
});

describe("a campaign's CSV audience strings", () => {
  const sources = import.meta.glob("./CsvAudience*.tsx", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
  const keys = Object.entries(sources)
    .filter(([path]) => !path.includes(".test."))
    .flatMap(([, text]) => [...text.matchAll(/\bt\(\s*[`"]((?:campaignCsv|contacts)\.[A-Za-z0-9_.-]+)[`"]/g)].map((match) => match[1]!));
  const dynamic = ["upload", "map", "preview", "options", "run", "report"].map((stage) => `campaignCsv.steps.${stage}`);
  const report = ["total", "created", "updated", "rejected"].map((key) => `campaignCsv.report.${key}`);

  it.each(["en", "pt-BR"])("every key used exists in %s", (language) => {
    expect(keys.length).toBeGreaterThan(20);
    const missing = [...keys, ...dynamic, ...report].filter(
      (key) =>
        !i18n.exists(key, { lng: language, fallbackLng: false, count: 2 }) &&
        !i18n.exists(key, { lng: language, fallbackLng: false }),
    );
    expect(missing).toEqual([]);
  });

  it("says the summary in Brazilian Portuguese", () => {
    const t = i18n.getFixedT("pt-BR");
    expect(
      t("campaignCsv.summary", { count: 1234, contacts: (1234).toLocaleString("pt-BR"), file: "clientes.csv" }) +
        t("campaignCsv.summaryRejected", { count: 1, rejected: "1" }),
    ).toBe("1.234 contatos de clientes.csv, 1 linha rejeitada");
  });
});
