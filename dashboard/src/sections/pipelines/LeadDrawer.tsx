// A lead's drawer (full screen on a phone): its details to edit (title, value, owner,
// stage, expected close, lost reason, tags, custom fields — the contacts' fields, with the
// contact page's inputs), its contact and conversation, its stage history.
import {
  Alert,
  Anchor,
  Button,
  Divider,
  Drawer,
  Group,
  MultiSelect,
 
  Select,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Textarea,
  Timeline,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconMessage, IconUser } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../api/client";
import { type FieldValue } from "../contacts/crm";
import { fieldErrors, localProblem } from "../contacts/detail/FieldsCard";
import { FieldInput } from "../contacts/detail/FieldInput";
import { useCustomFields } from "../contacts/queries";
import { describeProblem } from "../team/problem";
import { type LeadChanges, type LeadDetail, type Stage, getLead, leadHistory, moveLead, updateLead } from "./api";
import { pipelineKeys, refetchColumns, storeLead } from "./queries";
import { usePeople, useTags } from "./people";
import { MoneyInput } from "./MoneyInput";

type Values = Record<string, FieldValue>;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

interface LeadDrawerProps {
  leadId: string | null;
  stages: Stage[];
  onClose: () => void;
}

export function LeadDrawer({ leadId, stages, onClose }: LeadDrawerProps) {
  const { t } = useTranslation();
  const phone = useMediaQuery("(max-width: 48em)");
  const lead = useQuery({
    queryKey: pipelineKeys.lead(leadId ?? ""),
    queryFn: () => getLead(leadId!),
    enabled: Boolean(leadId),
  });
  return (
    <Drawer
      opened={Boolean(leadId)}
      onClose={onClose}
      position="right"
      size={phone ? "100%" : "md"}
      title={lead.data?.title ?? t("pipelines.drawer.title")}
      closeButtonProps={{ "aria-label": t("pipelines.drawer.close") }}
    >
      {lead.isPending ? (
        <Stack gap="sm" aria-busy="true">
          <Skeleton h={36} />
          <Skeleton h={36} />
          <Skeleton h={36} />
        </Stack>
      ) : lead.isError ? (
        <Alert color="red">{describeProblem(lead.error, t("pipelines.drawer.loadFailed"))}</Alert>
      ) : (
        <LeadDetails key={`${lead.data.id}:${lead.data.version}`} lead={lead.data} stages={stages} />
      )}
    </Drawer>
  );
}

