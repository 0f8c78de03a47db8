// The crm's issue-12 API as the contacts pages and the crm settings use it: tags, custom
// fields, segments, jobs, bulk actions, exports, imports, consent, the timeline, privacy and
// the crm's settings. Every call goes through the session's fetch (the token, one refresh).
//
// The shapes are written here, beside the calls, because the crm's endpoints landed while
// these pages were being built.
import { ApiError, sendWithSession } from "../../api/client";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Tag {
  id: string;
  name: string;
  color: string;
}

export const FIELD_KINDS = [
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multi_select",
  "phone",
  "email",
  "url",
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface CustomField {
  id: string;
  key: string;
  label: string;
  kind: FieldKind;
  options: string[] | null;
  position: number;
}

export type FieldValue = string | number | boolean | string[] | null;

/** A contact with its issue-12 profile (owner, lifecycle, fields, tags, times). */
export interface CrmContact {
  id: string;
  name: string | null;
  phone: string | null;
  user_id: string | null;
  email: string | null;
  created_at: string;
  updated_at: string;
  owner_user_id?: string | null;
  lifecycle_stage?: string | null;
  source?: string | null;
  language?: string | null;
  /** The zone set, or else the one the phone's country implies (then `time_zone_derived`). */
  time_zone?: string | null;
  time_zone_derived?: boolean;
  last_inbound_at?: string | null;
  last_outbound_at?: string | null;
  fields?: Record<string, FieldValue>;
  tags?: Tag[];
}

export interface ProfileUpdate {
  name?: string | null;
  email?: string | null;
  owner_user_id?: string | null;
  lifecycle_stage?: string | null;
  language?: string | null;
  time_zone?: string | null;
  fields?: Record<string, FieldValue>;
}

export const LIFECYCLE_STAGES = [
  "subscriber",
  "lead",
  "marketing_qualified",
  "sales_qualified",
  "opportunity",
  "customer",
  "evangelist",
  "other",
] as const;
/** The channels a contact is reached on: conversations exist on the first two. */
export const CHANNELS = ["whatsapp", "sms", "email"] as const;
export const CONVERSATION_CHANNELS = ["whatsapp", "sms"] as const;

// --- the filter language (segments, bulk actions, exports) --------------------------------

/** The crm's filter language (mia_crm.segments.filters): groups and conditions as JSON. */
export type ContactFilter =
  | { all: ContactFilter[] }
  | { any: ContactFilter[] }
  | { not: ContactFilter }
  | ({ condition: string } & Record<string, unknown>);

export interface Segment {
  id: string;
  name: string;
  filter: ContactFilter;
  created_at: string;
  updated_at?: string;
}

/** Which contacts a bulk action or an export is about: ids, or everything a filter matches. */
export type Selection =
  | { ids: string[] }
  | { filter: ContactFilter | null; q?: string | null };

// --- jobs ----------------------------------------------------------------------------------

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  result: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
  finished_at?: string | null;
}

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

export interface ImportColumn {
  index: number;
  header: string;
  samples: string[];
  /** "name" | "phone" | "email" | "user_id" | "lifecycle_stage" | … | "field:<key>" | null */
  suggested: string | null;
}

export interface ImportAnalysis {
  id: string;
  encoding: string;
  delimiter: string;
  columns: ImportColumn[];
  rows: number | null;
}

export interface RowProblem {
  row: number;
  column: string | null;
  reason: string;
}

export interface ImportPreview {
  rows: { row: number; values: Record<string, string | null> }[];
  errors: RowProblem[];
}

export interface ImportOptions {
  mapping: Record<string, string>;
  tag_ids: string[];
  existing: "update" | "skip";
  consent: { channel: string; status: "opted_in" | "opted_out" } | null;
}

export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

// --- consent, timeline, leads, settings -----------------------------------------------------

export type ConsentStatus = "opted_in" | "opted_out";

export interface ConsentState {
  channel: string;
  status: ConsentStatus;
  source: string;
  occurred_at: string;
}

export interface ConsentEvent extends ConsentState {
  id: string;
  actor_user_id: string | null;
}

export interface ContactConsent {
  current: ConsentState[];
  history: ConsentEvent[];
}

export interface TimelineItem {
  id: string;
  kind: "message" | "note" | "stage_change" | "consent" | "campaign" | string;
  at: string;
  summary?: string | null;
  direction?: "in" | "out" | null;
  text?: string | null;
  data?: Record<string, unknown>;
}

export interface ContactLead {
  id: string;
  title: string;
  pipeline_id: string;
  stage_id: string;
  stage_name?: string | null;
  pipeline_name?: string | null;
  value?: string | number | null;
  currency?: string | null;
}

export interface CrmSettings {
  default_country: string;
  marketing_requires_consent: boolean;
  opt_out_keywords: string[];
  opt_in_keywords: string[];
  opt_out_reply: string | null;
  opt_in_reply: string | null;
}

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

/** Every page of a cursor-paged list (tags and fields are few: a tenant has dozens). */
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

export const listTags = () => all<Tag>("/api/v1/tags");
export const createTag = (body: { name: string; color: string }) =>
  call<Tag>("POST", "/api/v1/tags", { body });
export const updateTag = (id: string, body: Partial<Omit<Tag, "id">>) =>
  call<Tag>("PATCH", `/api/v1/tags/${id}`, { body });
