// The Kanban board: one column per stage (its totals, its cards page by page), cards dragged
// between and within columns with the mouse, a finger (a long press) or the keyboard. A drop
// is one move request naming the card's new neighbours ("after A, before B") and the version
// the card had; the board shows the move at once and takes it back, with a word, when the
// crm refuses (409 stale_position: someone else moved first, the board refetches).
import { ActionIcon, Badge, Box, Button, Group, Modal, Paper, ScrollArea, Stack, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import {
  type Announcements,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  KeyboardCode,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  type UniqueIdentifier,
  closestCorners,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { SortableContext, arrayMove, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { type Board as BoardData, type BoardFilters, type Lead, type Stage, amount, getColumnPage, moveLead } from "./api";
import { LeadCard } from "./LeadCard";
import {
  type ColumnData,
  type Placement,
  applyMove,
  fetchColumn,
  formatMoney,
  neighbours,
  pipelineKeys,
  refetchColumns,
  storeLead,
} from "./queries";
import { READABLE } from "./style";

const COLUMN_PREFIX = "stage:";
const COLUMN_WIDTH = 288;

interface BoardProps {
  pipelineId: string;
  board: BoardData;
  boardUpdatedAt: number;
  filters: BoardFilters;
  ownerName: (userId: string | null) => string | null;
  onOpen: (lead: Lead) => void;
  /** "New lead" in this column. */
  onNewLead?: (stage: Stage) => void;
}

interface DragState {
  activeId: string;
  fromStageId: string;
  items: Record<string, string[]>;
}

export function Board({ pipelineId, board, boardUpdatedAt, filters, ownerName, onOpen, onNewLead }: BoardProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const stages = useMemo(() => board.columns.map((column) => column.stage), [board.columns]);
  const currency = useMemo(
    () => board.columns.flatMap((column) => column.leads).find((lead) => lead.currency)?.currency ?? null,
    [board],
  );

  const columnQueries = useQueries({
    queries: board.columns.map((column) => {
      const key = pipelineKeys.column(pipelineId, column.stage.id, filters);
      return {
        queryKey: key,
        queryFn: () =>
          fetchColumn(
            pipelineId,
            column.stage.id,
            filters,
            queryClient.getQueryData<ColumnData>(key)?.leads.length ?? 0,
          ),
        initialData: (): ColumnData => ({ leads: column.leads, next_cursor: column.next_cursor }),
        initialDataUpdatedAt: boardUpdatedAt,
        staleTime: 30_000,
      };
    }),
  });
  const columnData = useMemo(() => {
    const byStage: Record<string, ColumnData> = {};
    board.columns.forEach((column, index) => {
      byStage[column.stage.id] = columnQueries[index]?.data ?? { leads: column.leads, next_cursor: column.next_cursor };
    });
    return byStage;
  }, [board.columns, columnQueries]);
  const leadsById = useMemo(() => {
    const map = new Map<string, Lead>();
    for (const data of Object.values(columnData)) for (const lead of data.leads) map.set(lead.id, lead);
    return map;
  }, [columnData]);

  const [drag, setDrag] = useState<DragState | null>(null);
  const [loadingMore, setLoadingMore] = useState<string | null>(null);
  const justDragged = useRef(false);
  const [losing, setLosing] = useState<{ lead: Lead; placement: Placement; stage: Stage } | null>(null);

  const itemsOf = useCallback(
    (stageId: string): string[] => drag?.items[stageId] ?? columnData[stageId]?.leads.map((lead) => lead.id) ?? [],
    [drag, columnData],
  );
  const containerOf = useCallback(
    (id: UniqueIdentifier, items: Record<string, string[]>): string | null => {
      const text = String(id);
      if (text.startsWith(COLUMN_PREFIX)) return text.slice(COLUMN_PREFIX.length);
      for (const stage of stages) if (items[stage.id]?.includes(text)) return stage.id;
      return null;
    },
    [stages],
  );
  const currentItems = useCallback((): Record<string, string[]> => {
    const items: Record<string, string[]> = {};
    for (const stage of stages) items[stage.id] = columnData[stage.id]?.leads.map((lead) => lead.id) ?? [];
    return items;
  }, [stages, columnData]);

  const move = useMutation({
    mutationFn: ({ lead, placement, lostReason }: { lead: Lead; placement: Placement; lostReason?: string }) =>
      moveLead(lead.id, {
        stage_id: placement.stageId,
        after_id: placement.afterId,
        before_id: placement.beforeId,
        expected_version: lead.version,
        ...(lostReason ? { lost_reason: lostReason } : {}),
      }),
    onMutate: async ({ lead, placement }) => {
      await queryClient.cancelQueries({ queryKey: pipelineKeys.columns(pipelineId) });
      return { undo: applyMove(queryClient, lead, placement) };
    },
    onError: (error, _variables, context) => {
      context?.undo();
      const stale = error instanceof ApiError && error.status === 409;
      notifications.show({
        color: "red",
        title: t("pipelines.move.failed"),
        message: stale ? t("pipelines.move.stale") : error.message,
      });
      if (stale) refetchColumns(queryClient, pipelineId, "all");
    },
    onSuccess: (lead) => {
      storeLead(queryClient, lead);
      // The totals as the crm counts them (the optimistic ones were an estimate).
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.boards(pipelineId) });
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.leads });
    },
  });

  const sensors = useSensors(
    // Mouse and touch apart: on a phone a swipe scrolls the columns, a long press drags.
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: sortableKeyboardCoordinates,
      // Enter opens the card; space picks it up and drops it.
      keyboardCodes: {
        start: [KeyboardCode.Space],
        cancel: [KeyboardCode.Esc],
        end: [KeyboardCode.Space, KeyboardCode.Enter],
      },
    }),
  );
  const collisions: CollisionDetection = closestCorners;

  const stageName = (stageId: string | null) => stages.find((stage) => stage.id === stageId)?.name ?? "";
  const titleOf = (id: UniqueIdentifier) => leadsById.get(String(id))?.title ?? "";
  const spot = (over: UniqueIdentifier, active: UniqueIdentifier) => {
    const items = drag?.items ?? currentItems();
    const stageId = containerOf(over, items);
    const list = stageId ? (items[stageId] ?? []) : [];
    const index = list.indexOf(String(active));
    return { stage: stageName(stageId), position: (index >= 0 ? index : list.length) + 1, total: list.length || 1 };
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("pipelines.dnd.start", { title: titleOf(active.id) }),
    onDragOver: ({ active, over }) =>
      over
        ? t("pipelines.dnd.over", { title: titleOf(active.id), ...spot(over.id, active.id) })
        : t("pipelines.dnd.overNothing", { title: titleOf(active.id) }),
    onDragEnd: ({ active, over }) =>
      over
        ? t("pipelines.dnd.end", { title: titleOf(active.id), ...spot(over.id, active.id) })
        : t("pipelines.dnd.cancel", { title: titleOf(active.id) }),
    onDragCancel: ({ active }) => t("pipelines.dnd.cancel", { title: titleOf(active.id) }),
  };

  const onDragStart = ({ active }: DragStartEvent) => {
    const items = currentItems();
    const fromStageId = containerOf(active.id, items);
    if (fromStageId) setDrag({ activeId: String(active.id), fromStageId, items });
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over) return;
    setDrag((state) => {
      if (!state) return state;
      const from = containerOf(active.id, state.items);
      const to = containerOf(over.id, state.items);
      if (!from || !to || from === to) return state;
      const source = (state.items[from] ?? []).filter((id) => id !== String(active.id));
      const target = [...(state.items[to] ?? [])];
      const overIndex = target.indexOf(String(over.id));
      const index = overIndex >= 0 ? overIndex : target.length;
      target.splice(index, 0, String(active.id));
      return { ...state, items: { ...state.items, [from]: source, [to]: target } };
    });
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const state = drag;
    setDrag(null);
    justDragged.current = true;
    setTimeout(() => {
      justDragged.current = false;
    }, 0);
    if (!state || !over) return;
    const to = containerOf(over.id, state.items);
    const lead = leadsById.get(String(active.id));
    if (!to || !lead) return;
    let list = state.items[to] ?? [];
    const oldIndex = list.indexOf(String(active.id));
    const overIndex = list.indexOf(String(over.id));
    if (oldIndex >= 0 && overIndex >= 0 && oldIndex !== overIndex) list = arrayMove(list, oldIndex, overIndex);
    const index = list.indexOf(String(active.id));
    if (index < 0) return;
    const placement: Placement = { stageId: to, ...neighbours(list, index) };
    const before = columnData[lead.stage_id]?.leads.map((item) => item.id) ?? [];
    const was = neighbours(before, before.indexOf(lead.id));
    if (to === lead.stage_id && was.afterId === placement.afterId && was.beforeId === placement.beforeId) return;
    // Into a lost stage, the crm wants to know why (unless the lead says already).
    const target = stages.find((item) => item.id === to);
    if (target?.kind === "lost" && to !== lead.stage_id && !lead.lost_reason) {
      setLosing({ lead, placement, stage: target });
      return;
    }
    move.mutate({ lead, placement });
  };

  const loadMore = async (stage: Stage) => {
    const key = pipelineKeys.column(pipelineId, stage.id, filters);
    const data = queryClient.getQueryData<ColumnData>(key);
    if (!data?.next_cursor) return;
    setLoadingMore(stage.id);
    try {
      const page = await getColumnPage(pipelineId, stage.id, filters, data.next_cursor);
      const known = new Set(data.leads.map((lead) => lead.id));
      queryClient.setQueryData<ColumnData>(key, {
        leads: [...data.leads, ...page.items.filter((lead) => !known.has(lead.id))],
        next_cursor: page.next_cursor,
      });
    } catch (error) {
      notifications.show({ color: "red", message: error instanceof Error ? error.message : String(error) });
    } finally {
      setLoadingMore(null);
    }
  };

  const open = (lead: Lead) => {
    if (!justDragged.current) onOpen(lead);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisions}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDrag(null)}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t("pipelines.dnd.instructions") } }}
    >
      <ScrollArea type="auto" offsetScrollbars scrollbarSize={10}>
        <Group align="flex-start" gap="sm" wrap="nowrap" pb="sm" data-testid="board">
          {board.columns.map((column, columnIndex) => {
            const stage = column.stage;
            const ids = itemsOf(stage.id);
            return (
              <Column
                key={stage.id}
                stage={stage}
                index={columnIndex}
                count={column.count}
                total={formatMoney(amount(column.total_value), currency, i18n.language)}
                weighted={formatMoney(amount(column.weighted_value), currency, i18n.language)}
                ids={ids}
                leadsById={leadsById}
                hasMore={Boolean(columnData[stage.id]?.next_cursor)}
                loadingMore={loadingMore === stage.id}
                onLoadMore={() => void loadMore(stage)}
                ownerName={ownerName}
                onOpen={open}
                onNewLead={onNewLead ? () => onNewLead(stage) : undefined}
              />
            );
          })}
        </Group>
      </ScrollArea>
      <LostReasonModal
        losing={losing}
        onCancel={() => setLosing(null)}
        onConfirm={(reason) => {
          if (losing) move.mutate({ lead: losing.lead, placement: losing.placement, lostReason: reason });
          setLosing(null);
        }}
      />
    </DndContext>
  );
}

