// The segment builder's draft and the crm's filter JSON it stands for. The draft is shaped
// for editing (one row per condition, "is not" as an operator, conditions still being filled
// in); `cleanFilter` keeps only the complete conditions and writes them in the crm's filter
// language (mia_crm.segments.filters: {"all": [...]}, {"any": [...]}, {"not": ...},
// {"condition": ...}), so the live count, the list and a saved segment always get a filter
// the crm accepts. `draftOf` reads a saved segment's filter back into a draft.
import type { ContactFilter, FieldValue, QuickFilters } from "../crm";

export type FieldOp = "eq" | "neq" | "contains" | "gt" | "lt" | "is_set" | "is_not_set";

export type Condition =
  | { type: "tags"; op: "any" | "all" | "none"; tag_ids: string[] }
  | { type: "field"; key: string; op: FieldOp; value?: FieldValue }
  | { type: "lifecycle"; op: "in" | "not_in"; stages: string[] }
  | { type: "pipeline_stage"; op: "in" | "not_in"; stage_ids: string[] }
  | { type: "last_inbound"; op: "before" | "after" | "never"; at?: string }
  | { type: "channel"; op: "has" | "not_has"; channel: string }
  | { type: "consent"; channel: string; status: "opted_in" | "opted_out" | "unknown" }
  | { type: "owner"; op: "is" | "is_not" | "none"; user_id?: string }
  | { type: "created"; op: "before" | "after"; at: string };

export interface Group {
  type: "and" | "or";
  conditions: (Condition | Group)[];
}

export type ConditionType = Condition["type"];

export const CONDITION_TYPES: ConditionType[] = [
  "tags",
  "field",
  "lifecycle",
  "pipeline_stage",
  "last_inbound",
  "channel",
  "consent",
  "owner",
  "created",
];

/** Operators a custom field's condition offers: no value needed for the "set" ones. */
export const FIELD_OPS: FieldOp[] = ["eq", "neq", "contains", "gt", "lt", "is_set", "is_not_set"];
export const VALUELESS_OPS: FieldOp[] = ["is_set", "is_not_set"];

export function newCondition(type: ConditionType): Condition {
  switch (type) {
    case "tags":
      return { type, op: "any", tag_ids: [] };
    case "field":
      return { type, key: "", op: "eq", value: "" };
    case "lifecycle":
      return { type, op: "in", stages: [] };
    case "pipeline_stage":
      return { type, op: "in", stage_ids: [] };
    case "last_inbound":
      return { type, op: "before", at: "" };
    case "channel":
      return { type, op: "has", channel: "whatsapp" };
    case "consent":
      return { type, channel: "whatsapp", status: "opted_in" };
    case "owner":
      return { type, op: "is", user_id: "" };
    case "created":
      return { type, op: "after", at: "" };
  }
}

export const emptyFilter = (): Group => ({ type: "and", conditions: [] });
/** Everyone: the filter of an empty builder. */
export const EVERYONE: ContactFilter = { all: [] };

export function isGroup(item: Condition | Group): item is Group {
  return item.type === "and" || item.type === "or";
}

export function isComplete(condition: Condition): boolean {
  switch (condition.type) {
    case "tags":
      return condition.tag_ids.length > 0;
    case "field": {
      if (!condition.key) return false;
      if (VALUELESS_OPS.includes(condition.op)) return true;
      const value = condition.value;
      return value !== "" && value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
    }
    case "lifecycle":
      return condition.stages.length > 0;
    case "pipeline_stage":
      return condition.stage_ids.length > 0;
    case "last_inbound":
      return condition.op === "never" || !!condition.at;
    case "channel":
    case "consent":
      return !!condition.channel;
    case "owner":
      return condition.op === "none" || !!condition.user_id;
    case "created":
      return !!condition.at;
  }
}

/** How many complete conditions the draft holds, all levels together. */
export function completeCount(draft: Group): number {
  return draft.conditions.reduce(
    (sum, item) => sum + (isGroup(item) ? completeCount(item) : isComplete(item) ? 1 : 0),
    0,
  );
}

/** A date input's day as the instant it starts, in this browser's time zone. */
function instant(day: string): string {
  return day.length === 10 ? new Date(`${day}T00:00:00`).toISOString() : day;
}

const not = (filter: ContactFilter): ContactFilter => ({ not: filter });

function wire(condition: Condition): ContactFilter {
  switch (condition.type) {
    case "tags":
      return { condition: "tags", match: condition.op, tag_ids: condition.tag_ids };
    case "field": {
      const { key, op, value } = condition;
      if (VALUELESS_OPS.includes(op)) return { condition: "field", key, op };
      if (op === "contains") return { condition: "field", key, op, value: String(value) };
      if (Array.isArray(value)) return { condition: "field", key, op: "in", values: value };
      return { condition: "field", key, op, value };
    }
    case "lifecycle": {
      const inner = { condition: "lifecycle_stage", stages: condition.stages };
      return condition.op === "not_in" ? not(inner) : inner;
    }
    case "pipeline_stage": {
      const inner = { condition: "pipeline_stage", stage_ids: condition.stage_ids };
      return condition.op === "not_in" ? not(inner) : inner;
    }
    case "last_inbound":
      // Never wrote: no inbound message before now.
      return condition.op === "never"
        ? not({ condition: "last_inbound", op: "before", when: { days_ago: 0 } })
        : { condition: "last_inbound", op: condition.op, when: { at: instant(condition.at ?? "") } };
    case "created":
      return { condition: "created", op: condition.op, when: { at: instant(condition.at) } };
    case "channel": {
      const inner = { condition: "channel", channels: [condition.channel] };
      return condition.op === "not_has" ? not(inner) : inner;
    }
    case "consent":
      return {
        condition: "consent",
        channel: condition.channel,
        status: condition.status === "unknown" ? "no_record" : condition.status,
      };
    case "owner":
      if (condition.op === "none") return { condition: "owner", op: "none" };
      return condition.op === "is_not"
        ? not({ condition: "owner", op: "in", user_ids: [condition.user_id ?? ""] })
        : { condition: "owner", op: "in", user_ids: [condition.user_id ?? ""] };
  }
}

