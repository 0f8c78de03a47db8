// Settings → Pipelines and stages: add, rename and delete pipelines; add, rename, recolour,
// reorder and delete their stages (a stage's leads move to another stage first), with each
// stage's win probability, kind (open, won, lost) and rotting limit. Everyone reads; admins
// and owners change (the crm checks again).
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  ColorInput,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowDown, IconArrowUp, IconChevronLeft, IconLock, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  type Pipeline,
  type Stage,
  type StageInput,
  type StageKind,
  createPipeline,
  createStage,
  deletePipeline,
  deleteStage,
  listPipelines,
  updatePipeline,
  updateStage,
} from "../../pipelines/api";
import { pipelineKeys } from "../../pipelines/keys";
import { describeProblem } from "../../team/problem";
import { useAccess } from "../../team/roles";

const KINDS: StageKind[] = ["open", "won", "lost"];

function useSettingsMutation<T>(run: (input: T) => Promise<unknown>) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.all });
      notifications.show({ color: "brand", message: t("pipelines.settings.saved") });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("pipelines.settings.failed"),
        message: describeProblem(error, t("pipelines.settings.failed")),
      }),
  });
}

export default function PipelineSettingsPage() {
  const { t } = useTranslation();
  const { me, canManage } = useAccess();
  const pipelines = useQuery({ queryKey: pipelineKeys.list, queryFn: listPipelines });
  const [name, setName] = useState("");
  const create = useSettingsMutation((pipelineName: string) => createPipeline({ name: pipelineName }));

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Anchor component={Link} to="/settings" size="sm">
          <Group gap={4} component="span">
            <IconChevronLeft size={14} aria-hidden />
            {t("pipelines.settings.back")}
          </Group>
        </Anchor>
        <Title order={2}>{t("pipelines.settings.title")}</Title>
      </div>
      {me.data && !canManage && (
        <Alert icon={<IconLock size={18} />} color="gray">
          {t("pipelines.settings.readOnly")}
        </Alert>
      )}
      {pipelines.isPending ? (
        <Skeleton h={240} aria-busy="true" />
      ) : pipelines.isError ? (
        <Alert color="red">{describeProblem(pipelines.error, t("pipelines.loadFailed"))}</Alert>
      ) : (
        pipelines.data.items.map((pipeline) => (
          <PipelineEditor key={pipeline.id} pipeline={pipeline} canManage={canManage} />
        ))
      )}
      {canManage && (
        <Paper withBorder p="md">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (!name.trim()) return;
              create.mutate(name.trim(), { onSuccess: () => setName("") });
            }}
          >
            <Group align="flex-end">
              <TextInput
                label={t("pipelines.settings.newName")}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                maxLength={100}
                style={{ flex: 1 }}
              />
              <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                {t("pipelines.settings.add")}
              </Button>
            </Group>
          </form>
        </Paper>
      )}
    </Stack>
  );
}

function PipelineEditor({ pipeline, canManage }: { pipeline: Pipeline; canManage: boolean }) {
  const { t } = useTranslation();
  const [name, setName] = useState(pipeline.name);
  const [confirming, setConfirming] = useState(false);
  const [newStage, setNewStage] = useState("");
  const [deleting, setDeleting] = useState<Stage | null>(null);
  const stages = [...pipeline.stages].sort((a, b) => a.position - b.position);
  const rename = useSettingsMutation((next: string) => updatePipeline(pipeline.id, { name: next }));
  const remove = useSettingsMutation(() => deletePipeline(pipeline.id));
  const addStage = useSettingsMutation((stageName: string) =>
    createStage(pipeline.id, { name: stageName, probability: 0, kind: "open", rotting_days: null }),
  );
  const reorder = useSettingsMutation(({ stage, position }: { stage: Stage; position: number }) =>
    updateStage(pipeline.id, stage.id, { position }),
  );
  const headingId = `pipeline-${pipeline.id}`;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (name.trim() && name.trim() !== pipeline.name) rename.mutate(name.trim());
            }}
            style={{ flex: 1 }}
          >
            <Group align="flex-end">
              <TextInput
                label={t("pipelines.settings.rename")}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                disabled={!canManage}
                maxLength={100}
                style={{ flex: 1, maxWidth: 360 }}
              />
              {canManage && (
                <Button type="submit" variant="light" loading={rename.isPending} disabled={!name.trim() || name.trim() === pipeline.name}>
                  {t("settings.save")}
                </Button>
              )}
            </Group>
          </form>
          {canManage && (
            <Button color="red" variant="subtle" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)}>
              {t("pipelines.settings.delete")}
            </Button>
          )}
        </Group>
        <Title order={3} size="h5" id={headingId}>
          {t("pipelines.settings.stages", { name: pipeline.name })}
        </Title>
        <div style={{ overflowX: "auto" }}>
          <Table verticalSpacing="xs" aria-labelledby={headingId}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("pipelines.settings.stage.name")}</Table.Th>
                <Table.Th>{t("pipelines.settings.stage.color")}</Table.Th>
                <Table.Th>{t("pipelines.settings.stage.probability")}</Table.Th>
                <Table.Th>{t("pipelines.settings.stage.kind")}</Table.Th>
                <Table.Th>{t("pipelines.settings.stage.rottingDays")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stages.map((stage, index) => (
                <StageRow
                  key={`${stage.id}:${stage.name}:${stage.color}:${stage.probability}:${stage.kind}:${stage.rotting_days}`}
                  pipelineId={pipeline.id}
                  stage={stage}
                  canManage={canManage}
                  first={index === 0}
                  last={index === stages.length - 1}
                  onMove={(offset) => reorder.mutate({ stage, position: index + offset })}
                  onDelete={() => setDeleting(stage)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {canManage && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (newStage.trim()) addStage.mutate(newStage.trim(), { onSuccess: () => setNewStage("") });
            }}
          >
            <Group align="flex-end">
              <TextInput
                label={t("pipelines.settings.stage.newName")}
                value={newStage}
                onChange={(event) => setNewStage(event.currentTarget.value)}
                maxLength={100}
              />
              <Button type="submit" variant="light" loading={addStage.isPending} disabled={!newStage.trim()}>
                {t("pipelines.settings.stage.add")}
              </Button>
            </Group>
          </form>
        )}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("pipelines.settings.delete")}>
        <Stack>
          <Text>{t("pipelines.settings.deleteConfirm", { name: pipeline.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t("pipelines.settings.cancel")}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => setConfirming(false) })}>
              {t("pipelines.settings.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <DeleteStageModal pipelineId={pipeline.id} stage={deleting} stages={stages} onClose={() => setDeleting(null)} />
    </Paper>
  );
}

