// One person's walk through a cadence, oldest first: when they were enrolled and by what,
// each message sent or failed (with the attempt), each branch's verdict and where it led,
// and how it ended. The list already carries the history; this only shows it.
import { Button, Modal, Text, Timeline } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Cadence, Enrollment } from "../../../api/cadencesApi";

type Entry = Record<string, unknown> & { kind?: unknown; step?: unknown; at?: unknown };

const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** What one history entry says, in words. */
export function describeEntry(entry: Entry, steps: number, t: TFunction): string {
  const kind = text(entry.kind);
  const reason = text(entry.reason);
  const reasonText = reason ? t(`cadences.reasons.${reason}`, { defaultValue: reason }) : "";
  switch (kind) {
    case "enrolled":
      return t("cadences.history.enrolled", { by: t(`cadences.history.sources.${text(entry.by)}`, { defaultValue: text(entry.by) }) });
    case "sent":
      return t("cadences.history.sent");
    case "send_failed":
      return t("cadences.history.sendFailed", { reason: reasonText, attempt: text(entry.attempt) });
    case "branched": {
      const target = Number(entry.went_to);
      return t(entry.condition_held ? "cadences.history.branchHeld" : "cadences.history.branchNotHeld", {
        target: target >= steps ? t("cadences.history.theEnd") : t("cadences.history.step", { number: target + 1 }),
      });
    }
    case "completed":
      return t("cadences.history.completed");
    case "stopped":
      return t("cadences.history.stopped", { reason: reasonText });
    case "failed":
      return t("cadences.history.failed", { reason: [reasonText, text(entry.detail)].filter(Boolean).join(" — ") });
    default:
      return kind;
  }
}

export function EnrollmentHistory({ cadence, enrollment, name }: { cadence: Cadence; enrollment: Enrollment; name: string }) {
  const { t, i18n } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const entries = (enrollment.history ?? []) as Entry[];
  return (
    <>
      <Button size="compact-sm" variant="subtle" onClick={open} aria-label={t("cadences.history.open", { name })}>
        {t("cadences.history.button")}
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={t("cadences.history.title", { name })}
        closeButtonProps={{ "aria-label": t("cadences.detail.close") }}
      >
        {entries.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t("cadences.history.empty")}
          </Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} aria-label={t("cadences.history.label")}>
            {entries.map((entry, index) => (
              <Timeline.Item
                // The entries are only ever appended: an index is this item's identity.
                key={index}
                title={describeEntry(entry, cadence.steps.length, t)}
              >
                <Text size="xs" c="dimmed">
                  {[
                    entry.at ? new Date(text(entry.at)).toLocaleString(i18n.language) : "",
                    t("cadences.history.step", { number: Number(entry.step ?? 0) + 1 }),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Modal>
    </>
  );
}
