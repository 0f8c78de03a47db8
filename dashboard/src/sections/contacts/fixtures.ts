// Contacts as the crm answers them, for tests.
import type { Contact, ContactDetail } from "../../api/contacts";

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
