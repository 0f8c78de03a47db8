// Step 2: which contact field or custom field each column fills (or none). The crm's
// suggestion from the header is the starting point; a phone or an email column is needed.
import { Alert, Button, Group, Paper, Select, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ImportAnalysis } from "../crm";
import { useCustomFields } from "../queries";

/** The contact's own fields a column may fill. */
export const CONTACT_TARGETS = [
  "name",
  "phone",
  "email",
  "lifecycle_stage",
  "language",
  "time_zone",
  "source",
  "tags",
] as const;

const IGNORE = "";

/** The analysis's suggestions, by column index. */
export function suggestedMapping(analysis: ImportAnalysis): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const column of analysis.columns) {
    if (column.suggested) mapping[String(column.index)] = column.suggested;
  }
  return mapping;
}

export function MappingStep({
  analysis,
  mapping,
  onChange,
  onBack,
  onNext,
}: {
  analysis: ImportAnalysis;
  mapping: Record<string, string>;
  onChange: (mapping: Record<string, string>) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t, i18n } = useTranslation();
  const fields = useCustomFields();
  const targets = [
    { value: IGNORE, label: t("contacts.imports.ignore") },
    ...CONTACT_TARGETS.map((target) => ({ value: target, label: t(`contacts.imports.targets.${target}`) })),
    ...(fields.data ?? []).map((field) => ({
      value: `field:${field.key}`,
      label: t("contacts.imports.fieldTarget", { label: field.label }),
    })),
  ];
  const used = Object.values(mapping);
  const duplicated = used.filter((target, index) => target && used.indexOf(target) !== index && target !== "tags");
  const reachable = used.includes("phone") || used.includes("email");
  return (
    <Stack gap="sm" mt="md">
      <Text size="sm">
        {t("contacts.imports.found", {
          columns: analysis.columns.length,
          rows: analysis.rows !== null ? analysis.rows.toLocaleString(i18n.language) : "?",
          encoding: analysis.encoding,
          delimiter: analysis.delimiter === "\t" ? "Tab" : analysis.delimiter,
        })}
      </Text>
      <Paper withBorder style={{ overflowX: "auto" }}>
        <Table aria-label={t("contacts.imports.mappingLabel")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("contacts.imports.column")}</Table.Th>
              <Table.Th>{t("contacts.imports.samples")}</Table.Th>
              <Table.Th>{t("contacts.imports.target")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {analysis.columns.map((column) => (
              <Table.Tr key={column.index}>
                <Table.Td fw={500}>{column.header || t("contacts.imports.untitled", { n: column.index + 1 })}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {column.samples.filter(Boolean).slice(0, 3).join(" · ") || "—"}
                  </Text>
                </Table.Td>
                <Table.Td miw={220}>
                  <Select
                    aria-label={t("contacts.imports.mapColumn", { column: column.header || column.index + 1 })}
                    data={targets}
                    value={mapping[String(column.index)] ?? IGNORE}
                    allowDeselect={false}
                    onChange={(value) => {
                      const next = { ...mapping };
                      if (value) next[String(column.index)] = value;
                      else delete next[String(column.index)];
                      onChange(next);
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {!reachable && <Alert color="yellow">{t("contacts.imports.needAddress")}</Alert>}
      {duplicated.length > 0 && (
        <Alert color="yellow">
          {t("contacts.imports.duplicated", {
            targets: [...new Set(duplicated)].map((target) => targets.find((item) => item.value === target)?.label ?? target).join(", "),
          })}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t("contacts.imports.another")}
        </Button>
        <Button onClick={onNext} disabled={!reachable || duplicated.length > 0}>
          {t("contacts.imports.toPreview")}
        </Button>
      </Group>
    </Stack>
  );
}
