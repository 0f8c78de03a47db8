// Contacts as the crm answers them, for tests.
import type { Contact, ContactDetail } from "../../api/contacts";
import type { CustomField, Job } from "./crm";

let serial = 0;

export function contact(overrides: Partial<Contact> = {}): Contact {
  serial += 1;
  const id = `d0a1b2c3-0000-4000-8000-${String(serial).padStart(12, "0")}`;
  return {
    id,
    name: `Customer ${serial}`,
    phone: `+55119999${String(serial).padStart(5, "0")}`,
    user_id: null,
    email: null,
    owner_user_id: null,
    lifecycle_stage: null,
    source: null,
    language: null,
    time_zone: "America/Sao_Paulo",
    time_zone_derived: true,
    tags: [],
    fields: {},
    last_inbound_at: null,
    last_outbound_at: null,
    created_at: "2026-11-20T12:00:00Z",
    updated_at: "2026-11-20T12:00:00Z",
    ...overrides,
  };
}

export function contactDetail(overrides: Partial<ContactDetail> = {}): ContactDetail {
  return { ...contact(), conversations: [], ...overrides };
}

export const TAG_VIP = { id: "7a000000-0000-4000-8000-000000000001", name: "VIP", color: "#22c55e" };
export const TAG_LEAD = { id: "7a000000-0000-4000-8000-000000000002", name: "Hot lead", color: "#ef4444" };

export function tagOut(tag: { id: string; name: string; color: string }) {
  return { ...tag, created_at: "2026-11-20T12:00:00Z", updated_at: "2026-11-20T12:00:00Z" };
}

export function field(overrides: Partial<CustomField> & Pick<CustomField, "key" | "label" | "kind">): CustomField {
  serial += 1;
  return {
    id: `f0a1b2c3-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    options: null,
    position: serial,
    created_at: "2026-11-20T12:00:00Z",
    updated_at: "2026-11-20T12:00:00Z",
    ...overrides,
  };
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: "j0a1b2c3-0000-4000-8000-000000000001",
    kind: "contacts.bulk_tag",
    status: "queued",
    total: null,
    processed: 0,
    succeeded: 0,
    failed: 0,
    percent: null,
    cancel_requested: false,
    result: null,
    error: null,
    created_by_user_id: null,
    created_at: "2026-11-20T12:00:00Z",
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}
