import { describe, expect, it } from "vitest";
import { smsSegments } from "./sms";

describe("SMS segments", () => {
  it("counts GSM-7 up to 160 in one message, then 153 a part", () => {
    expect(smsSegments("")).toMatchObject({ segments: 0, charactersLeftInSegment: 160 });
    expect(smsSegments("a".repeat(160))).toMatchObject({ encoding: "GSM-7", segments: 1, charactersLeftInSegment: 0 });
    expect(smsSegments("a".repeat(161))).toMatchObject({ segments: 2, charactersLeftInSegment: 145 });
  });

  it("counts the extension characters twice and never splits one", () => {
    expect(smsSegments("{}")).toMatchObject({ encoding: "GSM-7", characters: 4 });
    // 152 septets then an escape pair: the pair moves to the next part.
    expect(smsSegments("a".repeat(152) + "€" + "a".repeat(10))).toMatchObject({ segments: 2 });
  });

  it("turns the whole body UCS-2 for a Portuguese ç or an emoji", () => {
    expect(smsSegments("Promoção")).toMatchObject({ encoding: "UCS-2", characters: 8, charactersLeftInSegment: 62 });
    expect(smsSegments("ç".repeat(71))).toMatchObject({ segments: 2 });
    expect(smsSegments("🎄")).toMatchObject({ encoding: "UCS-2", characters: 2 });
  });
});
