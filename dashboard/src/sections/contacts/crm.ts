// The crm's issue-12 API as the contacts pages and the crm settings use it: tags, custom
// fields, segments, jobs, bulk actions, exports, imports, consent, the timeline, privacy and
// the crm's settings. Every call goes through the session's fetch (the token, one refresh).
//
// The shapes are the crm's generated schemas (src/api/crm.d.ts, `npm run gen:api`); the
// filter language is written out here, as the generated union is too loose to build with.
import { ApiError, sendWithSession } from "../../api/client";
import type { components } from "../../api/crm";
import { describeProblem } from "../team/problem";

type Schemas = components["schemas"];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type Tag = Schemas["TagRef"];
export type FieldKind = Schemas["FieldKind"];
export const FIELD_KINDS: FieldKind[] = [
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multi_select",
  "phone",
  "email",
  "url",
];
export type CustomField = Schemas["CustomFieldOut"];
export type FieldValue = string | number | boolean | string[] | null;

/** A contact with its issue-12 profile (owner, lifecycle, fields, tags, times). */
export type CrmContact = Schemas["ContactOut"];
export type ProfileUpdate = Schemas["ContactUpdate"];

export const LIFECYCLE_STAGES: Schemas["LifecycleStage"][] = [
  "subscriber",
  "lead",
  "marketing_qualified",
  "sales_qualified",
  "opportunity",
  "customer",
  "evangelist",
  "other",
];
/** The channels consent is kept for; conversations exist on the first two. */
export const CHANNELS: Schemas["ConsentChannel"][] = ["whatsapp", "sms", "email"];
export const CONVERSATION_CHANNELS = ["whatsapp", "sms"] as const;

// --- the filter language (segments, bulk actions, exports) --------------------------------

/** The crm's filter language (mia_crm.segments.filters): groups and conditions as JSON. */
export type ContactFilter =
  | { all: ContactFilter[] }
  | { any: ContactFilter[] }
  | { not: ContactFilter }
  | ({ condition: string } & Record<string, unknown>);
/** What the generated document calls a filter: the same JSON, typed as its union. */
type WireFilter = Schemas["PreviewIn"]["filter"];
const wire = (filter: ContactFilter) => filter as unknown as WireFilter;

export type Segment = Omit<Schemas["SegmentOut"], "filter"> & { filter: ContactFilter };
export type SegmentPreview = Schemas["PreviewOut"];

/** Which contacts a bulk action or an export is about: ids, or everything a filter matches. */
export type Selection = { ids: string[] } | { filter: ContactFilter | null; q?: string | null };

// --- jobs ----------------------------------------------------------------------------------

export type Job = Schemas["JobOut"];
export type JobStatus = Schemas["JobStatus"];

export function jobDone(job: Job | undefined): boolean {
  return !!job && (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled");
}

export type BulkAction =
  | { action: "tag"; tag_ids: string[] }
  | { action: "untag"; tag_ids: string[] }
  | { action: "set_owner"; owner_user_id: string | null }
  | { action: "set_field"; key: string; value: FieldValue }
  | { action: "delete" };

// --- imports -------------------------------------------------------------------------------

export type ImportAnalysis = Schemas["ImportPreview"];
export type ImportState = Schemas["ImportOut"];
export type ColumnMapping = Schemas["ColumnMapping"];
export type ImportStart = Schemas["ImportStart"];
export type ImportReport = Schemas["ImportCounts"];
/** A custom field as an import target: ``fields.<key>``. */
export const FIELD_TARGET = "fields.";

// --- consent, timeline, leads, settings -----------------------------------------------------

export type ConsentStatus = Schemas["ConsentStatus"];
export type ChannelConsent = Schemas["ChannelConsent"];
export type ConsentEvent = Schemas["ConsentEventOut"];
export type ContactConsent = Schemas["ContactConsentOut"];
export type TimelineItem =
  | Schemas["TimelineMessage"]
  | Schemas["TimelineNote"]
  | Schemas["TimelineStageChange"]
  | Schemas["TimelineConsentChange"]
  | Schemas["TimelineCampaignSend"];
export type ContactLead = Schemas["LeadOut"];
export type CrmSettings = Schemas["CrmSettingsOut"];
export type CrmSettingsUpdate = Schemas["CrmSettingsUpdate"];

// --- transport -----------------------------------------------------------------------------

type Query = Record<string, string | number | boolean | string[] | null | undefined>;

function url(path: string, query?: Query): string {
  const address = new URL(path, globalThis.location?.origin ?? "http://localhost");
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => address.searchParams.append(key, item));
    else address.searchParams.set(key, String(value));
  }
  return address.toString();
}

async function fail(response: Response): Promise<never> {
  let problem: ApiError["problem"];
  try {
    problem = (await response.json()) as ApiError["problem"];
  } catch {
    problem = undefined;
  }
  throw new ApiError(response.status, problem);
}

