// Step 3: the first rows read with the mapping, and the problems the crm found in them
// (row number, column, reason). Rows with problems are rejected; the others are imported.
import { Alert, Button, Group, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type ImportAnalysis, previewImport, problemText } from "../crm";
import { type Mapping, mappingBody, useTargetLabel } from "./MappingStep";

export function PreviewStep({
  analysis,
  mapping,
  onBack,
  onNext,
}: {
  analysis: ImportAnalysis;
  mapping: Mapping;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const label = useTargetLabel();
  const body = mappingBody(mapping);
  const preview = useQuery({
    queryKey: ["contacts", "import-preview", analysis.id, JSON.stringify(body)],
    queryFn: () => previewImport(analysis.id, body),
  });
  const rows = preview.data?.preview ?? [];
  const problems = rows.flatMap((row) => row.errors.map((problem) => ({ row: row.row_number, ...problem })));
  const header = (index: number) => analysis.columns.find((column) => column.index === index)?.header ?? "";
  return (
    <Stack gap="sm" mt="md">
      {preview.isPending ? (
        <Group gap="xs">
          <Loader size="sm" />
          <Text size="sm">{t("contacts.imports.previewing")}</Text>
        </Group>
      ) : preview.isError ? (
        <Alert color="red.9" title={t("contacts.imports.previewFailed")}>
          {problemText(preview.error, t("contacts.imports.previewFailed"))}
        </Alert>
      ) : (
        <>
          <Paper withBorder style={{ overflowX: "auto" }}>
            <Table aria-label={t("contacts.imports.previewLabel")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("contacts.imports.row")}</Table.Th>
                  {body.map((item) => (
                    <Table.Th key={item.column}>
                      {label(item.field)}
                      <Text size="xs" c="dimmed" fw={400}>
                        {header(item.column)}
                      </Text>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.row_number} bg={row.errors.length ? "var(--mantine-color-red-light)" : undefined}>
                    <Table.Td>{row.row_number}</Table.Td>
                    {body.map((item) => (
                      <Table.Td key={item.column}>{row.values[item.column] || "—"}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Title order={3} size="h5">
            {problems.length
              ? t("contacts.imports.problems", { count: problems.length })
              : t("contacts.imports.noProblems")}
          </Title>
          {problems.length > 0 && (
            <Stack component="ul" gap={2} m={0} aria-label={t("contacts.imports.problemsLabel")}>
              {problems.map((problem, index) => (
                <Text component="li" size="sm" key={index}>
                  {t("contacts.imports.problem", {
                    row: problem.row,
                    column: problem.column ?? t("contacts.imports.wholeRow"),
                    reason: problem.reason,
                  })}
                </Text>
              ))}
            </Stack>
          )}
          <Text size="xs" c="dimmed">
            {t("contacts.imports.previewHint")}
          </Text>
        </>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t("contacts.imports.back")}
        </Button>
        <Button onClick={onNext} disabled={!preview.isSuccess}>
          {t("contacts.imports.toOptions")}
        </Button>
      </Group>
    </Stack>
  );
}
