// Pipelines, boards and leads as the crm answers them, for tests.
import type { Board, LeadDetail, Pipeline, Stage } from "./api";

let serial = 0;
const uuid = (prefix: string) => {
  serial += 1;
  return `${prefix}-0000-4000-8000-${String(serial).padStart(12, "0")}`;
};

export const PIPELINE_ID = "a1a1a1a1-0000-4000-8000-000000000001";

export function stage(overrides: Partial<Stage> = {}): Stage {
  return {
    id: uuid("5a5a5a5a"),
    pipeline_id: PIPELINE_ID,
    name: "Stage",
    color: "#228be6",
    position: 0,
    probability: 10,
    kind: "open",
    rotting_days: null,
    ...overrides,
  };
}

export function lead(stageOf: Stage, overrides: Partial<LeadDetail> = {}): LeadDetail {
  return {
    id: uuid("1ead1ead"),
    pipeline_id: stageOf.pipeline_id,
    stage_id: stageOf.id,
    title: "Deal",
    contact_id: "d0a1b2c3-0000-4000-8000-000000000002",
    contact: { id: "d0a1b2c3-0000-4000-8000-000000000002", name: null, phone: "+5511999990000" },
    conversation_id: null,
    value: "100.00",
    currency: "BRL",
    owner_user_id: null,
    expected_close_on: null,
    lost_reason: null,
    position: "a0",
    version: 1,
    rotting: false,
    stage_entered_at: "2026-11-20T12:00:00Z",
    tags: [],
    source: null,
    fields: {},
    created_at: "2026-11-20T12:00:00Z",
    updated_at: "2026-11-20T12:00:00Z",
    ...overrides,
  };
}

export function pipeline(stages: Stage[], overrides: Partial<Pipeline> = {}): Pipeline {
  return { id: PIPELINE_ID, name: "Sales", stages, created_at: "2026-11-01T12:00:00Z", updated_at: "2026-11-01T12:00:00Z", ...overrides };
}

/** The board of `stages` with these cards in each (totals summed from them). */
export function board(stages: Stage[], leads: Record<string, LeadDetail[]>, nextCursors: Record<string, string> = {}): Board {
  return {
    pipeline: pipeline(stages),
    columns: stages.map((item) => {
      const cards = leads[item.id] ?? [];
      const total = cards.reduce((sum, card) => sum + Number(card.value ?? 0), 0);
      return {
        stage: item,
        count: cards.length,
        total_value: total.toFixed(2),
        weighted_value: ((total * item.probability) / 100).toFixed(2),
        by_currency: cards.length
          ? [{ currency: "BRL", count: cards.length, total_value: total.toFixed(2), weighted_value: ((total * item.probability) / 100).toFixed(2) }]
          : [],
        leads: cards,
        next_cursor: nextCursors[item.id] ?? null,
      };
    }),
  };
}
