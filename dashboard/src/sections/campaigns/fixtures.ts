// Campaigns and recipients as the campaigns service answers them, for tests.
import type { Campaign, CampaignReview, Recipient, Template } from "../../api/campaignsApi";
import type { ChannelTemplate } from "../../api/channels";

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

/** A review as GET /campaigns/{id}/review answers it: 120 members, 3 left out. */
export function review(overrides: Partial<CampaignReview> = {}): CampaignReview {
  return {
    members: 120,
    recipients: 117,
    excluded: { opted_out: 2, no_address: 1 },
    outside_window: 0,
    template_required: false,
    daily_limit: { tier: "TIER_1K", limit: 1000, remaining: 900, over_by: 0, resets_at: "2026-11-29T12:00:00Z" },
    warnings: [],
    rate_per_second: 10,
    duration_seconds: 11.7,
    cost: { currency: "USD", category: "marketing", total: 7.29, by_country: { BR: 7.29 } },
    by_country: { BR: 117 },
    ...overrides,
  };
}

/** An approved Meta template of a number, as the sender lists it. */
export function channelTemplate(overrides: Partial<ChannelTemplate> = {}): ChannelTemplate {
  return {
    name: "promo_natal",
    language: "pt_BR",
    status: "APPROVED",
    category: "MARKETING",
    body: "Olá {{1}}, seu cupom é {{2}}.",
    variables: 2,
    header: null,
    header_variables: 0,
    footer: "Loja Acme",
    ...overrides,
  };
}

/** A template of the library, as /api/v1/templates answers it (with the Meta fields the
 *  service's submission and sync add; cast, so it fits the types with and without them). */
export function libraryTemplate(overrides: Partial<Template> = {}): Template {
  serial += 1;
  return {
    id: `7e7e7e7e-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    name: "Boas-vindas",
    channel: "whatsapp",
    language: "pt_BR",
    category: "marketing",
    body: "Oi {{first_name|cliente}}!",
    header_text: null,
    header_media: null,
    footer: null,
    buttons: [],
    variables: ["first_name"],
    sms: null,
    meta_name: null,
    meta_status: null,
    meta_reason: null,
    meta_status_at: null,
    meta_template_id: null,
    meta_language: null,
    channel_account_id: null,
    mapping_needed: null,
    mappings: {},
    origin: "library",
    created_at: NOW,
    updated_at: NOW,
    ...overrides,
  } as Template;
}
