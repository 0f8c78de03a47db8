// Step 2: which contact field or custom field each column fills (or none). The crm's
// suggestion from the header is the starting point; a phone, an email or a WhatsApp id
// column is needed (a contact needs one of them).
import { Alert, Button, Group, Paper, Select, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type ColumnMapping, FIELD_TARGET, type ImportAnalysis } from "../crm";
import { useCustomFields } from "../queries";

/** The contact's own fields a column may fill (the crm's import targets). */
export const CONTACT_TARGETS = [
  "name",
  "first_name",
  "last_name",
  "phone",
  "email",
  "user_id",
  "lifecycle_stage",
  "language",
  "time_zone",
  "source",
  "owner_user_id",
] as const;
const ADDRESSES = ["phone", "email", "user_id"];

/** Column index → target; a column left out is not imported. */
export type Mapping = Record<number, string>;

export function suggestedMapping(analysis: ImportAnalysis): Mapping {
  const mapping: Mapping = {};
  for (const column of analysis.columns) {
    if (column.suggested) mapping[column.index] = column.suggested;
  }
  return mapping;
}

export function mappingBody(mapping: Mapping): ColumnMapping[] {
  return Object.entries(mapping)
    .filter(([, field]) => field)
    .map(([column, field]) => ({ column: Number(column), field }))
    .sort((a, b) => a.column - b.column);
}

/** A target in words: the contact field's name, or the custom field's label. */
export function useTargetLabel() {
  const { t } = useTranslation();
  const fields = useCustomFields();
  return (target: string) => {
    if (target.startsWith(FIELD_TARGET)) {
      const key = target.slice(FIELD_TARGET.length);
      const label = fields.data?.find((field) => field.key === key)?.label ?? key;
      return t("contacts.imports.fieldTarget", { label });
    }
    return t(`contacts.imports.targets.${target}`, { defaultValue: target });
  };
}

export function MappingStep({
  analysis,
  mapping,
  onChange,
  onBack,
  onNext,
}: {
  analysis: ImportAnalysis;
  mapping: Mapping;
  onChange: (mapping: Mapping) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const fields = useCustomFields();
  const label = useTargetLabel();
  const targets = [
    { value: "", label: t("contacts.imports.ignore") },
    ...CONTACT_TARGETS.map((target) => ({ value: target, label: label(target) })),
    ...(fields.data ?? []).map((field) => ({
      value: `${FIELD_TARGET}${field.key}`,
      label: label(`${FIELD_TARGET}${field.key}`),
    })),
  ];
  // A suggestion of a field the tenant no longer has still shows as itself.
  for (const target of Object.values(mapping)) {
    if (target && !targets.some((item) => item.value === target)) targets.push({ value: target, label: label(target) });
  }
  const used = Object.values(mapping).filter(Boolean);
  const duplicated = [...new Set(used.filter((target, index) => used.indexOf(target) !== index))];
  const reachable = used.some((target) => ADDRESSES.includes(target));
  const samples = (index: number) =>
    analysis.preview
      .map((row) => row.values[index] ?? "")
      .filter(Boolean)
      .slice(0, 3)
      .join(" · ");
  return (
    <Stack gap="sm" mt="md">
      <Text size="sm">
        {t("contacts.imports.found", {
          columns: analysis.columns.length,
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
                <Table.Td fw={500}>{column.header}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {samples(column.index) || "—"}
                  </Text>
                </Table.Td>
                <Table.Td miw={220}>
                  <Select
                    aria-label={t("contacts.imports.mapColumn", { column: column.header })}
                    data={targets}
                    value={mapping[column.index] ?? ""}
                    allowDeselect={false}
                    onChange={(value) => {
                      const next = { ...mapping };
                      if (value) next[column.index] = value;
                      else delete next[column.index];
                      onChange(next);
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {!reachable && <Alert color="yellow" variant="outline">{t("contacts.imports.needAddress")}</Alert>}
      {duplicated.length > 0 && (
        <Alert color="yellow" variant="outline">
          {t("contacts.imports.duplicated", { targets: duplicated.map(label).join(", ") })}
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
