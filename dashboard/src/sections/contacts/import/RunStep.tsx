// Steps 5 and 6: the import's job with live progress, then its report (created, updated,
// skipped, rejected) and the rejected rows (row, column, reason) as a CSV to download.
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { describeProblem } from "../../team/problem";
import { JobProgress } from "../bulk/JobProgress";
import { type ImportReport, type Job, downloadRejected } from "../crm";
import { contactKeys } from "../queries";

export function RunStep({ job, onDone }: { job: Job; onDone: (job: Job) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <Stack gap="sm" mt="md" maw={640}>
      <Text size="sm">{t("contacts.imports.running")}</Text>
      <JobProgress
        jobId={job.id}
        initial={job}
        label={t("contacts.imports.progress")}
        onDone={(done) => {
          void queryClient.invalidateQueries({ queryKey: contactKeys.all });
          onDone(done);
        }}
      />
    </Stack>
  );
}

/** The report's counts, from the job's result (the processed counts when it has none). */
export function reportOf(job: Job): ImportReport {
  const result = (job.result ?? {}) as Partial<ImportReport>;
  return {
    total: result.total ?? job.processed,
    created: result.created ?? 0,
    updated: result.updated ?? 0,
    skipped: result.skipped ?? 0,
    rejected: result.rejected ?? job.failed,
  };
}

export function ReportStep({ importId, job, onAgain }: { importId: string; job: Job; onAgain: () => void }) {
  const { t, i18n } = useTranslation();
  const report = reportOf(job);
  const download = useMutation({
    mutationFn: () => downloadRejected(importId),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.imports.rejectedFailed"),
        message: describeProblem(error, t("contacts.imports.rejectedFailed")),
      }),
  });
  const n = (value: number) => value.toLocaleString(i18n.language);
  const figures = (["total", "created", "updated", "skipped", "rejected"] as const).map((key) => ({
    key,
    value: report[key],
  }));
  return (
    <Stack gap="md" mt="md">
      {job.status === "failed" ? (
        <Alert color="red" title={t("contacts.imports.failed")}>
          {job.error ?? t("contacts.imports.failedHint")}
        </Alert>
      ) : job.status === "cancelled" ? (
        <Alert color="yellow">{t("contacts.imports.cancelled")}</Alert>
      ) : (
        <Alert color="green" title={t("contacts.imports.done")}>
          {t("contacts.imports.doneHint")}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 5 }} component="dl" aria-label={t("contacts.imports.reportLabel")} m={0}>
        {figures.map((figure) => (
          <Paper withBorder p="sm" key={figure.key}>
            <Text component="dt" size="xs" c="dimmed">
              {t(`contacts.imports.report.${figure.key}`)}
            </Text>
            <Text component="dd" size="xl" fw={600} m={0} data-testid={`report-${figure.key}`}>
              {n(figure.value)}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        {report.rejected > 0 && (
          <Button leftSection={<IconDownload size={16} />} variant="light" loading={download.isPending} onClick={() => download.mutate()}>
            {t("contacts.imports.downloadRejected")}
          </Button>
        )}
        <Button component={Link} to="/contacts" variant="default">
          {t("contacts.imports.seeContacts")}
        </Button>
        <Button variant="subtle" onClick={onAgain}>
          {t("contacts.imports.again")}
        </Button>
      </Group>
    </Stack>
  );
}
