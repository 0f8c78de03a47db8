// The persona editor's values: what the form holds, how a saved persona fills it, what is
// sent, and where the service's 422 problems go in the form.
import type { Persona, PersonaCreate, Tone } from "../../../api/aiApi";
import type { ApiError } from "../../../api/client";

export interface PersonaValues {
  name: string;
  enabled: boolean;
  instructions: string;
  tone: Tone;
  /** CUSTOMER_LANGUAGE: answer in the customer's language. */
  language: string;
  guidelines: string[];
  refused_topics: string[];
  never_promise: string[];
  channel_account_ids: string[];
  knowledge_base_ids: string[];
  hoursEnabled: boolean;
  time_zone: string;
  days: string[];
  start: string;
  end: string;
  after_hours: "answer" | "collect";
  after_hours_message: string;
  answer_threshold: number;
  lead_threshold: number;
  debounce_seconds: number;
  min_delay_seconds: number;
  max_delay_seconds: number;
  max_turns: number;
  human_pause_minutes: number;
  handoff_user_id: string | null;
  handoff_team_id: string | null;
  handoff_message: string;
  /** A model of the company's endpoint; empty: the company's chat model (the API's null). */
  model: string;
  temperature: number;
  stage_rules: StageRuleValues[];
}

/** Extractive mode's lead rule: the customer's words that put the lead in a stage. */
export interface StageRuleValues {
  /** null until a stage is chosen. */
  stage_id: string | null;
  keywords: string[];
}

/** The service's bounds of a rule (``StageRule``) and of the list. */
export const STAGE_RULES_MAX = 30;
export const KEYWORDS_MAX = 50;
export const KEYWORD_LENGTH = { min: 2, max: 80 } as const;

/** The language choice that means "the customer's" (the API's null). */
export const CUSTOMER_LANGUAGE = "customer";

export const LIST_FIELDS = ["guidelines", "refused_topics", "never_promise"] as const;
export type ListField = (typeof LIST_FIELDS)[number];

export function emptyValues(timeZone: string): PersonaValues {
  return {
    name: "",
    enabled: true,
    instructions: "",
    tone: "friendly",
    language: CUSTOMER_LANGUAGE,
    guidelines: [],
    refused_topics: [],
    never_promise: [],
    channel_account_ids: [],
    knowledge_base_ids: [],
    hoursEnabled: false,
    time_zone: timeZone,
    days: ["0", "1", "2", "3", "4"],
    start: "09:00",
    end: "18:00",
    after_hours: "answer",
    after_hours_message: "",
    answer_threshold: 0.86,
    lead_threshold: 0.8,
    debounce_seconds: 4,
    min_delay_seconds: 1,
    max_delay_seconds: 6,
    max_turns: 12,
    human_pause_minutes: 60,
    handoff_user_id: null,
    handoff_team_id: null,
    handoff_message: "",
    model: "",
    temperature: 0.3,
    stage_rules: [],
  };
}

export function valuesOf(persona: Persona, timeZone: string): PersonaValues {
  const hours = persona.business_hours;
  const base = emptyValues(hours?.time_zone ?? timeZone);
  return {
    ...base,
    name: persona.name,
    enabled: persona.enabled ?? true,
    instructions: persona.instructions ?? "",
    tone: persona.tone ?? "friendly",
    language: persona.language ?? CUSTOMER_LANGUAGE,
    guidelines: [...(persona.guidelines ?? [])],
    refused_topics: [...(persona.refused_topics ?? [])],
    never_promise: [...(persona.never_promise ?? [])],
    channel_account_ids: [...(persona.channel_account_ids ?? [])],
    knowledge_base_ids: [...(persona.knowledge_base_ids ?? [])],
    hoursEnabled: Boolean(hours),
    days: hours ? hours.days.map(String) : base.days,
    start: hours?.start ?? base.start,
    end: hours?.end ?? base.end,
    after_hours: persona.after_hours ?? "answer",
    after_hours_message: persona.after_hours_message ?? "",
    answer_threshold: persona.answer_threshold ?? base.answer_threshold,
    lead_threshold: persona.lead_threshold ?? base.lead_threshold,
    debounce_seconds: persona.debounce_seconds ?? base.debounce_seconds,
    min_delay_seconds: persona.min_delay_seconds ?? base.min_delay_seconds,
    max_delay_seconds: persona.max_delay_seconds ?? base.max_delay_seconds,
    max_turns: persona.max_turns ?? base.max_turns,
    human_pause_minutes: persona.human_pause_minutes ?? base.human_pause_minutes,
    handoff_user_id: persona.handoff_user_id ?? null,
    handoff_team_id: persona.handoff_team_id ?? null,
    handoff_message: persona.handoff_message ?? "",
    model: persona.model ?? "",
    temperature: persona.temperature ?? base.temperature,
    stage_rules: (persona.stage_rules ?? []).map((rule) => ({ stage_id: rule.stage_id, keywords: [...rule.keywords] })),
  };
}