interface StageRowProps {
  pipelineId: string;
  stage: Stage;
  canManage: boolean;
  first: boolean;
  last: boolean;
  onMove: (offset: number) => void;
  onDelete: () => void;
}

function StageRow({ pipelineId, stage, canManage, first, last, onMove, onDelete }: StageRowProps) {
  const { t } = useTranslation();
  const [name, setName] = useState(stage.name);
  const [color, setColor] = useState(stage.color ?? "");
  const [probability, setProbability] = useState<string | number>(stage.probability);
  const [kind, setKind] = useState<StageKind>(stage.kind);
  const [rottingDays, setRottingDays] = useState<string | number>(stage.rotting_days ?? "");
  const save = useSettingsMutation((changes: StageInput) => updateStage(pipelineId, stage.id, changes));
  const changes: StageInput = {};
  if (name.trim() && name.trim() !== stage.name) changes.name = name.trim();
  if ((color || null) !== stage.color) changes.color = color || null;
  if (typeof probability === "number" && probability !== stage.probability) changes.probability = probability;
  if (kind !== stage.kind) changes.kind = kind;
  const rotting = typeof rottingDays === "number" ? rottingDays : null;
  if (rotting !== stage.rotting_days) changes.rotting_days = rotting;
  const dirty = Object.keys(changes).length > 0;
  const label = stage.name;

  return (
    <Table.Tr>
      <Table.Td miw={160}>
        <TextInput
          aria-label={t("pipelines.settings.stage.name")}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          disabled={!canManage}
          maxLength={100}
        />
      </Table.Td>
      <Table.Td miw={140}>
        <ColorInput
          aria-label={t("pipelines.settings.stage.color")}
          value={color}
          onChange={setColor}
          format="hex"
          disabled={!canManage}
          swatches={["#228be6", "#40c057", "#fab005", "#fd7e14", "#fa5252", "#7950f2", "#868e96"]}
        />
      </Table.Td>
      <Table.Td miw={110}>
        <NumberInput
          aria-label={t("pipelines.settings.stage.probability")}
          value={probability}
          onChange={setProbability}
          min={0}
          max={100}
          allowDecimal={false}
          disabled={!canManage}
        />
      </Table.Td>
      <Table.Td miw={120}>
        <Select
          aria-label={t("pipelines.settings.stage.kind")}
          data={KINDS.map((value) => ({ value, label: t(`pipelines.column.kind.${value}`) }))}
          value={kind}
          onChange={(next) => next && setKind(next as StageKind)}
          allowDeselect={false}
          disabled={!canManage}
        />
      </Table.Td>
      <Table.Td miw={110}>
        <NumberInput
          aria-label={t("pipelines.settings.stage.rottingDays")}
          placeholder={t("pipelines.settings.stage.rottingHint")}
          value={rottingDays}
          onChange={setRottingDays}
          min={1}
          allowDecimal={false}
          disabled={!canManage}
        />
      </Table.Td>
      <Table.Td>
        {canManage && (
          <Group gap={4} wrap="nowrap">
            <Button size="xs" variant="light" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate(changes)} aria-label={t("pipelines.settings.stage.save", { name: label })}>
              {t("settings.save")}
            </Button>
            <ActionIcon variant="subtle" disabled={first} onClick={() => onMove(-1)} aria-label={t("pipelines.settings.stage.up", { name: label })}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" disabled={last} onClick={() => onMove(1)} aria-label={t("pipelines.settings.stage.down", { name: label })}>
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" onClick={onDelete} aria-label={t("pipelines.settings.stage.delete", { name: label })}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function DeleteStageModal({
  pipelineId,
  stage,
  stages,
  onClose,
}: {
  pipelineId: string;
  stage: Stage | null;
  stages: Stage[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const others = stages.filter((item) => item.id !== stage?.id);
  const [target, setTarget] = useState<string | null>(null);
  const chosen = target && others.some((item) => item.id === target) ? target : (others[0]?.id ?? null);
  const remove = useSettingsMutation(() => deleteStage(pipelineId, stage!.id, chosen));
  return (
    <Modal opened={stage !== null} onClose={onClose} title={t("pipelines.settings.deleteStage.title", { name: stage?.name ?? "" })}>
      <Stack>
        <Text size="sm">{t("pipelines.settings.deleteStage.body")}</Text>
        <Select
          label={t("pipelines.settings.deleteStage.target")}
          data={others.map((item) => ({ value: item.id, label: item.name }))}
          value={chosen}
          onChange={setTarget}
          allowDeselect={false}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("pipelines.settings.cancel")}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: onClose })}>
            {t("pipelines.settings.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
