// The same pipeline as a table: the leads the board's filters match, sorted on the server by
// the column header chosen, in cursor pages.
import { Alert, Anchor, Badge, Button, Group, Paper, Skeleton, Table, Text, UnstyledButton } from "@mantine/core";
import { IconChevronDown, IconChevronLeft, IconChevronRight, IconChevronUp, IconSelector } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../team/problem";
import { type BoardFilters, type Lead, type LeadSort, type Stage, amount, listLeads } from "./api";
import { formatMoney, isRotting, pipelineKeys } from "./queries";
import { READABLE } from "./style";

type SortField = "value" | "stage_entered_at" | "created_at";

interface LeadsTableProps {
  pipelineId: string;
  stages: Stage[];
  filters: BoardFilters;
  ownerName: (userId: string | null) => string | null;
  onOpen: (lead: Lead) => void;
}

export function LeadsTable({ pipelineId, stages, filters, ownerName, onOpen }: LeadsTableProps) {
  const { t, i18n } = useTranslation();
  const [sort, setSort] = useState<{ field: SortField; descending: boolean }>({ field: "created_at", descending: true });
  const sortParam = `${sort.descending ? "-" : ""}${sort.field}` as LeadSort;
  const scope = JSON.stringify({ filters, sortParam });
  const [pages, setPages] = useState<{ scope: string; cursors: (string | null)[] }>({ scope, cursors: [null] });
  const cursors = pages.scope === scope ? pages.cursors : [null];
  const cursor = cursors.at(-1) ?? null;
  const query = useQuery({
    queryKey: pipelineKeys.leadList(pipelineId, { filters, sortParam, cursor }),
    queryFn: () => listLeads({ pipeline_id: pipelineId, ...filters, sort: sortParam, cursor }),
    placeholderData: keepPreviousData,
  });
  const stageOf = (id: string) => stages.find((stage) => stage.id === id);

  const header = (field: SortField, label: string) => {
    const active = sort.field === field;
    const Icon = !active ? IconSelector : sort.descending ? IconChevronDown : IconChevronUp;
    return (
      <Table.Th aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
        <UnstyledButton
          onClick={() => setSort({ field, descending: active ? !sort.descending : field !== "stage_entered_at" })}
          aria-label={t("pipelines.list.sortBy", { column: label })}
        >
          <Group gap={4} wrap="nowrap">
            <Text fw={600} size="sm">
              {label}
            </Text>
            <Icon size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };

  if (query.isPending) return <Skeleton h={240} aria-busy="true" />;
  if (query.isError) return <Alert color="red">{describeProblem(query.error, t("pipelines.loadFailed"))}</Alert>;
  const items = query.data.items;
  const next = query.data.next_cursor;
  return (
    <>
      <Paper withBorder style={{ overflowX: "auto" }}>
        <Table highlightOnHover verticalSpacing="sm" aria-label={t("pipelines.list.label")} aria-busy={query.isFetching}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("pipelines.list.title")}</Table.Th>
              <Table.Th>{t("pipelines.list.contact")}</Table.Th>
              <Table.Th>{t("pipelines.list.stage")}</Table.Th>
              {header("value", t("pipelines.list.value"))}
              <Table.Th visibleFrom="sm">{t("pipelines.list.owner")}</Table.Th>
              <Table.Th visibleFrom="md">{t("pipelines.list.expectedClose")}</Table.Th>
              {header("stage_entered_at", t("pipelines.list.inStage"))}
              {header("created_at", t("pipelines.list.created"))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={8}>
                  <Text c="dimmed" ta="center" py="md">
                    {t("pipelines.list.empty")}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              items.map((lead) => {
                const stage = stageOf(lead.stage_id);
                return (
                  <Table.Tr key={lead.id}>
                    <Table.Td>
                      <Anchor component="button" type="button" fw={500} onClick={() => onOpen(lead)}>
                        {lead.title}
                      </Anchor>
                      {stage && isRotting(lead) && (
                        <Badge ml={6} size="xs" color="orange" variant="light" styles={READABLE}>
                          {t("pipelines.card.rotting")}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{lead.contact.name || lead.contact.phone || "—"}</Table.Td>
                    <Table.Td>{stage?.name ?? "—"}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {formatMoney(amount(lead.value), lead.currency, i18n.language)}
                    </Table.Td>
                    <Table.Td visibleFrom="sm">{ownerName(lead.owner_user_id) ?? t("pipelines.card.unassigned")}</Table.Td>
                    <Table.Td visibleFrom="md" style={{ whiteSpace: "nowrap" }}>
                      {lead.expected_close_on
                        ? new Date(`${lead.expected_close_on}T12:00:00`).toLocaleDateString(i18n.language)
                        : "—"}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {new Date(lead.stage_entered_at).toLocaleDateString(i18n.language)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {new Date(lead.created_at).toLocaleDateString(i18n.language)}
                    </Table.Td>
                  </Table.Tr>
                );
              })
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group justify="space-between" component="nav" aria-label={t("pipelines.list.pagination")}>
        <Text size="sm" c="dimmed" aria-live="polite">
          {t("pipelines.list.page", { page: cursors.length })}
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            leftSection={<IconChevronLeft size={14} />}
            disabled={cursors.length === 1}
            onClick={() => setPages({ scope, cursors: cursors.slice(0, -1) })}
          >
            {t("pipelines.list.previous")}
          </Button>
          <Button
            variant="default"
            size="xs"
            rightSection={<IconChevronRight size={14} />}
            disabled={!next || query.isPlaceholderData}
            onClick={() => next && setPages({ scope, cursors: [...cursors, next] })}
          >
            {t("pipelines.list.next")}
          </Button>
        </Group>
      </Group>
    </>
  );
}
