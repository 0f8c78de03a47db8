// Steps 5 and 6: the import's job with live progress, then its report (rows read, created,
// updated, skipped, rejected), the first rejected rows (row, column, reason) and all of them
// as a CSV to download.
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { JobProgress, POLL_MS } from "../bulk/JobProgress";
import { type ImportState, type Job, downloadRejected, getImport, rejectionsText, problemText } from "../crm";
import { contactKeys } from "../queries";
import { parseCsv } from "./csv";

const SHOWN_REJECTIONS = 20;

function settled(state: ImportState | undefined): boolean {
  if (!state) return false;
  if (state.status === "failed" || state.status === "cancelled") return true;
  if (state.status !== "succeeded") return false;
  const { total, created, updated, skipped, rejected } = state.counts;
  return total !== null && created + updated + skipped + rejected >= total;
}

export function RunStep({ jobId, onDone }: { jobId: string; onDone: (job: Job) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <Stack gap="sm" mt="md" maw={640}>
      <Text size="sm">{t("contacts.imports.running")}</Text>
      <JobProgress
        jobId={jobId}
        label={t("contacts.imports.progress")}
        onDone={(done) => {
          void queryClient.invalidateQueries({ queryKey: contactKeys.all });
          onDone(done);
        }}
      />
    </Stack>
  );
}

export function ReportStep({ importId, onAgain }: { importId: string; onAgain: () => void }) {
  const { t, i18n } = useTranslation();
  // The job may say it finished a moment before the import's counts are readable: asked
  // again until every row read is counted somewhere.
  const state = useQuery({
    queryKey: ["contacts", "import", importId],
    queryFn: () => getImport(importId),
    refetchInterval: (query) => (settled(query.state.data) ? false : POLL_MS),
  });
  const counts = state.data?.counts;
  const rejected = useQuery({
    queryKey: ["contacts", "import-rejections", importId, counts?.rejected ?? 0],
    queryFn: async () => parseCsv(await rejectionsText(importId)).slice(1, SHOWN_REJECTIONS + 1),
    enabled: (counts?.rejected ?? 0) > 0,
  });
  const download = useMutation({
    mutationFn: () => downloadRejected(importId),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.imports.rejectedFailed"),
        message: problemText(error, t("contacts.imports.rejectedFailed")),
      }),
  });
  const n = (value: number | null | undefined) => (value ?? 0).toLocaleString(i18n.language);
  return (
    <Stack gap="md" mt="md">
      <Outcome state={state.data} />
      {counts && (
        <SimpleGrid cols={{ base: 2, sm: 5 }} component="dl" aria-label={t("contacts.imports.reportLabel")} m={0}>
          {(["total", "created", "updated", "skipped", "rejected"] as const).map((key) => (
            <Paper withBorder p="sm" key={key}>
              <Text component="dt" size="xs" c="dimmed">
                {t(`contacts.imports.report.${key}`)}
              </Text>
              <Text component="dd" size="xl" fw={600} m={0} data-testid={`report-${key}`}>
                {n(counts[key])}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {(rejected.data?.length ?? 0) > 0 && (
        <>
          <Title order={3} size="h5">
            {t("contacts.imports.rejectedTitle")}
          </Title>
          <Paper withBorder style={{ overflowX: "auto" }}>
            <Table aria-label={t("contacts.imports.rejectedTitle")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("contacts.imports.row")}</Table.Th>
                  <Table.Th>{t("contacts.imports.column")}</Table.Th>
                  <Table.Th>{t("contacts.imports.reason")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rejected.data!.map((row, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{row[0]}</Table.Td>
                    <Table.Td>{row[1] || t("contacts.imports.wholeRow")}</Table.Td>
                    <Table.Td>{row[2]}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
      <Group gap="xs">
        {(counts?.rejected ?? 0) > 0 && (
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

function Outcome({ state }: { state: ImportState | undefined }) {
  const { t } = useTranslation();
  if (!state) return null;
  if (state.status === "failed") {
    return (
      <Alert color="red.9" title={t("contacts.imports.failed")}>
        {state.error ?? t("contacts.imports.failedHint")}
      </Alert>
    );
  }
  if (state.status === "cancelled") return <Alert color="yellow" variant="outline">{t("contacts.imports.cancelled")}</Alert>;
  return (
    <Alert color="brand" title={t("contacts.imports.done")}>
      {state.counts.rejected > 0 ? t("contacts.imports.doneHint") : t("contacts.imports.doneAll")}
    </Alert>
  );
}