function LostReasonModal({
  losing,
  onCancel,
  onConfirm,
}: {
  losing: { lead: Lead; stage: Stage } | null;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  return (
    <Modal
      opened={losing !== null}
      onClose={onCancel}
      title={t("pipelines.lost.title", { title: losing?.lead.title ?? "", stage: losing?.stage.name ?? "" })}
      closeButtonProps={{ "aria-label": t("pipelines.drawer.close") }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim()) {
            onConfirm(reason.trim());
            setReason("");
          }
        }}
      >
        <Stack>
          <Textarea
            label={t("pipelines.drawer.lostReason")}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            data-autofocus
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              {t("pipelines.settings.cancel")}
            </Button>
            <Button type="submit" disabled={!reason.trim()}>
              {t("pipelines.lost.confirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface ColumnProps {
  stage: Stage;
  index: number;
  count: number;
  total: string;
  weighted: string;
  ids: string[];
  leadsById: Map<string, Lead>;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  ownerName: (userId: string | null) => string | null;
  onOpen: (lead: Lead) => void;
  onNewLead?: () => void;
}

function Column({
  stage,
  index,
  count,
  total,
  weighted,
  ids,
  leadsById,
  hasMore,
  loadingMore,
  onLoadMore,
  ownerName,
  onOpen,
  onNewLead,
}: ColumnProps) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: `${COLUMN_PREFIX}${stage.id}` });
  const headingId = `stage-heading-${stage.id}`;
  const color = stage.color || "var(--mantine-color-gray-5)";
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      withBorder
      radius="md"
      p="xs"
      w={COLUMN_WIDTH}
      bg={isOver ? "var(--mantine-color-default-hover)" : "var(--mantine-color-body)"}
      style={{ flexShrink: 0, borderTop: `4px solid ${color}` }}
    >
      <Stack gap={6} mb="xs">
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Title order={3} size="h5" id={headingId} style={{ overflowWrap: "anywhere" }}>
            {stage.name}
          </Title>
          <Group gap={4} wrap="nowrap">
            {stage.kind !== "open" && (
              <Badge size="xs" variant="light" styles={READABLE} color={stage.kind === "won" ? "green" : "red"}>
                {t(`pipelines.column.kind.${stage.kind}`)}
              </Badge>
            )}
            <Tooltip label={t("pipelines.column.probability", { probability: stage.probability })}>
              <Badge size="xs" variant="outline" color="gray">
                {stage.probability}%
              </Badge>
            </Tooltip>
            {onNewLead && (
              <Tooltip label={t("pipelines.newLead.inStage", { stage: stage.name })}>
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="gray"
                  aria-label={t("pipelines.newLead.inStage", { stage: stage.name })}
                  onClick={onNewLead}
                >
                  <IconPlus size={14} aria-hidden />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        </Group>
        <Text size="xs" c="dimmed" data-testid={`totals-${stage.id}`}>
          {t("pipelines.column.count", { count })} · {t("pipelines.column.total", { value: total })} ·{" "}
          {t("pipelines.column.weighted", { value: weighted })}
        </Text>
      </Stack>
      <SortableContext id={stage.id} items={ids} strategy={verticalListSortingStrategy}>
        <Stack ref={setNodeRef} gap={6} mih={80} data-board-column={index} data-stage-id={stage.id}>
          {ids.map((id, cardIndex) => {
            const lead = leadsById.get(id);
            return lead ? (
              <LeadCard key={id} lead={lead} stage={stage} index={cardIndex} ownerName={ownerName} onOpen={onOpen} />
            ) : null;
          })}
          {ids.length === 0 && (
            <Box py="md" ta="center">
              <Text size="xs" c="dimmed">
                {t("pipelines.column.empty")}
              </Text>
            </Box>
          )}
        </Stack>
      </SortableContext>
      {hasMore && (
        <Button variant="subtle" size="xs" fullWidth mt="xs" loading={loadingMore} onClick={onLoadMore}>
          {t("pipelines.column.loadMore")}
        </Button>
      )}
    </Paper>
  );
}
