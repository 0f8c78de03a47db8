// Cadences and enrollments as the campaigns service answers them, for tests.
import type { Cadence, Enrollment } from "../../api/cadencesApi";
import type { ChannelTemplate } from "../../api/channels";

const NOW = "2026-11-28T12:00:00Z";
let serial = 0;

export const ACCOUNT_ID = "a0a1b2c3-0000-4000-8000-000000000001";

export function cadence(overrides: Partial<Cadence> = {}): Cadence {
  serial += 1;
  return {
    id: `cad0c1c2-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    name: "Boas-vindas",
    status: "draft",
    channel: "whatsapp_cloud",
    channel_account_id: ACCOUNT_ID,
    time_zone: "America/Sao_Paulo",
    steps: [
      { type: "send", message: { type: "text", body: "Oi {{first_name|cliente}}!" } },
      { type: "wait", amount: 2, unit: "days" },
      { type: "branch", condition: { kind: "replied" }, then_step: 4, else_step: 3 },
      { type: "send", message: { type: "text", body: "Ainda por aí?" } },
    ],
    business_hours: null,
    stop_on_reply: true,
    stop_on_stage_change: false,
    triggers: [],
    created_at: NOW,
    updated_at: NOW,
    counts: {},
    at_step: {},
    ...overrides,
  };
}

export function enrollment(overrides: Partial<Enrollment> = {}): Enrollment {
  serial += 1;
  return {
    id: `e0e1e2e3-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    cadence_id: "cad0c1c2-0000-4000-8000-000000000001",
    contact_id: `d0d1d2d3-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    name: "Ana Souza",
    address: "+5511988880001",
    source: "manual",
    state: "active",
    step_index: 1,
    step_type: "wait",
    due_at: "2026-11-30T12:00:00Z",
    attempts: 0,
    reason: null,
    detail: null,
    replied_at: null,
    read_at: null,
    history: [],
    created_at: NOW,
    finished_at: null,
    ...overrides,
  };
}

/** One of a WhatsApp number's templates, as the sender answers them. */
export function channelTemplate(overrides: Partial<ChannelTemplate> = {}): ChannelTemplate {
  return {
    name: "boas_vindas",
    language: "pt_BR",
    status: "APPROVED",
    category: "MARKETING",
    body: "Olá {{1}}, seu cupom é {{2}}.",
    variables: 2,
    header: null,
    header_variables: 0,
    footer: null,
    ...overrides,
  } as ChannelTemplate;
}

export const SEGMENT = {
  id: "5e5e5e5e-0000-4000-8000-000000000001",
  name: "Clientes VIP",
  description: null,
  filter: { all: [] },
  count: 120,
  count_timed_out: false,
  created_by_user_id: null,
  created_at: NOW,
  updated_at: NOW,
};