/** The complete part of a draft, as the crm's filter JSON; null when nothing is complete. */
export function cleanFilter(draft: Group): ContactFilter | null {
  const parts: ContactFilter[] = [];
  for (const item of draft.conditions) {
    if (isGroup(item)) {
      const inner = cleanFilter(item);
      if (inner) parts.push(inner);
    } else if (isComplete(item)) {
      parts.push(wire(item));
    }
  }
  if (parts.length === 0) return null;
  return draft.type === "and" ? { all: parts } : { any: parts };
}

// --- reading a saved filter back -------------------------------------------------------------

type Node = Record<string, unknown>;
const day = (when: unknown): string => {
  const at = (when as { at?: string } | undefined)?.at;
  return at ? at.slice(0, 10) : "";
};

function conditionOf(node: Node, negated: boolean): Condition | Group | null {
  switch (node.condition) {
    case "tags":
      return { type: "tags", op: node.match as "any", tag_ids: node.tag_ids as string[] };
    case "field": {
      const op = node.op as string;
      const value = op === "in" ? (node.values as string[]) : (node.value as FieldValue);
      const known: FieldOp = (FIELD_OPS as string[]).includes(op) ? (op as FieldOp) : "eq";
      return { type: "field", key: node.key as string, op: known, value };
    }
    case "lifecycle_stage":
      return { type: "lifecycle", op: negated ? "not_in" : "in", stages: node.stages as string[] };
    case "pipeline_stage":
      return { type: "pipeline_stage", op: negated ? "not_in" : "in", stage_ids: node.stage_ids as string[] };
    case "last_inbound":
      if (negated) return { type: "last_inbound", op: "never" };
      return { type: "last_inbound", op: node.op as "before", at: day(node.when) };
    case "created":
      return { type: "created", op: node.op as "before", at: day(node.when) };
    case "channel":
      return { type: "channel", op: negated ? "not_has" : "has", channel: (node.channels as string[])[0] ?? "whatsapp" };
    case "consent":
      return {
        type: "consent",
        channel: node.channel as string,
        status: node.status === "no_record" ? "unknown" : (node.status as "opted_in"),
      };
    case "owner":
      if (node.op === "none") return { type: "owner", op: "none" };
      return { type: "owner", op: negated ? "is_not" : "is", user_id: (node.user_ids as string[])[0] ?? "" };
    default:
      return null;
  }
}

function itemOf(node: Node): Condition | Group | null {
  if (Array.isArray(node.all) || Array.isArray(node.any)) return draftOf(node as ContactFilter);
  if (node.not && typeof node.not === "object") return conditionOf(node.not as Node, true);
  return conditionOf(node, false);
}

/** A saved filter as a draft the builder can edit (what it cannot show is left out). */
export function draftOf(filter: ContactFilter): Group {
  const node = filter as Node;
  const type = Array.isArray(node.any) ? "or" : "and";
  const children = (Array.isArray(node.any) ? node.any : Array.isArray(node.all) ? node.all : [node]) as Node[];
  const conditions = children.map(itemOf).filter((item): item is Condition | Group => item !== null);
  return { type, conditions };
}

/** Replace the item at `path` (indexes from the root) in an immutable draft. */
export function updateAt(
  group: Group,
  path: number[],
  change: (item: Condition | Group) => Condition | Group | null,
): Group {
  const [head, ...rest] = path;
  if (head === undefined) return group;
  const conditions = group.conditions.flatMap((item, index) => {
    if (index !== head) return [item];
    if (rest.length === 0) {
      const next = change(item);
      return next ? [next] : [];
    }
    return isGroup(item) ? [updateAt(item, rest, change)] : [item];
  });
  return { ...group, conditions };
}

/** The list's quick filters and the builder's filter as one filter (for counts, bulk
 * actions, exports and saved segments); null when neither narrows anything. */
export function combine(quick: QuickFilters, filter: ContactFilter | null): ContactFilter | null {
  const parts: ContactFilter[] = [];
  if (quick.tag_id.length) parts.push({ condition: "tags", match: "any", tag_ids: quick.tag_id });
  if (quick.owner_user_id) parts.push({ condition: "owner", op: "in", user_ids: [quick.owner_user_id] });
  if (quick.lifecycle_stage.length) parts.push({ condition: "lifecycle_stage", stages: quick.lifecycle_stage });
  if (parts.length === 0) return filter;
  if (filter) parts.push(filter);
  return parts.length === 1 ? parts[0]! : { all: parts };
}
