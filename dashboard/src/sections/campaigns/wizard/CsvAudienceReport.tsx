// The end of a campaign's CSV import: how the rows went (read, new and updated contacts,
// rejected), the first rejected rows with their reasons and all of them to download, and
// how many contacts carry the upload's tag — the audience, counted by the crm, so two rows
// with one phone count once — with the button that makes them the campaign's audience.
import { Alert, Button, Group, Loader, Paper, SimpleGrid, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type ImportState, downloadRejected, getImport, previewSegment, problemText, rejectionsText } from "../../contacts/crm";
import { POLL_MS } from "../../contacts/bulk/JobProgress";
import { parseCsv } from "../../contacts/import/csv";

const SHOWN_REJECTIONS = 20;

/** Ended, with every row read counted somewhere (the job may end a moment before). */
function settled(state: ImportState | undefined): boolean {
  if (!state) return false;
  if (state.status === "failed" || state.status === "cancelled") return true;
  if (state.status !== "succeeded") return false;
  const { total, created, updated, skipped, rejected } = state.counts;
  return total !== null && created + updated + skipped + rejected >= total;
}

export function CsvAudienceReport({
  importId,
  tagId,
  onUse,
  onAnother,
}: {
  importId: string;
  tagId: string;
  onUse: (contacts: number, rejected: number) => void;
  onAnother: () => void;
}) {
  const { t, i18n } = useTranslation();
  const state = useQuery({
    // The import wizard's key: one cache entry for one import.
    queryKey: ["contacts", "import", importId],
    queryFn: () => getImport(importId),
    refetchInterval: (query) => (settled(query.state.data) ? false : POLL_MS),
  });
  const done = settled(state.data);
  const counts = state.data?.counts;
  const audience = useQuery({
    queryKey: ["campaigns", "csv-audience-count", tagId],
    queryFn: () => previewSegment({ condition: "tags", match: "any", tag_ids: [tagId] }),
    enabled: done,
  });
  const rejected = useQuery({
    queryKey: ["contacts", "import-rejections", importId, counts?.rejected ?? 0],
    queryFn: async () => parseCsv(await rejectionsText(importId)).slice(1, SHOWN_REJECTIONS + 1),
    enabled: done && (counts?.rejected ?? 0) > 0,
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
  // The crm's count of tagged contacts; if it cannot answer in time, the rows written.
  const written = (counts?.created ?? 0) + (counts?.updated ?? 0);
  const counted = audience.data && !audience.data.count_timed_out ? audience.data.count : null;
  const contacts = counted ?? written;

  if (state.isError) {
    return (
      <Alert color="red.9" title={t("campaignCsv.failed")} role="alert">
        {problemText(state.error, t("campaignCsv.failed"))}
      </Alert>
    );
  }
  return (
    <>
      {state.data?.status === "failed" && (
        <Alert color="red.9" title={t("campaignCsv.failed")} role="alert">
          {state.data.error ?? t("contacts.imports.failedHint")}
        </Alert>
      )}
      {state.data?.status === "cancelled" && (
        <Alert color="yellow" variant="outline" role="status">
          {t("campaignCsv.cancelled")}
        </Alert>
      )}
      {counts && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} component="dl" aria-label={t("campaignCsv.reportLabel")} m={0}>
          {(["total", "created", "updated", "rejected"] as const).map((key) => (
            <Paper withBorder p="sm" key={key}>
              <Text component="dt" size="xs" c="dimmed">
                {t(`campaignCsv.report.${key}`)}
              </Text>
              <Text component="dd" size="xl" fw={600} m={0} data-testid={`csv-report-${key}`}>
                {n(counts[key])}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {(rejected.data?.length ?? 0) > 0 && (
        <>
          <Title order={4} size="h6">
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
      {!done || audience.isPending ? (
        <Group gap="xs">
          <Loader size="sm" />
          <Text size="sm">{t("campaignCsv.counting")}</Text>
        </Group>
      ) : (
        contacts === 0 && (
          <Alert color="yellow" variant="outline" role="status">
            {t("campaignCsv.nothing")}
          </Alert>
        )
      )}
      <Group gap="xs">
        <Button disabled={!done || audience.isPending || contacts === 0} onClick={() => onUse(contacts, counts?.rejected ?? 0)}>
          {t("campaignCsv.use", { count: contacts, contacts: n(contacts) })}
        </Button>
        {(counts?.rejected ?? 0) > 0 && (
          <Button leftSection={<IconDownload size={16} />} variant="light" loading={download.isPending} onClick={() => download.mutate()}>
            {t("contacts.imports.downloadRejected")}
          </Button>
        )}
        <Button variant="subtle" onClick={onAnother}>
          {t("campaignCsv.another")}
        </Button>
      </Group>
    </>
  );
}
