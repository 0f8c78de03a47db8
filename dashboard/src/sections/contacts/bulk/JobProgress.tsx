// A job's progress, polled about every second until it ends (GET /api/v1/jobs/{id}): the
// bar, processed of total, how many succeeded and failed, and a button that cancels it (a
// queued job at once, a running one after its current step; what was done stays).
import { Alert, Button, Group, Progress, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerStop } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { type Job, cancelJob, getJob, jobDone, problemText } from "../crm";
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
  const queryClient = useQueryClient();
  const job = useJob(jobId, initial);
  const data = job.data;
  const done = jobDone(data);
  const cancel = useMutation({
    mutationFn: () => cancelJob(jobId),
    onSuccess: (cancelled) => queryClient.setQueryData(contactKeys.job(jobId), cancelled),
    onError: (error) => {
      // Most often it just finished: the next poll shows how.
      void job.refetch();
      notifications.show({
        color: "red",
        title: t("contacts.jobs.cancelFailed"),
        message: problemText(error, t("contacts.jobs.cancelFailed")),
      });
    },
  });
  const stopping = !!data && !done && data.cancel_requested;
  useEffect(() => {
    if (done && data) onDone?.(data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [done]);
  const n = (value: number) => value.toLocaleString(i18n.language);
  const total = data?.total ?? null;
  const percent = data && total ? Math.min(100, Math.round((data.processed / total) * 100)) : done ? 100 : 0;
  return (
    <Stack gap="xs">
      <Progress.Root>
        {/* The section is the progressbar: its name and spoken value go there. */}
        <Progress.Section
          value={percent}
          animated={!done}
          color={data?.status === "failed" ? "red" : data?.status === "cancelled" || stopping ? "yellow" : "brand"}
          aria-label={label}
          aria-valuetext={t("contacts.jobs.percent", { percent })}
        />
      </Progress.Root>
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
            {stopping ? t("contacts.jobs.stopping") : t(`contacts.jobs.status.${data.status}`)}
          </Text>
        )}
      </Group>
      {data && !done && !data.cancel_requested && (
        <Group justify="flex-start">
          <Button
            size="xs"
            variant="light"
            color="red.9"
            leftSection={<IconPlayerStop size={14} />}
            loading={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            {t("contacts.jobs.cancel")}
          </Button>
        </Group>
      )}
      {data?.status === "cancelled" && (
        <Alert color="yellow" variant="outline" role="status">
          {t("contacts.jobs.cancelled", { processed: n(data.processed) })}
        </Alert>
      )}
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
