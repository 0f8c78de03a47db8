// The builder's steps as a person edits them, and the API's steps they stand for. A branch
// names the steps it goes on at by their keys (not their numbers), so reordering or removing
// steps keeps it pointing at the same step; its numbers are worked out only when saving
// (forward only: a later step, or the number of steps for "end").
import type { CadenceStep, CadenceTemplateMessage as TemplateMessage } from "../../api/cadencesApi";
import type { FieldProblem } from "../../api/client";
import { ApiError } from "../../api/client";
import type { ContactFilter } from "../contacts/crm";
import { type Group, cleanFilter, draftOf, emptyFilter } from "../contacts/segments/filter";

export const STEP_TYPES = ["send", "wait", "wait_until", "branch"] as const;
export type StepType = (typeof STEP_TYPES)[number];
export const WAIT_UNITS = ["seconds", "minutes", "hours", "days"] as const;
export type WaitUnit = (typeof WAIT_UNITS)[number];
export const CONDITION_KINDS = ["replied", "read", "filter"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];
/** ISO weekdays: 1 Monday … 7 Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Where a branch goes on: a step's key, or the end of the cadence. */
export const END = "end";

export type StepDraft =
  | { key: string; type: "send"; kind: "text" | "template"; body: string; template: TemplateMessage | null }
  | { key: string; type: "wait"; amount: number | string; unit: WaitUnit }
  | { key: string; type: "wait_until"; days: number[]; time: string; perContact: boolean }
  | { key: string; type: "branch"; kind: ConditionKind; filter: Group; then: string; otherwise: string };

let serial = 0;
const nextKey = () => `step-${++serial}`;

export function newStep(type: StepType): StepDraft {
  switch (type) {
    case "send":
      return { key: nextKey(), type, kind: "text", body: "", template: null };
    case "wait":
      return { key: nextKey(), type, amount: 1, unit: "days" };
    case "wait_until":
      return { key: nextKey(), type, days: [1, 2, 3, 4, 5], time: "09:00", perContact: false };
    case "branch":
      return { key: nextKey(), type, kind: "replied", filter: emptyFilter(), then: END, otherwise: END };
  }
}

