import { describe, expect, it } from "vitest";
import { type Group, cleanFilter, combine, completeCount, draftOf, newCondition } from "./filter";

const VIP = "7a000000-0000-4000-8000-000000000001";
const ANA = "6f1c9f38-6d3c-4c36-8d0a-5c2b1d2f0a11";

describe("the segment builder's filter JSON", () => {
  it("writes complete conditions in the crm's language and leaves incomplete ones out", () => {
    const draft: Group = {
      type: "and",
      conditions: [
        { type: "tags", op: "any", tag_ids: [VIP] },
        { type: "field", key: "plan", op: "eq", value: "gold" },
        { type: "field", key: "", op: "eq", value: "half-filled" },
        { type: "lifecycle", op: "not_in", stages: ["customer"] },
        { type: "consent", channel: "whatsapp", status: "unknown" },
        { type: "owner", op: "none" },
        newCondition("created"),
        {
          type: "or",
          conditions: [
            { type: "channel", op: "has", channel: "sms" },
            { type: "last_inbound", op: "never" },
            { type: "owner", op: "is_not", user_id: ANA },
          ],
        },
      ],
    };

    expect(cleanFilter(draft)).toEqual({
      all: [
        { condition: "tags", match: "any", tag_ids: [VIP] },
        { condition: "field", key: "plan", op: "eq", value: "gold" },
        { not: { condition: "lifecycle_stage", stages: ["customer"] } },
        { condition: "consent", channel: "whatsapp", status: "no_record" },
        { condition: "owner", op: "none" },
        {
          any: [
            { condition: "channel", channels: ["sms"] },
            { not: { condition: "last_inbound", op: "before", when: { days_ago: 0 } } },
            { not: { condition: "owner", op: "in", user_ids: [ANA] } },
          ],
        },
      ],
    });
    expect(completeCount(draft)).toBe(8);
  });

  it("sends no value for the operators that take none, and a day as the instant it starts", () => {
    const filter = cleanFilter({
      type: "or",
      conditions: [
        { type: "field", key: "vip", op: "is_set", value: "left over" },
        { type: "created", op: "after", at: "2026-01-15" },
        { type: "field", key: "sizes", op: "eq", value: ["M", "L"] },
      ],
    });
    expect(filter).toEqual({
      any: [
        { condition: "field", key: "vip", op: "is_set" },
        { condition: "created", op: "after", when: { at: new Date("2026-01-15T00:00:00").toISOString() } },
        { condition: "field", key: "sizes", op: "in", values: ["M", "L"] },
      ],
    });
  });

  it("is null while nothing is complete: everyone", () => {
    expect(cleanFilter({ type: "and", conditions: [newCondition("tags"), { type: "or", conditions: [] }] })).toBeNull();
  });

  it("reads a saved filter back into the same draft", () => {
    const draft: Group = {
      type: "or",
      conditions: [
        { type: "tags", op: "none", tag_ids: [VIP] },
        { type: "pipeline_stage", op: "not_in", stage_ids: ["5e000000-0000-4000-8000-000000000001"] },
        { type: "and", conditions: [{ type: "owner", op: "is", user_id: ANA }, { type: "last_inbound", op: "never" }] },
      ],
    };
    expect(draftOf(cleanFilter(draft)!)).toEqual(draft);
  });

  it("puts the list's quick filters and the builder's filter together", () => {
    const built = { condition: "consent", channel: "sms", status: "opted_in" };
    expect(combine({ tag_id: [VIP], owner_user_id: ANA, lifecycle_stage: [] }, built)).toEqual({
      all: [
        { condition: "tags", match: "any", tag_ids: [VIP] },
        { condition: "owner", op: "in", user_ids: [ANA] },
        built,
      ],
    });
    expect(combine({ tag_id: [], owner_user_id: null, lifecycle_stage: [] }, built)).toBe(built);
    expect(combine({ tag_id: [], owner_user_id: null, lifecycle_stage: ["lead"] }, null)).toEqual({
      condition: "lifecycle_stage",
      stages: ["lead"],
    });
  });
});
