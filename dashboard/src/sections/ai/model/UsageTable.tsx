// Usage by persona or by model: one row per key the service grouped by, the costliest first.
// Persona ids are named from the personas list; usage without a persona (a model test,
// embeddings) and that of a persona deleted since have rows of their own.
import { Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type UsagePoint, getUsage, listPersonas } from "../../../api/aiApi";
import { LoadFailed, Loading } from "../LoadState";
import { aiKeys } from "../queries";

export type UsageGrouping = "persona" | "model";

export function UsageTable({
  grouping,
  from,
  to,
  money,
  count,
}: {
  grouping: UsageGrouping;
  from: string;
  to: string;
  money: (value: string | number) => string;
  count: (value: number) => string;
}) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: aiKeys.usage(from, to, grouping),
    queryFn: () => getUsage({ from, to, groupBy: grouping }),
  });
  const personas = useQuery({
    queryKey: aiKeys.allPersonas,
    queryFn: () => listPersonas({ cursor: null, limit: 200 }),
    enabled: grouping === "persona",
  });
  const names = new Map((personas.data?.items ?? []).map((persona) => [persona.id, persona.name]));
  const nameOf = (key: string | null) => {
    if (grouping === "model") return key ?? t("ai.usage.unknownModel");
    if (key === null) return t("ai.usage.noPersona");
    // Until the list arrives the id would flash by; a deleted persona is named as such.
    return names.get(key) ?? (personas.isSuccess ? t("ai.usage.deletedPersona") : "…");
  };

  if (query.isError)
    return <LoadFailed title={t("ai.usage.loadFailed")} error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading label={t("ai.usage.loading")} />;
  const rows: UsagePoint[] = [...query.data.series].sort((a, b) => Number(b.cost_usd) - Number(a.cost_usd) || b.calls - a.calls);
  if (rows.length === 0) return <Text c="dimmed">{t("ai.usage.empty")}</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label={t(`ai.usage.tables.${grouping}`)}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t(`ai.usage.columns.${grouping}`)}</Table.Th>
            <Table.Th ta="right">{t("ai.usage.calls")}</Table.Th>
            <Table.Th ta="right">{t("ai.usage.promptTokens")}</Table.Th>
            <Table.Th ta="right">{t("ai.usage.completionTokens")}</Table.Th>
            <Table.Th ta="right">{t("ai.usage.cost")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.key ?? "none"}>
              <Table.Td>{nameOf(row.key)}</Table.Td>
              <Table.Td ta="right">{count(row.calls)}</Table.Td>
              <Table.Td ta="right">{count(row.prompt_tokens)}</Table.Td>
              <Table.Td ta="right">{count(row.completion_tokens)}</Table.Td>
              <Table.Td ta="right">{money(row.cost_usd)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
