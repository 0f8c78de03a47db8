// ISO weekdays (1 Monday … 7 Sunday) named in the reader's language, and the company's
// choice of IANA time zones.
import { WEEKDAYS } from "./steps";

// 1 January 2024 was a Monday: day n of that week is ISO weekday n.
const dateOf = (day: number) => new Date(Date.UTC(2024, 0, day, 12));

export function weekdayName(day: number, language: string, width: "long" | "short" = "long"): string {
  return new Intl.DateTimeFormat(language, { weekday: width, timeZone: "UTC" }).format(dateOf(day));
}

/** "Mon, Wed, Fri" (the days in week order). */
export function weekdayList(days: number[], language: string): string {
  return WEEKDAYS.filter((day) => days.includes(day))
    .map((day) => weekdayName(day, language, "short"))
    .join(", ");
}

/** Every zone this browser knows, with ``current`` in it even when it does not. */
export function timeZones(current: string): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported("timeZone") : [];
  return zones.includes(current) || !current ? zones : [current, ...zones];
}
