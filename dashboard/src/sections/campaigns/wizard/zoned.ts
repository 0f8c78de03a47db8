// Wall-clock times in a time zone other than the browser's: the wizard checks that a start
// time typed in the company's zone is still in the future.

/** The zone's offset from UTC (ms) at the instant ``utc``. */
function offsetAt(utc: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utc));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return asUtc - Math.floor(utc / 1000) * 1000;
}

/** The instant (ms since the epoch) of a datetime-local value ("2027-03-14T09:00") read in
 *  ``timeZone``; NaN when it is not a time or the zone is unknown. */
export function zonedTimeToUtc(local: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return Number.NaN;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  try {
    // Twice: the offset at the first guess may differ from the one at the answer (a
    // daylight-saving change between them).
    const first = wall - offsetAt(wall, timeZone);
    return wall - offsetAt(first, timeZone);
  } catch {
    return Number.NaN;
  }
}
