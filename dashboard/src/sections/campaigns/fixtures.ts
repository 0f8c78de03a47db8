// Campaigns and recipients as the campaigns service answers them, for tests.
import type { Campaign, Recipient } from "../../api/campaignsApi";

const NOW = "2026-11-28T12:00:00Z";
let serial = 0;

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  serial += 1;
  return {
    id: `c0c1c2c3-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    name: "Black Friday",
    status: "draft",
    status_reason: null,
    status_detail: null,
    channel: "whatsapp_cloud",
    channel_account_id: "a0a1b2c3-0000-4000-8000-000000000001",
    message: { type: "text", body: "Oi {{first_name|cliente}}!" },
    audience: { kind: "segment", segment_id: SEGMENT.id },
    in_flight_limit: 50,
    rate_per_second: null,
    scheduled_at: null,
    send_window: null,
    launched_at: null,
    started_at: null,
    finished_at: null,
    created_at: NOW,
    counts: {},
    excluded: {},
    failures: {},
    ...overrides,
  };
}

export function recipient(overrides: Partial<Recipient> = {}): Recipient {
  serial += 1;
  return {
    contact_id: `d0d1d2d3-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    address: "+5511988880001",
    name: "Ana Souza",
    state: "accepted",
    reason: null,
    detail: null,
    external_message_id: "wamid.1",
    requested_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

export const SEGMENT = {
  id: "5e5e5e5e-0000-4000-8000-000000000001",
  name: "Clientes VIP",
  description: null,
  filter: { op: "has", field: "phone" },
  count: 120,
  count_timed_out: false,
  created_by_user_id: null,
  created_at: NOW,
  updated_at: NOW,
};
