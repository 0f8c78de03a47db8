// Answers of the ai-agent's API as it gives them, for the section's tests.
import type { ConsoleAnswer, KnowledgeBase, KnowledgeDocument, ModelSettings, Persona, Run, Usage } from "../../api/aiApi";

let counter = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;
const AT = "2026-12-01T12:00:00Z";

export function persona(overrides: Partial<Persona> = {}): Persona {
  return {
    id: nextId(),
    name: "Sofia",
    version: 1,
    created_at: AT,
    updated_at: AT,
    enabled: true,
    instructions: "",
    tone: "friendly",
    language: null,
    guidelines: [],
    refused_topics: [],
    never_promise: [],
    channel_account_ids: [],
    knowledge_base_ids: [],
    business_hours: null,
    after_hours: "answer",
    model: null,
    temperature: 0.3,
    answer_threshold: 0.86,
    debounce_seconds: 4,
    min_delay_seconds: 1,
    max_delay_seconds: 6,
    max_turns: 12,
    human_pause_minutes: 60,
    handoff_user_id: null,
    handoff_team_id: null,
    handoff_message: null,
    after_hours_message: null,
    lead_threshold: 0.8,
    stage_rules: [],
    ...overrides,
  };
}

export function knowledgeBase(overrides: Partial<KnowledgeBase> = {}): KnowledgeBase {
  return {
    id: nextId(),
    name: "Perguntas frequentes",
    description: null,
    embedding_model: "e5-small",
    dimensions: 384,
    status: "ready",
    created_at: AT,
    updated_at: AT,
    job: null,
    ...overrides,
  };
}

export function knowledgeDocument(baseId: string, overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument {
  return {
    id: nextId(),
    knowledge_base_id: baseId,
    kind: "faq",
    title: "FAQ",
    source: null,
    mime_type: "application/json",
    status: "ready",
    error: null,
    chunk_count: 2,
    bytes: 200,
    content_hash: "abc",
    created_at: AT,
    updated_at: AT,
    job: null,
    ...overrides,
  };
}

export function run(overrides: Partial<Run> = {}): Run {
  return {
    id: nextId(),
    conversation_id: null,
    persona_id: nextId(),
    purpose: "console",
    mode: "extractive",
    decision: "reply",
    reason: "answered_from_knowledge",
    detail: null,
    question: "Em quantos dias chega?",
    reply: "Entregamos em 2 a 5 dias úteis nas capitais.",
    sources: [
      {
        chunk_id: nextId(),
        document_id: nextId(),
        knowledge_base_id: null,
        document_title: "FAQ",
        heading: null,
        text: "Qual é o prazo de entrega?\nEntregamos em 2 a 5 dias úteis nas capitais.",
        score: 0.032787,
        similarity: 0.9123,
      },
    ],
    tool_calls: [],
    model: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    elapsed_ms: 12,
    created_at: AT,
    ...overrides,
  };
}

export function consoleAnswer(overrides: Partial<ConsoleAnswer> = {}): ConsoleAnswer {
  const answer = run();
  return { run: answer, parts: [answer.reply!], customer_message: null, actions: [], ...overrides };
}

export function modelSettings(overrides: Partial<ModelSettings> = {}): ModelSettings {
  return {
    base_url: "https://api.openai.com/v1",
    has_key: true,
    key_last4: "x9Qz",
    chat_model: "gpt-4o-mini",
    embedding_model: null,
    timeout_seconds: 30,
    input_price_per_million_usd: "0.15",
    output_price_per_million_usd: "0.6",
    monthly_budget_usd: "50",
    version: 1,
    updated_at: AT,
    ...overrides,
  } as ModelSettings;
}

export function usage(overrides: Partial<Usage> = {}): Usage {
  return {
    from: "2026-11-02",
    to: "2026-12-01",
    group_by: "day",
    totals: { calls: 42, prompt_tokens: 12000, completion_tokens: 3400, cost_usd: "0.0123" },
    series: [
      { key: "2026-11-30", calls: 40, prompt_tokens: 11000, completion_tokens: 3000, cost_usd: "0.012" },
      { key: "2026-12-01", calls: 2, prompt_tokens: 1000, completion_tokens: 400, cost_usd: "0.0003" },
    ],
    budget: { monthly_budget_usd: "50", spent_this_month_usd: "0.0003", left_usd: "49.9997" },
    ...overrides,
  } as Usage;
}
