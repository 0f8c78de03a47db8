// Every string the template library and the campaign wizard ask for exists in English and
// in Brazilian Portuguese (pt-BR's type already has every English key; this catches a key
// used in code that neither language has).
import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { BUTTON_TYPES, CATEGORIES } from "./template";

const sources = {
  ...import.meta.glob("./*.tsx", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob("../campaigns/wizard/*.{ts,tsx}", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob("../campaigns/NewCampaignPage.tsx", { query: "?raw", import: "default", eager: true }),
} as Record<string, string>;

function staticKeys(): string[] {
  const keys = new Set<string>();
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes(".test.")) continue;
    for (const match of text.matchAll(/\bt\(\s*"((?:templates|campaigns)\.[A-Za-z0-9_.-]+)"/g)) keys.add(match[1]!);
  }
  return [...keys];
}

/** Keys built from values, with every value they take. */
function dynamicKeys(): string[] {
  return [
    ...["none", "approved", "pending", "rejected", "paused", "disabled", "other"].map((kind) => `templates.meta.${kind}`),
    ...CATEGORIES.map((category) => `templates.category.${category}`),
    ...["whatsapp", "sms"].map((channel) => `templates.channel.${channel}`),
    ...BUTTON_TYPES.map((type) => `templates.editor.buttonTypes.${type}`),
    ...["audience", "message", "schedule", "review"].flatMap((step) => [
      `campaigns.wizard.steps.${step}`,
      `campaigns.wizard.steps.${step}Hint`,
    ]),
    ...["no_address", "opted_out", "no_consent", "duplicate_address", "frequency_cap"].map(
      (reason) => `campaigns.wizard.review.reasons.${reason}`,
    ),
  ];
}

describe("template library and campaign wizard strings", () => {
  it("finds the keys in the sources", () => {
    expect(staticKeys().length).toBeGreaterThan(100);
  });

  it.each(["en", "pt-BR"])("every key used exists in %s", (language) => {
    const missing = [...staticKeys(), ...dynamicKeys()].filter(
      (key) =>
        !i18n.exists(key, { lng: language, fallbackLng: false, count: 2 }) &&
        !i18n.exists(key, { lng: language, fallbackLng: false }),
    );
    expect(missing).toEqual([]);
  });
});
