// The cadences section's server state: query keys, and what a cadence offers in each status.
import type { Cadence, CadenceAction, CadenceStatus, EnrollmentState } from "../../api/cadencesApi";

export const cadenceKeys = {
  all: ["cadences"] as const,
  list: (status: CadenceStatus | null, cursor: string | null) => ["cadences", "list", status, cursor] as const,
  detail: (cadenceId: string) => ["cadences", "detail", cadenceId] as const,
  enrollments: (
    cadenceId: string,
    state: EnrollmentState | null,
    step: number | null,
    q: string,
    cursor: string | null,
  ) => ["cadences", "enrollments", cadenceId, state, step, q, cursor] as const,
  contacts: (q: string) => ["cadences", "enroll", "contacts", q] as const,
  /** A number's Meta templates, for a send step. */
  templates: (accountId: string) => ["cadences", "templates", accountId] as const,
};

export const PAGE_SIZE = 25;

export const CADENCE_STATUSES: readonly CadenceStatus[] = ["draft", "active", "paused", "archived"];

export function statusColor(status: CadenceStatus): string {
  switch (status) {
    case "active":
      return "blue";
    case "paused":
      return "yellow";
    case "archived":
      return "gray";
    default:
      return "cyan";
  }
}

/** The moves the service allows from the cadence's status. */
export function actionsOf(cadence: Pick<Cadence, "status">): Record<CadenceAction, boolean> & {
  edit: boolean;
  enroll: boolean;
} {
  const { status } = cadence;
  return {
    activate: status === "draft",
    pause: status === "active",
    resume: status === "paused",
    archive: status !== "archived",
    edit: status !== "archived",
    enroll: status === "active" || status === "paused",
  };
}

export const countOf = (cadence: Pick<Cadence, "counts">, state: EnrollmentState): number =>
  cadence.counts?.[state] ?? 0;