/** The steps with the one at ``index`` moved by ``delta`` places (nothing past either end). */
export function moveStep(steps: StepDraft[], index: number, delta: -1 | 1): StepDraft[] {
  const to = index + delta;
  if (to < 0 || to >= steps.length) return steps;
  const next = [...steps];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** The steps without the one at ``index``; a branch that went on at it goes on at the step
 *  that takes its place (or the end). */
export function removeStep(steps: StepDraft[], index: number): StepDraft[] {
  const removed = steps[index];
  if (!removed) return steps;
  const heir = steps[index + 1]?.key ?? END;
  return steps
    .filter((_, i) => i !== index)
    .map((step) =>
      step.type !== "branch"
        ? step
        : {
            ...step,
            then: step.then === removed.key ? heir : step.then,
            otherwise: step.otherwise === removed.key ? heir : step.otherwise,
          },
    );
}

/** The places a branch at ``index`` may go on at: the steps after it, then the end. */
export function targetsAfter(steps: StepDraft[], index: number): { value: string; step: number | null }[] {
  return [
    ...steps.slice(index + 1).map((step, offset) => ({ value: step.key, step: index + 1 + offset })),
    { value: END, step: null },
  ];
}

export function isLaterTarget(steps: StepDraft[], index: number, target: string): boolean {
  return target === END || steps.findIndex((step) => step.key === target) > index;
}

function position(steps: StepDraft[], target: string): number {
  return target === END ? steps.length : steps.findIndex((step) => step.key === target);
}

function filterOf(group: Group): ContactFilter | null {
  return cleanFilter(group);
}

/** The API's steps (call after ``problemsOf`` found none). */
export function toWire(steps: StepDraft[]): CadenceStep[] {
  return steps.map((step) => {
    switch (step.type) {
      case "send":
        return {
          type: "send",
          message: step.kind === "template" && step.template ? step.template : { type: "text", body: step.body },
        };
      case "wait":
        return { type: "wait", amount: Number(step.amount), unit: step.unit };
      case "wait_until":
        return { type: "wait_until", days: [...step.days].sort(), time: step.time, per_contact: step.perContact };
      case "branch":
        return {
          type: "branch",
          condition:
            step.kind === "filter"
              ? { kind: "filter", filter: filterOf(step.filter) as Record<string, unknown> }
              : { kind: step.kind },
          then_step: position(steps, step.then),
          else_step: position(steps, step.otherwise),
        };
    }
  });
}

type Stored = Record<string, unknown>;

/** A saved cadence's steps as drafts; a branch's numbers become the keys of those steps. */
export function fromWire(stored: Stored[]): StepDraft[] {
  const keys = stored.map(() => nextKey());
  const target = (n: unknown) => (typeof n === "number" && n < stored.length ? (keys[n] ?? END) : END);
  return stored.map((step, index): StepDraft => {
    const key = keys[index]!;
    switch (step.type) {
      case "send": {
        const message = (step.message ?? {}) as Stored;
        return message.type === "template"
          ? { key, type: "send", kind: "template", body: "", template: message as unknown as TemplateMessage }
          : { key, type: "send", kind: "text", body: String(message.body ?? ""), template: null };
      }
      case "wait":
        return { key, type: "wait", amount: Number(step.amount ?? 1), unit: (step.unit as WaitUnit) ?? "days" };
      case "wait_until":
        return {
          key,
          type: "wait_until",
          days: (step.days as number[]) ?? [],
          time: String(step.time ?? "09:00").slice(0, 5),
          perContact: Boolean(step.per_contact),
        };
      default: {
        const condition = (step.condition ?? {}) as Stored;
        const kind = (condition.kind as ConditionKind) ?? "replied";
        return {
          key,
          type: "branch",
          kind,
          filter: condition.filter ? draftOf(condition.filter as ContactFilter) : emptyFilter(),
          then: target(step.then_step),
          otherwise: target(step.else_step),
        };
      }
    }
  });
}

/** The placeholders of a Meta template's text, in order, once each: "1", "2"… or named ones. */
export function placeholdersOf(text: string | null | undefined): string[] {
  const found: string[] = [];
  for (const match of (text ?? "").matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    if (!found.includes(match[1]!)) found.push(match[1]!);
  }
  return found;
}

/** Whether every placeholder of the template's body and header says what fills it. */
export function mappingComplete(template: TemplateMessage): boolean {
  const filled = (text: string | null | undefined, mapping: Record<string, string> | null | undefined) =>
    placeholdersOf(text).every((placeholder) => Boolean(mapping?.[placeholder]?.trim()));
  return filled(template.body, template.body_mapping) && filled(template.header_text, template.header_mapping);
}

/** What is missing or wrong in each step, by its index, as message keys (under
 *  ``cadences.builder.problems``); a cadence must send at least once (index -1). */
export function problemsOf(steps: StepDraft[]): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const add = (index: number, key: string) => found.set(index, [...(found.get(index) ?? []), key]);
  if (steps.length === 0) add(-1, "noSteps");
  else if (!steps.some((step) => step.type === "send")) add(-1, "noSend");
  steps.forEach((step, index) => {
    switch (step.type) {
      case "send":
        if (step.kind === "text" && !step.body.trim()) add(index, "bodyRequired");
        if (step.kind === "template" && !step.template) add(index, "templateRequired");
        if (step.kind === "template" && step.template && !mappingComplete(step.template)) add(index, "mappingRequired");
        break;
      case "wait": {
        const amount = Number(step.amount);
        if (!Number.isInteger(amount) || amount < 1 || amount > 100_000) add(index, "amountInvalid");
        break;
      }
      case "wait_until":
        if (step.days.length === 0) add(index, "daysRequired");
        if (!/^\d{2}:\d{2}$/.test(step.time)) add(index, "timeRequired");
        break;
      case "branch":
        if (step.kind === "filter" && !filterOf(step.filter)) add(index, "filterRequired");
        if (!isLaterTarget(steps, index, step.then)) add(index, "thenEarlier");
        if (!isLaterTarget(steps, index, step.otherwise)) add(index, "elseEarlier");
        break;
    }
  });
  return found;
}

const STEP_IN_TEXT = /steps\[(\d+)\]:?\s*/;

/** A refusal from the API, split into what it says of each step (by index) and the rest.
 *  A step shows in a 422's ``errors`` as ``loc: ["body", "steps", i, ...]``, in the
 *  cadence's own checks as a message starting ``steps[i]:``, or as the problem's ``step``. */
export function serverProblems(error: unknown): { byStep: Map<number, string[]>; general: string[] } {
  const byStep = new Map<number, string[]>();
  const general: string[] = [];
  const add = (index: number, text: string) => byStep.set(index, [...(byStep.get(index) ?? []), text]);
  const place = (text: string, fallbackStep?: number) => {
    const match = STEP_IN_TEXT.exec(text);
    if (match) add(Number(match[1]), text.replace(/^Value error,\s*/, "").replace(STEP_IN_TEXT, ""));
    else if (fallbackStep !== undefined) add(fallbackStep, text);
    else general.push(text.replace(/^Value error,\s*/, ""));
  };
  if (!(error instanceof ApiError)) {
    general.push(error instanceof Error ? error.message : String(error));
    return { byStep, general };
  }
  const problem = error.problem as (ApiError["problem"] & { step?: number }) | undefined;
  const entries: FieldProblem[] = problem?.errors ?? [];
  if (entries.length > 0) {
    for (const entry of entries) {
      const at = entry.loc.indexOf("steps");
      const index = at >= 0 ? entry.loc[at + 1] : undefined;
      if (typeof index === "number") add(index, entry.msg);
      else place(entry.msg);
    }
  } else {
    place(error.message, typeof problem?.step === "number" ? problem.step : undefined);
  }
  return { byStep, general };
}
