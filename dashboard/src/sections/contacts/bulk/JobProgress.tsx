// A job's progress, polled about every second until it ends (GET /api/v1/jobs/{id}): the
// bar, processed of total, and how many succeeded and failed.
import { Alert, Group, Progress, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { type Job, getJob, jobDone } from "../crm";
import { contactKeys } from "../queries";

export const POLL_MS = 1000;

export function useJob(jobId: string | null, initial?: Job) {
  return useQuery({
    queryKey: contactKeys.job(jobId ?? ""),
    queryFn: () => getJob(jobId!),
    enabled: !!jobId,
    initialData: initial && initial.id === jobId ? initial : undefined,
    refetchInterval: (query) => (jobDone(query.state.data) ? false : POLL_MS),
  });
}

export function JobProgress({
  jobId,
  initial,
  label,
  onDone,
}: {
  jobId: string;
  initial?: Job;
  label: string;
  onDone?: (job: Job) => void;
}) {
  const { t, i18n } = useTranslation();
  const job = useJob(jobId, initial);
  const data = job.data;
  const done = jobDone(data);
  useEffect(() => {
    if (done && data) onDone?.(data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [done]);
  const n = (value: number) => value.toLocaleString(i18n.language);
  const total = data?.total ?? null;
  const percent = data && total ? Math.min(100, Math.round((data.processed / total) * 100)) : done ? 100 : 0;
  return (
    <Stack gap="xs">
      <Progress
        value={percent}
        animated={!done}
        color={data?.status === "failed" ? "red" : "brand"}
        aria-label={label}
        aria-valuetext={t("contacts.jobs.percent", { percent })}
      />
      <Group justify="space-between" gap="xs">
        <Text size="sm" aria-live="polite">
          {data
            ? total !== null
              ? t("contacts.jobs.progress", { processed: n(data.processed), total: n(total) })
              : t("contacts.jobs.processed", { processed: n(data.processed) })
            : t("contacts.jobs.starting")}
        </Text>
        {data && (
          <Text size="sm" c="dimmed">
            {t(`contacts.jobs.status.${data.status}`)}
          </Text>
        )}
      </Group>
      {data && done && (
        <Text size="sm">
          {t("contacts.jobs.outcome", { succeeded: n(data.succeeded), failed: n(data.failed) })}
        </Text>
      )}
      {data?.error && (
        <Alert color="red.9" variant="light">
          {data.error}
        </Alert>
      )}
      {job.isError && (
        <Alert color="red.9" variant="light">
          {t("contacts.jobs.lost")}
        </Alert>
      )}
    </Stack>
  );
}