/** One JSON call; a non-2xx answer throws its problem as an ApiError. */
export async function call<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; raw?: Blob | File; contentType?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: BodyInit | undefined;
  if (options.raw) {
    body = options.raw;
    headers["Content-Type"] = options.contentType || options.raw.type || "text/csv";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  const response = await sendWithSession(
    new Request(url(path, options.query), { method, headers, body }),
  );
  if (!response.ok) await fail(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A file from the API (CSV, JSON), saved under `filename` by the browser. */
export async function download(
  path: string,
  filename: string,
  options: { query?: Query; method?: string; body?: unknown } = {},
): Promise<void> {
  const response = await sendWithSession(
    new Request(url(path, options.query), {
      method: options.method ?? "GET",
      headers: options.body !== undefined ? { "Content-Type": "application/json" } : {},
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    }),
  );
  if (!response.ok) await fail(response);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

// --- the calls -----------------------------------------------------------------------------

/** Every page of a cursor-paged list (tags are few: a tenant has dozens). */
async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await call<Page<T>>("GET", path, { query: { limit: 100, cursor } });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export const listTags = () => all<Schemas["TagOut"]>("/api/v1/tags");
export const createTag = (body: Schemas["TagCreate"]) => call<Schemas["TagOut"]>("POST", "/api/v1/tags", { body });
export const updateTag = (id: string, body: Schemas["TagUpdate"]) =>
  call<Schemas["TagOut"]>("PATCH", `/api/v1/tags/${id}`, { body });
export const deleteTag = (id: string) => call<void>("DELETE", `/api/v1/tags/${id}`);

export const listCustomFields = async () =>
  (await call<Schemas["CustomFieldList"]>("GET", "/api/v1/custom-fields")).items;
export const reorderCustomFields = (ids: string[]) =>
  call<Schemas["CustomFieldList"]>("PUT", "/api/v1/custom-fields/order", {
    body: { ids } satisfies Schemas["FieldOrder"],
  });
export const createCustomField = (body: Schemas["CustomFieldCreate"]) =>
  call<CustomField>("POST", "/api/v1/custom-fields", { body });
export const updateCustomField = (id: string, body: Schemas["CustomFieldUpdate"]) =>
  call<CustomField>("PATCH", `/api/v1/custom-fields/${id}`, { body });
export const deleteCustomField = (id: string) => call<void>("DELETE", `/api/v1/custom-fields/${id}`);

/** The list's quick filters, which GET /api/v1/contacts takes as they are. */
export interface QuickFilters {
  tag_id: string[];
  owner_user_id: string | null;
  lifecycle_stage: string[];
}

/** A page of contacts, newest first: a saved segment's (left as it was, with no search), the
 * list's own (search, quick filters), or, for any other filter, what the filter and the
 * search both match (POST /api/v1/contacts/query), every one of them page by page. */
export async function listCrmContacts(params: {
  q: string;
  cursor: string | null;
  limit: number;
  quick: QuickFilters;
  filter: ContactFilter | null;
  segmentId: string | null;
}): Promise<Page<CrmContact>> {
  if (params.segmentId && !params.q) {
    return call("GET", `/api/v1/segments/${params.segmentId}/contacts`, {
      query: { cursor: params.cursor, limit: params.limit },
    });
  }
  if (params.filter) return queryContacts(params.filter, params.q, params.cursor, params.limit);
  return call("GET", "/api/v1/contacts", {
    query: {
      q: params.q,
      cursor: params.cursor,
      limit: params.limit,
      tag_id: params.quick.tag_id,
      owner_user_id: params.quick.owner_user_id,
      lifecycle_stage: params.quick.lifecycle_stage,
    },
  });
}

/** A page of the contacts a filter and a text search (the list's `q`) both match. */
export const queryContacts = (filter: ContactFilter, q: string, cursor: string | null, limit: number) =>
  call<Page<CrmContact>>("POST", "/api/v1/contacts/query", {
    body: { filter: wire(filter), q: q || null, cursor, limit } satisfies Schemas["ContactQuery"],
  });

export const updateProfile = (contactId: string, body: ProfileUpdate) =>
  call<CrmContact>("PATCH", `/api/v1/contacts/${contactId}`, { body });
export const addContactTags = (contactId: string, tagIds: string[]) =>
  call<CrmContact>("POST", `/api/v1/contacts/${contactId}/tags`, {
    body: { tag_ids: tagIds } satisfies Schemas["ContactTagIds"],
  });
export const removeContactTag = (contactId: string, tagId: string) =>
  call<CrmContact>("DELETE", `/api/v1/contacts/${contactId}/tags/${tagId}`);

export const listSegments = () => all<Segment>("/api/v1/segments");
export const createSegment = (body: { name: string; filter: ContactFilter }) =>
  call<Segment>("POST", "/api/v1/segments", {
    body: { name: body.name, filter: wire(body.filter) } satisfies Schemas["SegmentIn"],
  });
export const updateSegment = (id: string, body: { name?: string; filter?: ContactFilter }) =>
  call<Segment>("PATCH", `/api/v1/segments/${id}`, {
    body: {
      ...(body.name ? { name: body.name } : {}),
      ...(body.filter ? { filter: wire(body.filter) } : {}),
    } satisfies Schemas["SegmentUpdate"],
  });
export const deleteSegment = (id: string) => call<void>("DELETE", `/api/v1/segments/${id}`);
export const previewSegment = (filter: ContactFilter, sampleSize = 0) =>
  call<SegmentPreview>("POST", "/api/v1/segments/preview", {
    body: { filter: wire(filter), sample_size: sampleSize } satisfies Schemas["PreviewIn"],
  });

export const getJob = (id: string) => call<Job>("GET", `/api/v1/jobs/${id}`);
export const cancelJob = (id: string) => call<Job>("POST", `/api/v1/jobs/${id}/cancel`);

/** Which contacts, as the bulk and export bodies name them. */
function target(selection: Selection) {
  // "Everything" is said out loud ({"all": []}), never left for a default to decide.
  return "ids" in selection ? { selection: selection.ids } : { filter: wire(selection.filter ?? { all: [] }) };
}

export function startBulk(selection: Selection, action: BulkAction): Promise<Job> {
  const params =
    action.action === "tag" || action.action === "untag"
      ? { tag_ids: action.tag_ids }
      : action.action === "set_owner"
        ? { owner_user_id: action.owner_user_id }
        : action.action === "set_field"
          ? { fields: { [action.key]: action.value } }
          : {};
  const body = { action: action.action, params, ...target(selection) } as Schemas["BulkTag"];
  return call<Job>("POST", "/api/v1/contacts/bulk", { body });
}

export function exportContacts(selection: Selection, fieldKeys: string[] = []): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 10);
  // Excel in Brazil opens semicolon-separated files as columns; elsewhere commas.
  const delimiter = navigator.language.toLowerCase().startsWith("pt") ? "semicolon" : "comma";
  const body: Schemas["ExportRequest"] = { ...target(selection), field_keys: fieldKeys, delimiter };
  return download("/api/v1/exports/contacts.csv", `contacts-${stamp}.csv`, { method: "POST", body });
}

export const uploadImport = (file: File) =>
  call<ImportAnalysis>("POST", "/api/v1/imports", {
    raw: file,
    contentType: "text/csv",
    query: { filename: file.name },
  });
export const previewImport = (id: string, mapping: ColumnMapping[]) =>
  call<ImportAnalysis>("POST", `/api/v1/imports/${id}/preview`, {
    body: { mapping } satisfies Schemas["PreviewRequest"],
  });
export const startImport = (id: string, body: ImportStart) =>
  call<ImportState>("POST", `/api/v1/imports/${id}/start`, { body });
export const getImport = (id: string) => call<ImportState>("GET", `/api/v1/imports/${id}`);
/** The rejected rows' CSV (row, column, reason, the row's values), as text. */
export async function rejectionsText(id: string): Promise<string> {
  const response = await sendWithSession(new Request(url(`/api/v1/imports/${id}/rejections.csv`)));
  if (!response.ok) await fail(response);
  return response.text();
}
export const downloadRejected = (id: string) =>
  download(`/api/v1/imports/${id}/rejections.csv`, "rejected-rows.csv");

export const getConsent = (contactId: string) =>
  call<ContactConsent>("GET", `/api/v1/contacts/${contactId}/consent`);
export const setConsent = (contactId: string, body: Schemas["ConsentBody"]) =>
  call<Schemas["ConsentChange"]>("POST", `/api/v1/contacts/${contactId}/consent`, { body });

export const listTimeline = (contactId: string, cursor: string | null) =>
  call<Page<TimelineItem>>("GET", `/api/v1/contacts/${contactId}/timeline`, {
    query: { cursor, limit: 30 },
  });

export const listContactLeads = (contactId: string) =>
  call<Page<ContactLead>>("GET", "/api/v1/leads", { query: { contact_id: contactId, limit: 50 } });

export const exportContactData = (contactId: string) =>
  download(`/api/v1/contacts/${contactId}/export`, `contact-${contactId}.json`);
export const eraseContact = (contactId: string) =>
  call<Schemas["ErasureOut"]>("POST", `/api/v1/contacts/${contactId}/erase`);

export const getCrmSettings = () => call<CrmSettings>("GET", "/api/v1/crm/settings");
export const updateCrmSettings = (body: CrmSettingsUpdate) =>
  call<CrmSettings>("PUT", "/api/v1/crm/settings", { body });

/** The sentence to show for a failed call: the crm's detail, and the fields a 422 names. */
export function problemText(error: unknown, fallback: string): string {
  return describeProblem(error instanceof ApiError ? error.problem : error, fallback);
}