export const deleteTag = (id: string) => call<void>("DELETE", `/api/v1/tags/${id}`);

export const listCustomFields = async () =>
  (await call<{ items: CustomField[] }>("GET", "/api/v1/custom-fields")).items;
export const reorderCustomFields = (ids: string[]) =>
  call<{ items: CustomField[] }>("PUT", "/api/v1/custom-fields/order", { body: { ids } });
export const createCustomField = (body: {
  key?: string;
  label: string;
  kind: FieldKind;
  options: string[] | null;
}) =>
  call<CustomField>("POST", "/api/v1/custom-fields", { body });
export const updateCustomField = (
  id: string,
  body: { label?: string; kind?: FieldKind; options?: string[] | null },
) =>
  call<CustomField>("PATCH", `/api/v1/custom-fields/${id}`, { body });
export const deleteCustomField = (id: string) =>
  call<void>("DELETE", `/api/v1/custom-fields/${id}`);

/** The list's quick filters, which GET /api/v1/contacts takes as they are. */
export interface QuickFilters {
  tag_id: string[];
  owner_user_id: string | null;
  lifecycle_stage: string[];
}

export function listCrmContacts(params: {
  q: string;
  cursor: string | null;
  limit: number;
  quick: QuickFilters;
  filter: ContactFilter | null;
}): Promise<Page<CrmContact>> {
  return call("GET", "/api/v1/contacts", {
    query: {
      q: params.q,
      cursor: params.cursor,
      limit: params.limit,
      tag_id: params.quick.tag_id,
      owner_user_id: params.quick.owner_user_id,
      lifecycle_stage: params.quick.lifecycle_stage,
      filter: params.filter ? JSON.stringify(params.filter) : null,
    },
  });
}

export const updateProfile = (contactId: string, body: ProfileUpdate) =>
  call<CrmContact>("PATCH", `/api/v1/contacts/${contactId}`, { body });
export const addContactTags = (contactId: string, tagIds: string[]) =>
  call<CrmContact>("POST", `/api/v1/contacts/${contactId}/tags`, { body: { tag_ids: tagIds } });
export const removeContactTag = (contactId: string, tagId: string) =>
  call<CrmContact>("DELETE", `/api/v1/contacts/${contactId}/tags/${tagId}`);

export const listSegments = () => all<Segment>("/api/v1/segments");
export const createSegment = (body: { name: string; filter: ContactFilter }) =>
  call<Segment>("POST", "/api/v1/segments", { body });
export const updateSegment = (id: string, body: { name?: string; filter?: ContactFilter }) =>
  call<Segment>("PATCH", `/api/v1/segments/${id}`, { body });
export const deleteSegment = (id: string) => call<void>("DELETE", `/api/v1/segments/${id}`);
export const previewSegment = (filter: ContactFilter) =>
  call<{ count: number }>("POST", "/api/v1/segments/preview", { body: { filter } });

export const getJob = (id: string) => call<Job>("GET", `/api/v1/jobs/${id}`);
export const cancelJob = (id: string) => call<Job>("POST", `/api/v1/jobs/${id}/cancel`);

export const startBulk = (selection: Selection, action: BulkAction) =>
  call<Job>("POST", "/api/v1/contacts/bulk", { body: { selection, ...action } });

export function exportContacts(selection: Selection): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 10);
  return download("/api/v1/exports/contacts.csv", `contacts-${stamp}.csv`, {
    method: "POST",
    body: { selection },
  });
}

export const uploadImport = (file: File) =>
  call<ImportAnalysis>("POST", "/api/v1/imports", { raw: file, contentType: "text/csv" });
export const previewImport = (id: string, mapping: Record<string, string>) =>
  call<ImportPreview>("POST", `/api/v1/imports/${id}/preview`, { body: { mapping } });
export const runImport = (id: string, options: ImportOptions) =>
  call<Job>("POST", `/api/v1/imports/${id}/run`, { body: options });
export const downloadRejected = (id: string) =>
  download(`/api/v1/imports/${id}/rejected.csv`, "rejected-rows.csv");

export const getConsent = (contactId: string) =>
  call<ContactConsent>("GET", `/api/v1/contacts/${contactId}/consent`);
export const setConsent = (contactId: string, body: { channel: string; status: ConsentStatus }) =>
  call<ConsentState>("POST", `/api/v1/contacts/${contactId}/consent`, { body });

export const listTimeline = (contactId: string, cursor: string | null) =>
  call<Page<TimelineItem>>("GET", `/api/v1/contacts/${contactId}/timeline`, {
    query: { cursor, limit: 30 },
  });

export const listContactLeads = (contactId: string) =>
  call<Page<ContactLead>>("GET", "/api/v1/leads", { query: { contact_id: contactId, limit: 50 } });

export const exportContactData = (contactId: string) =>
  download(`/api/v1/contacts/${contactId}/export`, `contact-${contactId}.json`);
export const eraseContact = (contactId: string) =>
  call<void>("POST", `/api/v1/contacts/${contactId}/erase`, { body: { confirm: true } });

export const getCrmSettings = () => call<CrmSettings>("GET", "/api/v1/crm/settings");
export const updateCrmSettings = (body: Partial<CrmSettings>) =>
  call<CrmSettings>("PUT", "/api/v1/crm/settings", { body });
