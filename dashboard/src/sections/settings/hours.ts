// Business hours as the form edits them, to and from the API's shape
// ({mon: [{open: "09:00", close: "18:00"}], ...}; a closed day is an empty list), and the
// rules an interval must follow: close after open, no overlap with another of the day.

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Interval {
  open: string;
  close: string;
}
export interface DayForm {
  open: boolean;
  intervals: Interval[];
}
export type HoursForm = Record<Weekday, DayForm>;
export type HoursApi = Record<string, Interval[]>;

export const DEFAULT_INTERVAL: Interval = { open: "09:00", close: "18:00" };
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isInterval(value: unknown): value is Interval {
  const item = value as Interval | null;
  return typeof item?.open === "string" && typeof item?.close === "string";
}

export function hoursFromApi(stored: Record<string, unknown> | undefined): HoursForm {
  const form = {} as HoursForm;
  for (const day of WEEKDAYS) {
    const raw = stored?.[day];
    const intervals = Array.isArray(raw) ? raw.filter(isInterval) : [];
    form[day] = intervals.length
      ? { open: true, intervals: intervals.map(({ open, close }) => ({ open, close })) }
      : { open: false, intervals: [{ ...DEFAULT_INTERVAL }] };
  }
  return form;
}

/** Every weekday, each interval in order; a closed day sends an empty list. */
export function hoursToApi(form: HoursForm): HoursApi {
  const body: HoursApi = {};
  for (const day of WEEKDAYS) {
    const { open, intervals } = form[day];
    body[day] = open
      ? [...intervals]
          .sort((a, b) => a.open.localeCompare(b.open))
          .map(({ open: from, close }) => ({ open: from, close }))
      : [];
  }
  return body;
}

export type IntervalProblem = "missing" | "closeBeforeOpen" | "overlap";

/** The problems of a day, keyed "index.open" / "index.close" (an open day only). */
export function dayProblems(day: DayForm): Record<string, IntervalProblem> {
  const problems: Record<string, IntervalProblem> = {};
  if (!day.open) return problems;
  day.intervals.forEach((interval, index) => {
    if (!TIME.test(interval.open)) problems[`${index}.open`] = "missing";
    if (!TIME.test(interval.close)) problems[`${index}.close`] = "missing";
    else if (TIME.test(interval.open) && interval.close <= interval.open) {
      problems[`${index}.close`] = "closeBeforeOpen";
    }
  });
  // Overlaps among the well-formed intervals: [open, close) ranges that intersect.
  day.intervals.forEach((a, i) => {
    day.intervals.forEach((b, j) => {
      if (i >= j || problems[`${i}.close`] || problems[`${j}.close`]) return;
      if (problems[`${i}.open`] || problems[`${j}.open`]) return;
      if (a.open < b.close && b.open < a.close) problems[`${j}.open`] = "overlap";
    });
  });
  return problems;
}
