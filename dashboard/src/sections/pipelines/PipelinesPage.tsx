// The pipelines page (/pipelines, /pipelines/:pipelineId): the chosen pipeline as a board or
// as a list, with search and filters (owner, tag, value, rotting), and the drawer of the open
// lead, and "New lead" (from the header, or a column's "+"). The view and the open lead are
// in the address (?view=list, ?lead=<id>), so a link opens them and the back button closes
// the drawer.
import {
  Alert,
  Button,
  Center,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Switch,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconLayoutKanban, IconPlus, IconSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { describeProblem } from "../team/problem";
import { type BoardFilters, type Lead, getBoard, listPipelines } from "./api";
import { Board } from "./Board";
import { LeadDrawer } from "./LeadDrawer";
import { LeadsTable } from "./LeadsTable";
import { NewLeadModal } from "./NewLead";
import { usePeople, useTags } from "./people";
import { pipelineKeys } from "./queries";

export default function PipelinesPage() {
  const { t } = useTranslation();
  const { pipelineId } = useParams();
  const navigate = useNavigate();
  const pipelines = useQuery({ queryKey: pipelineKeys.list, queryFn: listPipelines });

  if (pipelines.isPending) return <BoardSkeleton />;
  if (pipelines.isError) {
    return (
      <Alert color="red" title={t("pipelines.loadFailed")}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{describeProblem(pipelines.error, "")}</Text>
          <Button size="xs" variant="light" color="red" onClick={() => void pipelines.refetch()}>
            {t("pipelines.retry")}
          </Button>
        </Stack>
      </Alert>
    );
  }
  const items = pipelines.data.items;
  if (items.length === 0) return <NoPipelines />;
  if (!pipelineId) return <Navigate to={`/pipelines/${items[0]!.id}`} replace />;
  const pipeline = items.find((item) => item.id === pipelineId);
  if (!pipeline) {
    return (
      <Alert color="orange" title={t("pipelines.notFound")}>
        <Button component={Link} to={`/pipelines/${items[0]!.id}`} size="xs" variant="light">
          {items[0]!.name}
        </Button>
      </Alert>
    );
  }
  return (
    <PipelineView
      key={pipeline.id}
      pipelineId={pipeline.id}
      title={
        <Select
          aria-label={t("pipelines.pipeline")}
          data={items.map((item) => ({ value: item.id, label: item.name }))}
          value={pipeline.id}
          onChange={(next) => next && navigate(`/pipelines/${next}`)}
          allowDeselect={false}
          w={{ base: "100%", xs: 240 }}
        />
      }
    />
  );
}

function PipelineView({ pipelineId, title }: { pipelineId: string; title: React.ReactNode }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const view = params.get("view") === "list" ? "list" : "board";
  const openLeadId = params.get("lead");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [owner, setOwner] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [minValue, setMinValue] = useState<string | number>("");
  const [maxValue, setMaxValue] = useState<string | number>("");
  const [rotting, setRotting] = useState(false);
  // The stage a new lead is being made in (null: the first); undefined when no form is open.
  const [newLeadStage, setNewLeadStage] = useState<string | null | undefined>(undefined);
  const [debouncedMin] = useDebouncedValue(minValue, 400);
  const [debouncedMax] = useDebouncedValue(maxValue, 400);
  const filters: BoardFilters = useMemo(
    () => ({
      q: q || undefined,
      owner_user_id: owner ?? undefined,
      tag_id: tag ?? undefined,
      min_value: typeof debouncedMin === "number" ? debouncedMin : undefined,
      max_value: typeof debouncedMax === "number" ? debouncedMax : undefined,
      rotting: rotting || undefined,
    }),
    [q, owner, tag, debouncedMin, debouncedMax, rotting],
  );
  const filtered = Boolean(search || owner || tag || minValue !== "" || maxValue !== "" || rotting);
  const { people, nameOf } = usePeople();
  const tags = useTags();
  const board = useQuery({
    queryKey: pipelineKeys.board(pipelineId, filters),
    queryFn: () => getBoard(pipelineId, filters),
    placeholderData: (previous) => (previous?.pipeline.id === pipelineId ? previous : undefined),
  });

  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(name);
    else next.set(name, value);
    setParams(next);
  };
  const openLead = (lead: Lead) => setParam("lead", lead.id);
  const stages = board.data?.columns.map((column) => column.stage) ?? [];

  return (
    <Stack gap="md" style={{ minWidth: 0 }}>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Title order={2}>{t("pipelines.title")}</Title>
          {title}
        </Group>
        <Group gap="sm" wrap="wrap">
          <Button leftSection={<IconPlus size={16} />} onClick={() => setNewLeadStage(null)} disabled={!board.data}>
            {t("pipelines.newLead.button")}
          </Button>
          <SegmentedControl
            aria-label={t("pipelines.view.label")}
            value={view}
            onChange={(next) => setParam("view", next === "list" ? "list" : null)}
            data={[
              { value: "board", label: t("pipelines.view.board") },
              { value: "list", label: t("pipelines.view.list") },
            ]}
          />
        </Group>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label={t("pipelines.filters.label")}>
        <TextInput
          w={{ base: "100%", sm: 240 }}
          aria-label={t("pipelines.search")}
          placeholder={t("pipelines.search")}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <Select
          w={{ base: "100%", xs: 180 }}
          label={t("pipelines.filters.owner")}
          placeholder={t("pipelines.filters.anyOwner")}
          data={people.map((person) => ({ value: person.id, label: person.name }))}
          value={owner}
          onChange={setOwner}
          clearable
          searchable
        />
        {(tags.data?.length ?? 0) > 0 && (
          <Select
            w={{ base: "100%", xs: 160 }}
            label={t("pipelines.filters.tag")}
            placeholder={t("pipelines.filters.anyTag")}
            data={(tags.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
            value={tag}
            onChange={setTag}
            clearable
            searchable
          />
        )}
        <NumberInput w={130} label={t("pipelines.filters.minValue")} value={minValue} onChange={setMinValue} min={0} />
        <NumberInput w={130} label={t("pipelines.filters.maxValue")} value={maxValue} onChange={setMaxValue} min={0} />
        <Switch label={t("pipelines.filters.rotting")} checked={rotting} onChange={(event) => setRotting(event.currentTarget.checked)} mb={8} />
        {filtered && (
          <Button
            variant="subtle"
            size="xs"
            mb={4}
            onClick={() => {
              setSearch("");
              setOwner(null);
              setTag(null);
              setMinValue("");
              setMaxValue("");
              setRotting(false);
            }}
          >
            {t("pipelines.filters.clear")}
          </Button>
        )}
      </Group>
      {board.isPending ? (
        <BoardSkeleton />
      ) : board.isError ? (
        <Alert color="red" title={t("pipelines.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{describeProblem(board.error, "")}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => void board.refetch()}>
              {t("pipelines.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : view === "list" ? (
        <LeadsTable pipelineId={pipelineId} stages={stages} filters={filters} ownerName={nameOf} onOpen={openLead} />
      ) : (
        <Board
          pipelineId={pipelineId}
          board={board.data}
          boardUpdatedAt={board.dataUpdatedAt}
          filters={filters}
          ownerName={nameOf}
          onOpen={openLead}
          onNewLead={(stage) => setNewLeadStage(stage.id)}
        />
      )}
      <NewLeadModal
        stageId={newLeadStage}
        pipelineId={pipelineId}
        stages={stages}
        currency={board.data?.columns.flatMap((column) => column.leads).find((lead) => lead.currency)?.currency}
        onClose={() => setNewLeadStage(undefined)}
      />
      <LeadDrawer leadId={openLeadId} stages={stages} onClose={() => setParam("lead", null)} />
    </Stack>
  );
}

function BoardSkeleton() {
  const { t } = useTranslation();
  return (
    <Group gap="sm" wrap="nowrap" role="status" aria-busy="true" aria-label={t("pipelines.loading")} style={{ overflow: "hidden" }}>
      {Array.from({ length: 4 }, (_, index) => (
        <Skeleton key={index} h={320} w={288} style={{ flexShrink: 0 }} />
      ))}
    </Group>
  );
}

function NoPipelines() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Stack align="center" ta="center" gap="sm" maw={420}>
        <ThemeIcon size={56} radius="xl" variant="light">
          <IconLayoutKanban size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={2}>{t("pipelines.empty.title")}</Title>
        <Text c="dimmed">{t("pipelines.empty.body")}</Text>
        <Button component={Link} to="/settings/pipelines" variant="light">
          {t("pipelines.empty.action")}
        </Button>
      </Stack>
    </Center>
  );
}
