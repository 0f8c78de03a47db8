// Every string the contacts pages and the crm settings ask for exists in English and in
// Brazilian Portuguese (pt-BR's type already has every English key; this catches a key
// used in code that neither language has).
import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { CHANNELS, FIELD_KINDS, LIFECYCLE_STAGES } from "./crm";
import { CONDITION_TYPES, FIELD_OPS } from "./segments/filter";

const sources = {
  ...import.meta.glob("./**/*.tsx", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob("../settings/crm/*.tsx", { query: "?raw", import: "default", eager: true }),
} as Record<string, string>;

function staticKeys(): string[] {
  const keys = new Set<string>();
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes(".test.")) continue;
    for (const match of text.matchAll(/\bt\(\s*"(contacts\.[A-Za-z0-9_.-]+)"/g)) keys.add(match[1]!);
  }
  return [...keys];
}

/** Keys built from values (t(`contacts.lifecycle.${stage}`)), with every value they take. */
function dynamicKeys(): string[] {
  return [
    ...LIFECYCLE_STAGES.map((stage) => `contacts.lifecycle.${stage}`),
    ...CHANNELS.map((channel) => `contacts.channels.${channel}`),
    ...FIELD_KINDS.map((kind) => `contacts.crmSettings.kinds.${kind}`),
    ...CONDITION_TYPES.map((type) => `contacts.segments.types.${type}`),
    ...[...FIELD_OPS, "any", "all", "none", "in", "not_in", "before", "after", "never", "has", "not_has", "opted_in", "opted_out", "unknown", "is", "is_not"].map(
      (op) => `contacts.segments.ops.${op}`,
    ),
    ...["tag", "untag", "set_owner", "set_field", "delete"].flatMap((action) => [
      `contacts.bulk.actions.${action}`,
      `contacts.bulk.run.${action}`,
    ]),
    ...["queued", "running", "succeeded", "failed", "cancelled"].map((status) => `contacts.jobs.status.${status}`),
    ...["import", "keyword", "form", "agent", "api"].map((source) => `contacts.consent.sources.${source}`),
    ...["opted_in", "opted_out", "unknown"].map((status) => `contacts.consent.statuses.${status}`),
    ...["total", "created", "updated", "skipped", "rejected"].map((key) => `contacts.imports.report.${key}`),
    ...["name", "first_name", "last_name", "phone", "email", "user_id", "lifecycle_stage", "language", "time_zone", "source", "owner_user_id"].map(
      (target) => `contacts.imports.targets.${target}`,
    ),
    ...["phone", "email", "user_id", "tags", "owner", "lifecycle", "source", "language", "last_inbound", "created"].map(
      (column) => `contacts.table.${column}`,
    ),
  ];
}

describe("contacts strings", () => {
  it("finds the keys in the sources", () => {
    expect(staticKeys().length).toBeGreaterThan(200);
  });

  it.each(["en", "pt-BR"])("every key used exists in %s", (language) => {
    const missing = [...staticKeys(), ...dynamicKeys()].filter(
      (key) => !i18n.exists(key, { lng: language, fallbackLng: false, count: 2 }) && !i18n.exists(key, { lng: language, fallbackLng: false }),
    );
    expect(missing).toEqual([]);
  });
});
