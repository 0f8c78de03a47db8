// The cadence's settings beside its steps: the number it sends from (as the campaign form
// picks one) and the triggers that enroll contacts by themselves.
import { ActionIcon, Alert, Autocomplete, Button, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type ChannelAccount, listAccounts } from "../../../api/channels";
import { listTags } from "../../contacts/crm";
import { contactKeys, useStages } from "../../contacts/queries";
import { channelKeys } from "../../connections/queries";
import { type CadenceDraft, TRIGGER_EVENTS, type TriggerDraft, type TriggerEvent, newTrigger } from "./draft";

export type Change = (change: Partial<CadenceDraft>) => void;

/** Active WhatsApp Cloud and SMS numbers: the channels a cadence sends on. */
export function useSendingAccounts() {
  const accounts = useQuery({ queryKey: channelKeys.accounts, queryFn: listAccounts });
  const usable = (accounts.data ?? []).filter(
    (account) => account.status === "active" && (account.channel === "whatsapp_cloud" || account.channel === "sms"),
  );
  return { accounts, usable };
}

export function AccountSelect({
  draft,
  onChange,
  locked,
  error,
}: {
  draft: CadenceDraft;
  onChange: Change;
  locked: boolean;
  error?: string;
}) {
  const { t } = useTranslation();
  const { accounts, usable } = useSendingAccounts();
  const label = (account: Pick<ChannelAccount, "id" | "display_name" | "phone_number" | "channel">) =>
    `${account.display_name || account.phone_number || account.id} · ${t(`cadences.channel.${account.channel}`, {
      defaultValue: account.channel,
    })}`;
  const data = usable.map((account) => ({ value: account.id, label: label(account) }));
  // The number a saved cadence was made with, even if it is no longer active.
  const own = (accounts.data ?? []).find((account) => account.id === draft.accountId);
  if (own && !data.some((item) => item.value === own.id)) data.push({ value: own.id, label: label(own) });
  return (
    <Stack gap={4}>
      <Select
        label={t("cadences.builder.account")}
        description={locked ? t("cadences.builder.accountLocked") : t("cadences.builder.accountHint")}
        data={data}
        value={draft.accountId}
        disabled={locked}
        onChange={(value) => {
          const account = usable.find((candidate) => candidate.id === value);
          onChange({ accountId: value, channel: (account?.channel as CadenceDraft["channel"]) ?? null });
        }}
        error={error}
        required={!locked}
      />
      {accounts.isError && (
        <Text size="sm" c="red.8">
          {t("cadences.builder.accountsFailed")}
        </Text>
      )}
      {accounts.isSuccess && usable.length === 0 && !locked && (
        <Alert color="yellow">{t("cadences.builder.noAccounts")}</Alert>
      )}
    </Stack>
  );
}

export function TriggersEditor({
  draft,
  onChange,
  problems,
}: {
  draft: CadenceDraft;
  onChange: Change;
  problems: Record<string, string>;
}) {
  const { t } = useTranslation();
  const replace = (key: string, change: Partial<TriggerDraft>) =>
    onChange({ triggers: draft.triggers.map((trigger) => (trigger.key === key ? { ...trigger, ...change } : trigger)) });
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="cadence-triggers">
      <Title order={3} size="h5" id="cadence-triggers">
        {t("cadences.builder.triggersTitle")}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t("cadences.builder.triggersHint")}
      </Text>
      <Stack gap="xs">
        {draft.triggers.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("cadences.builder.noTriggers")}
          </Text>
        )}
        {draft.triggers.map((trigger, index) => (
          <TriggerRow
            key={trigger.key}
            trigger={trigger}
            number={index + 1}
            problem={problems[trigger.key]}
            onChange={(change) => replace(trigger.key, change)}
            onRemove={() => onChange({ triggers: draft.triggers.filter((other) => other.key !== trigger.key) })}
          />
        ))}
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          style={{ alignSelf: "flex-start" }}
          disabled={draft.triggers.length >= 10}
          onClick={() => onChange({ triggers: [...draft.triggers, newTrigger()] })}
        >
          {t("cadences.builder.addTrigger")}
        </Button>
      </Stack>
    </Paper>
  );
}

function TriggerRow({
  trigger,
  number,
  problem,
  onChange,
  onRemove,
}: {
  trigger: TriggerDraft;
  number: number;
  problem?: string;
  onChange: (change: Partial<TriggerDraft>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const error = problem ? t(`cadences.builder.${problem}`) : undefined;
  return (
    <Group align="flex-end" gap="xs" wrap="wrap">
      <Select
        label={t("cadences.builder.trigger", { number })}
        data={TRIGGER_EVENTS.map((event) => ({ value: event, label: t(`cadences.builder.events.${event}`) }))}
        value={trigger.event}
        onChange={(value) => value && onChange({ event: value as TriggerEvent })}
        allowDeselect={false}
        w={260}
      />
      {trigger.event === "tag_added" && (
        <TagInput value={trigger.tag} onChange={(tag) => onChange({ tag })} error={error} />
      )}
      {trigger.event === "lead_entered_stage" && (
        <StageSelect value={trigger.stageId} onChange={(stageId) => onChange({ stageId })} error={error} />
      )}
      <ActionIcon
        variant="subtle"
        color="red.9"
        size="lg"
        aria-label={t("cadences.builder.removeTrigger", { number })}
        onClick={onRemove}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** A tag by its name (what the trigger matches), the company's tags offered. */
function TagInput({ value, onChange, error }: { value: string; onChange: (tag: string) => void; error?: string }) {
  const { t } = useTranslation();
  const tags = useQuery({ queryKey: contactKeys.tags, queryFn: listTags });
  return (
    <Autocomplete
      label={t("cadences.builder.tag")}
      data={[...new Set((tags.data ?? []).map((tag) => tag.name))]}
      value={value}
      onChange={onChange}
      maxLength={100}
      error={error}
      w={220}
    />
  );
}

function StageSelect({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (stageId: string | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const stages = useStages();
  return (
    <Select
      label={t("cadences.builder.stage")}
      data={(stages.data ?? []).map((stage) => ({ value: stage.id, label: stage.name }))}
      value={value}
      onChange={onChange}
      searchable
      error={error}
      w={280}
    />
  );
}