/** The persona as the API takes it (every field the form holds: an edit sends them all, with
 *  the version). */
export function bodyOf(values: PersonaValues): PersonaCreate {
  return {
    name: values.name.trim(),
    enabled: values.enabled,
    instructions: values.instructions,
    tone: values.tone,
    language: values.language === CUSTOMER_LANGUAGE ? null : values.language,
    guidelines: values.guidelines.map((line) => line.trim()),
    refused_topics: values.refused_topics.map((line) => line.trim()),
    never_promise: values.never_promise.map((line) => line.trim()),
    channel_account_ids: values.channel_account_ids,
    knowledge_base_ids: values.knowledge_base_ids,
    business_hours: values.hoursEnabled
      ? { time_zone: values.time_zone, days: values.days.map(Number).sort(), start: values.start, end: values.end }
      : null,
    after_hours: values.after_hours,
    after_hours_message: values.after_hours_message.trim() || null,
    answer_threshold: values.answer_threshold,
    lead_threshold: values.lead_threshold,
    debounce_seconds: values.debounce_seconds,
    min_delay_seconds: values.min_delay_seconds,
    max_delay_seconds: values.max_delay_seconds,
    max_turns: values.max_turns,
    human_pause_minutes: values.human_pause_minutes,
    handoff_user_id: values.handoff_user_id,
    handoff_team_id: values.handoff_team_id,
    handoff_message: values.handoff_message.trim() || null,
    model: values.model.trim() || null,
    temperature: values.temperature,
    // validate() saw to it that every rule names its stage.
    stage_rules: values.stage_rules.map((rule) => ({
      stage_id: rule.stage_id!,
      keywords: rule.keywords.map((word) => word.trim()),
    })),
  };
}

const HOURS_FIELDS: Record<string, string> = { time_zone: "time_zone", days: "days", start: "start", end: "end" };

/** Form paths of the problems a 422 names by ``loc`` (``["body", "guidelines", 0]`` →
 *  ``guidelines.0``, ``["body", "stage_rules", 1, "keywords", 0]`` → ``stage_rules.1.keywords``);
 *  a problem of the whole body lands on the field it names. */
export function problemPaths(error: ApiError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const entry of error.problem?.errors ?? []) {
    const [where, field, inner] = entry.loc;
    if (where !== "body") continue;
    const message = entry.msg.replace(/^Value error, /, "");
    let path: string | null = null;
    if (typeof field !== "string") {
      if (/delay/.test(message)) path = "min_delay_seconds";
    } else if (field === "business_hours") {
      path = typeof inner === "string" && HOURS_FIELDS[inner] ? HOURS_FIELDS[inner]! : "start";
    } else if ((LIST_FIELDS as readonly string[]).includes(field) && typeof inner === "number") {
      path = `${field}.${inner}`;
    } else if (field === "stage_rules" && typeof inner === "number") {
      path = `stage_rules.${inner}.${entry.loc[3] === "stage_id" ? "stage_id" : "keywords"}`;
    } else if (field in emptyValues("UTC")) {
      path = field;
    }
    if (path) errors[path] ??= message;
  }
  return errors;
}

export function validate(values: PersonaValues, t: (key: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.name.trim()) errors.name = t("ai.editor.nameRequired");
  for (const field of LIST_FIELDS) {
    values[field].forEach((line, index) => {
      if (!line.trim()) errors[`${field}.${index}`] = t("ai.editor.lineEmpty");
    });
  }
  if (values.min_delay_seconds > values.max_delay_seconds) errors.min_delay_seconds = t("ai.editor.delaysOrder");
  values.stage_rules.forEach((rule, index) => {
    if (!rule.stage_id) errors[`stage_rules.${index}.stage_id`] = t("ai.editor.stageRequired");
    const words = rule.keywords.map((word) => word.trim());
    if (!words.length) errors[`stage_rules.${index}.keywords`] = t("ai.editor.keywordsRequired");
    else if (words.some((word) => word.length < KEYWORD_LENGTH.min || word.length > KEYWORD_LENGTH.max))
      errors[`stage_rules.${index}.keywords`] = t("ai.editor.keywordLength");
  });
  return errors;
}
