import { describe, expect, it } from "vitest";
import { dayProblems, hoursFromApi, hoursToApi } from "./hours";

describe("business hours", () => {
  it("round-trips the API's shape, closed days as empty lists", () => {
    const form = hoursFromApi({ mon: [{ open: "13:00", close: "18:00" }, { open: "08:00", close: "12:00" }] });
    expect(form.mon.open).toBe(true);
    expect(form.sun.open).toBe(false);
    expect(hoursToApi(form)).toEqual({
      mon: [
        { open: "08:00", close: "12:00" },
        { open: "13:00", close: "18:00" },
      ],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    });
  });

  it("finds a close before open, a missing time and an overlap", () => {
    expect(dayProblems({ open: true, intervals: [{ open: "18:00", close: "09:00" }] })).toEqual({
      "0.close": "closeBeforeOpen",
    });
    expect(dayProblems({ open: true, intervals: [{ open: "", close: "09:00" }] })).toEqual({
      "0.open": "missing",
    });
    expect(
      dayProblems({
        open: true,
        intervals: [
          { open: "09:00", close: "12:00" },
          { open: "11:00", close: "14:00" },
        ],
      }),
    ).toEqual({ "1.open": "overlap" });
    expect(
      dayProblems({
        open: true,
        intervals: [
          { open: "09:00", close: "12:00" },
          { open: "12:00", close: "14:00" },
        ],
      }),
    ).toEqual({});
    expect(dayProblems({ open: false, intervals: [{ open: "18:00", close: "09:00" }] })).toEqual({});
  });
});
