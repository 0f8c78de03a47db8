// The contact's leads, from the conversation's header: each lead's stage to change at once,
// a link to it on the board, and a new lead for this contact and conversation.
import { Anchor, Badge, Button, Group, Popover, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLayoutKanban } from "@tabler/icons-react";
import { type UseQueryResult, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Lead, type Page, type Pipeline, amount, createLead, listLeads, listPipelines, moveLead } from "../pipelines/api";
import { pipelineKeys } from "../pipelines/keys";
import { formatMoney, refetchColumns } from "../pipelines/queries";
import { describeProblem } from "../team/problem";

interface ContactLeadsProps {
  contactId: string;
  conversationId: string;
}

export function ContactLeads({ contactId, conversationId }: ContactLeadsProps) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const leads = useQuery({
    queryKey: pipelineKeys.contactLeads(contactId),
    queryFn: () => listLeads({ contact_id: contactId, limit: 20 }),
  });
  const count = leads.data?.items.length ?? 0;
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} withinPortal trapFocus hideDetached={false}>
      <Popover.Target>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconLayoutKanban size={14} />}
          onClick={() => setOpened((open) => !open)}
          aria-expanded={opened}
        >
          {t("pipelines.inbox.title")}
          {count > 0 && (
            <Badge ml={6} size="xs" circle>
              {count}
            </Badge>
          )}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        {opened && <LeadsPanel contactId={contactId} conversationId={conversationId} leads={leads} />}
      </Popover.Dropdown>
    </Popover>
  );
}

function LeadsPanel({
  contactId,
  conversationId,
  leads,
}: ContactLeadsProps & { leads: UseQueryResult<Page<Lead>> }) {
  const { t } = useTranslation();
  const pipelines = useQuery({ queryKey: pipelineKeys.list, queryFn: listPipelines });
  const [adding, setAdding] = useState(false);
  return (
    <Stack gap="sm">
      <Text fw={600} size="sm">
        {t("pipelines.inbox.title")}
      </Text>
      {leads.isError ? (
        <Text size="sm" c="red">
          {t("pipelines.inbox.loadFailed")}
        </Text>
      ) : leads.data && leads.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("pipelines.inbox.none")}
        </Text>
      ) : (
        leads.data?.items.map((lead) => (
          <LeadRow key={lead.id} lead={lead} pipeline={pipelines.data?.items.find((item) => item.id === lead.pipeline_id)} />
        ))
      )}
      {adding ? (
        <NewLead
          contactId={contactId}
          conversationId={conversationId}
          pipelines={pipelines.data?.items ?? []}
          onDone={() => setAdding(false)}
        />
      ) : (
        (pipelines.data?.items.length ?? 0) > 0 && (
          <Button size="xs" variant="light" onClick={() => setAdding(true)}>
            {t("pipelines.inbox.add")}
          </Button>
        )
      )}
    </Stack>
  );
}

function LeadRow({ lead, pipeline }: { lead: Lead; pipeline: Pipeline | undefined }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (stageId: string) => moveLead(lead.id, { stage_id: stageId, expected_version: lead.version }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.contactLeads(lead.contact_id) });
      refetchColumns(queryClient, lead.pipeline_id, [lead.stage_id, saved.stage_id]);
      notifications.show({ color: "brand", message: t("pipelines.inbox.moved") });
    },
    onError: (error) =>
      notifications.show({ color: "red", message: describeProblem(error, t("pipelines.drawer.saveFailed")) }),
  });
  const stages = [...(pipeline?.stages ?? [])].sort((a, b) => a.position - b.position);
  return (
    <Stack gap={4} p="xs" style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: 6 }}>
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Anchor component={Link} to={`/pipelines/${lead.pipeline_id}?lead=${lead.id}`} size="sm" fw={600} aria-label={t("pipelines.inbox.openBoard", { title: lead.title })}>
          {lead.title}
        </Anchor>
        <Text size="xs" c="dimmed">
          {formatMoney(amount(lead.value), lead.currency, i18n.language)}
        </Text>
      </Group>
      <Select
        size="xs"
        aria-label={t("pipelines.inbox.stage", { title: lead.title })}
        data={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
        value={lead.stage_id}
        onChange={(next) => next && next !== lead.stage_id && change.mutate(next)}
        allowDeselect={false}
        disabled={change.isPending || stages.length === 0}
        comboboxProps={{ withinPortal: false, hideDetached: false }}
      />
    </Stack>
  );
}

function NewLead({
  contactId,
  conversationId,
  pipelines,
  onDone,
}: ContactLeadsProps & { pipelines: Pipeline[]; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [pipelineId, setPipelineId] = useState<string | null>(pipelines[0]?.id ?? null);
  const create = useMutation({
    mutationFn: () =>
      createLead({ pipeline_id: pipelineId!, title: title.trim(), contact_id: contactId, conversation_id: conversationId }),
    onSuccess: (lead) => {
      void queryClient.invalidateQueries({ queryKey: pipelineKeys.contactLeads(contactId) });
      refetchColumns(queryClient, lead.pipeline_id, [lead.stage_id]);
      notifications.show({ color: "brand", message: t("pipelines.inbox.created") });
      onDone();
    },
    onError: (error) =>
      notifications.show({ color: "red", message: describeProblem(error, t("pipelines.inbox.createFailed")) }),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (title.trim() && pipelineId) create.mutate();
      }}
    >
      <Stack gap="xs">
        <TextInput size="xs" label={t("pipelines.inbox.newTitle")} value={title} onChange={(event) => setTitle(event.currentTarget.value)} maxLength={200} data-autofocus />
        <Select
          size="xs"
          label={t("pipelines.inbox.pipeline")}
          data={pipelines.map((item) => ({ value: item.id, label: item.name }))}
          value={pipelineId}
          onChange={setPipelineId}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false, hideDetached: false }}
        />
        <Group justify="flex-end" gap="xs">
          <Button size="xs" variant="default" onClick={onDone}>
            {t("pipelines.inbox.cancel")}
          </Button>
          <Button size="xs" type="submit" loading={create.isPending} disabled={!title.trim() || !pipelineId}>
            {t("pipelines.inbox.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
