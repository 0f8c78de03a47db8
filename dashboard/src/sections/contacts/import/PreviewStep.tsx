// Step 3: the first rows as they would be imported, and the problems the crm found in them
// (row number, column, reason). Rows with problems are rejected; the others are imported.
import { Alert, Button, Group, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../../team/problem";
import { previewImport } from "../crm";

export function PreviewStep({
  importId,
  mapping,
  onBack,
  onNext,
}: {
  importId: string;
  mapping: Record<string, string>;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const preview = useQuery({
    queryKey: ["contacts", "import-preview", importId, JSON.stringify(mapping)],
    queryFn: () => previewImport(importId, mapping),
  });
  const rows = preview.data?.rows ?? [];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row.values)))];
  const problems = preview.data?.errors ?? [];
  const label = (column: string) =>
    column.startsWith("field:")
      ? column.slice(6)
      : t(`contacts.imports.targets.${column}`, { defaultValue: column });
  return (
    <Stack gap="sm" mt="md">
      {preview.isPending ? (
        <Group gap="xs">
          <Loader size="sm" />
          <Text size="sm">{t("contacts.imports.previewing")}</Text>
        </Group>
      ) : preview.isError ? (
        <Alert color="red" title={t("contacts.imports.previewFailed")}>
          {describeProblem(preview.error, t("contacts.imports.previewFailed"))}
        </Alert>
      ) : (
        <>
          <Paper withBorder style={{ overflowX: "auto" }}>
            <Table aria-label={t("contacts.imports.previewLabel")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("contacts.imports.row")}</Table.Th>
                  {columns.map((column) => (
                    <Table.Th key={column}>{label(column)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const bad = problems.some((problem) => problem.row === row.row);
                  return (
                    <Table.Tr key={row.row} bg={bad ? "var(--mantine-color-red-light)" : undefined}>
                      <Table.Td>{row.row}</Table.Td>
                      {columns.map((column) => (
                        <Table.Td key={column}>{row.values[column] ?? "—"}</Table.Td>
                      ))}
                    </Table.Tr>
                  );
                })}
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
                    column: problem.column ? label(problem.column) : t("contacts.imports.wholeRow"),
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
