// The whole cadence as the builder edits it, and the API's create / update bodies it stands
// for. Steps are in ../steps.ts; here: the name, the number, the time zone, the triggers,
// business hours and the stop options, and what is missing in them.
import type { BusinessHours, Cadence, CadenceCreate, CadenceTrigger, CadenceUpdate } from "../../../api/cadencesApi";
import { type StepDraft, fromWire, newStep, toWire } from "../steps";

export type TriggerEvent = CadenceTrigger["event"];
export const TRIGGER_EVENTS: TriggerEvent[] = ["contact_created", "tag_added", "lead_entered_stage"];

export interface TriggerDraft {
  key: string;
  event: TriggerEvent;
  tag: string;
  stageId: string | null;
}

export interface HoursDraft {
  enabled: boolean;
  days: number[];
  start: string;
  end: string;
  perContact: boolean;
}

export interface CadenceDraft {
  name: string;
  accountId: string | null;
  channel: CadenceCreate["channel"] | null;
  timeZone: string;
  steps: StepDraft[];
  triggers: TriggerDraft[];
  hours: HoursDraft;
  stopOnReply: boolean;
  stopOnStageChange: boolean;
}

let serial = 0;
export const newTrigger = (): TriggerDraft => ({ key: `trigger-${++serial}`, event: "contact_created", tag: "", stageId: null });

const DEFAULT_HOURS: HoursDraft = { enabled: false, days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00", perContact: false };

export function emptyDraft(timeZone: string): CadenceDraft {
  return {
    name: "",
    accountId: null,
    channel: null,
    timeZone,
    steps: [newStep("send")],
    triggers: [],
    hours: DEFAULT_HOURS,
    stopOnReply: true,
    stopOnStageChange: false,
  };
}

export function draftOfCadence(cadence: Cadence): CadenceDraft {
  const hours = cadence.business_hours as (Partial<BusinessHours> & Record<string, unknown>) | null;
  return {
    name: cadence.name,
    accountId: cadence.channel_account_id,
    channel: cadence.channel as CadenceCreate["channel"],
    timeZone: cadence.time_zone,
    steps: fromWire(cadence.steps),
    triggers: cadence.triggers.map((trigger) => ({
      ...newTrigger(),
      event: trigger.event as TriggerEvent,
      tag: String(trigger.tag ?? ""),
      stageId: (trigger.stage_id as string | undefined) ?? null,
    })),
    hours: hours
      ? {
          enabled: true,
          days: hours.days ?? DEFAULT_HOURS.days,
          start: String(hours.start ?? "09:00").slice(0, 5),
          end: String(hours.end ?? "18:00").slice(0, 5),
          perContact: Boolean(hours.per_contact),
        }
      : DEFAULT_HOURS,
    stopOnReply: cadence.stop_on_reply,
    stopOnStageChange: cadence.stop_on_stage_change,
  };
}

/** What is missing outside the steps, by field, as message keys under cadences.builder. */
export function settingsProblems(draft: CadenceDraft, editing: boolean): Record<string, string> {
  const found: Record<string, string> = {};
  if (!draft.name.trim()) found.name = "nameRequired";
  if (!editing && !draft.accountId) found.account = "accountRequired";
  if (draft.hours.enabled && (draft.hours.days.length === 0 || draft.hours.start === draft.hours.end || !draft.hours.start || !draft.hours.end))
    found.hours = "hoursInvalid";
  draft.triggers.forEach((trigger) => {
    if (trigger.event === "tag_added" && !trigger.tag.trim()) found[trigger.key] = "tagRequired";
    if (trigger.event === "lead_entered_stage" && !trigger.stageId) found[trigger.key] = "stageRequired";
  });
  return found;
}

function triggersOf(draft: CadenceDraft): CadenceTrigger[] {
  return draft.triggers.map((trigger) =>
    trigger.event === "tag_added"
      ? { event: trigger.event, tag: trigger.tag.trim() }
      : trigger.event === "lead_entered_stage"
        ? { event: trigger.event, stage_id: trigger.stageId }
        : { event: trigger.event },
  );
}

function hoursOf(draft: CadenceDraft): BusinessHours | null {
  const { hours } = draft;
  if (!hours.enabled) return null;
  return {
    days: [...hours.days].sort(),
    start: hours.start,
    end: hours.end,
    time_zone: draft.timeZone,
    per_contact: hours.perContact,
  };
}

export function updateOf(draft: CadenceDraft): CadenceUpdate {
  return {
    name: draft.name.trim(),
    time_zone: draft.timeZone,
    steps: toWire(draft.steps),
    business_hours: hoursOf(draft),
    stop_on_reply: draft.stopOnReply,
    stop_on_stage_change: draft.stopOnStageChange,
    triggers: triggersOf(draft),
  };
}

export function createOf(draft: CadenceDraft): CadenceCreate {
  const { name, time_zone, steps, business_hours, stop_on_reply, stop_on_stage_change, triggers } = updateOf(draft);
  return {
    name: name!,
    channel: draft.channel!,
    channel_account_id: draft.accountId!,
    time_zone: time_zone!,
    steps: steps!,
    business_hours,
    stop_on_reply: stop_on_reply!,
    stop_on_stage_change: stop_on_stage_change!,
    triggers: triggers!,
  };
}