function LeadDetails({ lead, stages }: { lead: LeadDetail; stages: Stage[] }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { people, nameOf } = usePeople();
  const [title, setTitle] = useState(lead.title);
  const [value, setValue] = useState<string | number>(Number(lead.value));
  const [owner, setOwner] = useState<string | null>(lead.owner_user_id);
  const [stageId, setStageId] = useState<string>(lead.stage_id);
  const [expectedClose, setExpectedClose] = useState(lead.expected_close_on ?? "");
  const [lostReason, setLostReason] = useState(lead.lost_reason ?? "");
  const [tagIds, setTagIds] = useState<string[]>(lead.tags.map((tag) => tag.id));
  const [values, setValues] = useState<Values>((lead.fields ?? {}) as Values);
  const [fieldProblems, setFieldProblems] = useState<Record<string, string>>({});
  const allTags = useTags();
  const customFields = useCustomFields();
  const tagChoices = [
    ...lead.tags,
    ...(allTags.data ?? []).filter((tag) => !lead.tags.some((held) => held.id === tag.id)),
  ].map((tag) => ({ value: tag.id, label: tag.name }));
  const stage = stages.find((item) => item.id === stageId);
  const history = useQuery({ queryKey: pipelineKeys.history(lead.id), queryFn: () => leadHistory(lead.id) });

  const save = useMutation({
    // The fields first (naming the version seen), then the stage: a move is its own request.
    mutationFn: async ({ changes, stage: target }: { changes: LeadChanges; stage: string | null }) => {
      let saved: LeadDetail = lead;
      if (Object.keys(changes).length > 0) {
        saved = await updateLead(lead.id, { ...changes, expected_version: saved.version });
      }
      if (target) {
        saved = await moveLead(lead.id, {
          stage_id: target,
          expected_version: saved.version,
          lost_reason: stages.find((item) => item.id === target)?.kind === "lost" ? lostReason.trim() || null : null,
        });
      }
      return saved;
    },
    onSuccess: (saved) => {
      storeLead(queryClient, saved);
      refetchColumns(queryClient, lead.pipeline_id, [lead.stage_id, saved.stage_id]);
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.history(lead.id) });
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.contactLeads(lead.contact_id) });
      notifications.show({ color: "brand", message: t("pipelines.drawer.saved") });
    },
    onError: (error) => {
      setFieldProblems(fieldErrors(error));
      const stale = error instanceof ApiError && error.status === 409;
      notifications.show({
        color: "red",
        title: t("pipelines.drawer.saveFailed"),
        message: stale
          ? t("pipelines.drawer.stale")
          : describeProblem(error instanceof ApiError ? error.problem : error, t("pipelines.drawer.saveFailed")),
      });
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.lead(lead.id) });
    },
  });

  const lostNeedsReason = stage?.kind === "lost" && stageId !== lead.stage_id && !lostReason.trim() && !lead.lost_reason;
  const submit = () => {
    if (!title.trim() || lostNeedsReason) return;
    const changes: LeadChanges = {};
    if (title.trim() !== lead.title) changes.title = title.trim();
    const nextValue = value === "" ? "0" : String(value);
    if (Number(nextValue) !== Number(lead.value)) changes.value = nextValue;
    if (owner !== lead.owner_user_id) changes.owner_user_id = owner;
    if ((expectedClose || null) !== lead.expected_close_on) changes.expected_close_on = expectedClose || null;
    const movingToLost = stage?.kind === "lost" && stageId !== lead.stage_id;
    if (!movingToLost && (lostReason.trim() || null) !== lead.lost_reason) changes.lost_reason = lostReason.trim() || null;
    const held = lead.tags.map((tag) => tag.id);
    if (tagIds.length !== held.length || tagIds.some((id) => !held.includes(id))) changes.tag_ids = tagIds;
    const changedFields = (customFields.data ?? []).filter((field) => !same(values[field.key], lead.fields?.[field.key]));
    const local: Record<string, string> = {};
    for (const field of changedFields) {
      const problem = localProblem(field, values[field.key], t);
      if (problem) local[field.key] = problem;
    }
    setFieldProblems(local);
    if (Object.keys(local).length) return;
    if (changedFields.length) {
      changes.fields = Object.fromEntries(changedFields.map((field) => [field.key, values[field.key] ?? null]));
    }
    const target = stageId !== lead.stage_id ? stageId : null;
    if (Object.keys(changes).length === 0 && !target) return;
    save.mutate({ changes, stage: target });
  };

  const stageLabel = (id: string | null) => stages.find((item) => item.id === id)?.name ?? "—";

  return (
    <Stack gap="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t("pipelines.drawer.leadTitle")}
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={title.trim() ? undefined : t("pipelines.drawer.titleRequired")}
            maxLength={200}
            required
          />
          <Group grow align="flex-start">
            <MoneyInput label={t("pipelines.drawer.value")} value={value} onChange={setValue} />
            <TextInput label={t("pipelines.drawer.currency")} value={lead.currency ?? ""} readOnly />
          </Group>
          <Select
            label={t("pipelines.drawer.owner")}
            data={people.map((person) => ({ value: person.id, label: person.name }))}
            value={owner}
            onChange={setOwner}
            placeholder={owner ? (nameOf(owner) ?? undefined) : t("pipelines.card.unassigned")}
            clearable
            searchable
          />
          <Select
            label={t("pipelines.drawer.stage")}
            data={stages.map((item) => ({ value: item.id, label: item.name }))}
            value={stageId}
            onChange={(next) => next && setStageId(next)}
            allowDeselect={false}
          />
          <TextInput
            type="date"
            label={t("pipelines.drawer.expectedClose")}
            value={expectedClose}
            onChange={(event) => setExpectedClose(event.currentTarget.value)}
          />
          {(stage?.kind === "lost" || lead.lost_reason) && (
            <Textarea
              label={t("pipelines.drawer.lostReason")}
              description={t("pipelines.drawer.lostReasonHint")}
              error={lostNeedsReason ? t("pipelines.drawer.lostReasonRequired") : undefined}
              value={lostReason}
              onChange={(event) => setLostReason(event.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={500}
            />
          )}
          <MultiSelect
            label={t("pipelines.drawer.tags")}
            placeholder={tagIds.length ? undefined : t("pipelines.drawer.tagsPlaceholder")}
            data={tagChoices}
            value={tagIds}
            onChange={setTagIds}
            searchable
            clearable
          />
          {(customFields.data?.length ?? 0) > 0 && (
            <Stack gap="xs" component="fieldset" m={0} p={0} style={{ border: 0 }}>
              <Text component="legend" fw={600} size="sm" p={0}>
                {t("pipelines.drawer.fields")}
              </Text>
              {customFields.data!.map((field) => (
                <FieldInput
                  key={field.id}
                  field={field}
                  value={values[field.key]}
                  error={fieldProblems[field.key]}
                  onChange={(next) => setValues((current) => ({ ...current, [field.key]: next }))}
                />
              ))}
            </Stack>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!title.trim() || lostNeedsReason}>
              {t("pipelines.drawer.save")}
            </Button>
          </Group>
        </Stack>
      </form>
      <Divider />
      <Stack gap={6}>
        <Text fw={600} size="sm">
          {t("pipelines.drawer.contact")}
        </Text>
        {lead.contact ? (
          <Anchor component={Link} to={`/contacts/${lead.contact_id}`} size="sm">
            <Group gap={4} component="span">
              <IconUser size={14} aria-hidden />
              {lead.contact?.name || lead.contact?.phone || t("pipelines.drawer.openContact")}
            </Group>
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            {t("pipelines.card.noContact")}
          </Text>
        )}
        {lead.conversation_id ? (
          <Button
            component={Link}
            to={`/inbox?conversation=${lead.conversation_id}`}
            variant="light"
            leftSection={<IconMessage size={16} />}
            style={{ alignSelf: "flex-start" }}
          >
            {t("pipelines.drawer.openConversation")}
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            {t("pipelines.drawer.noConversation")}
          </Text>
        )}
      </Stack>
      <Divider />
      <Stack gap={6}>
        <Text fw={600} size="sm">
          {t("pipelines.drawer.history")}
        </Text>
        {history.isPending ? (
          <Skeleton h={40} />
        ) : history.isError || history.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("pipelines.drawer.noHistory")}
          </Text>
        ) : (
          <Timeline bulletSize={12} lineWidth={2}>
            {history.data.items.map((change) => (
              <Timeline.Item
                key={change.id}
                title={
                  change.from_stage_id
                    ? t("pipelines.drawer.historyEntry", { from: stageLabel(change.from_stage_id), to: stageLabel(change.to_stage_id) })
                    : t("pipelines.drawer.created", { to: stageLabel(change.to_stage_id) })
                }
              >
                <Text size="xs" c="dimmed">
                  {new Date(change.at).toLocaleString(i18n.language)} ·{" "}
                  {change.actor_user_id
                    ? t("pipelines.drawer.by", { who: nameOf(change.actor_user_id) })
                    : t("pipelines.drawer.byPlatform")}
                  {typeof change.confidence === "number" &&
                    ` · ${t("pipelines.drawer.confidence", { percent: Math.round(change.confidence * 100) })}`}
                </Text>
                {change.reason && <Text size="xs">{t("pipelines.drawer.reason", { reason: change.reason })}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Stack>
  );
}
