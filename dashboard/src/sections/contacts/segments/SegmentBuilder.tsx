// The segment builder: conditions over tags, fields, lifecycle, pipeline stage, last
// inbound, channel, consent, owner and creation, combined with and/or (one level of groups
// inside the top one), and the live count of the contacts it matches.
import {
  ActionIcon,
  Badge,
  Button,
  Group as Row,
  Menu,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ReactNode } from "react";
import {
  CHANNELS,
  CONVERSATION_CHANNELS,
  type ContactFilter,
  type CustomField,
  LIFECYCLE_STAGES,
  previewSegment,
} from "../crm";
import { contactKeys } from "../queries";
import {
  CONDITION_TYPES,
  type Condition,
  EVERYONE,
  FIELD_OPS,
  type Group,
  VALUELESS_OPS,
  isGroup,
  newCondition,
  updateAt,
} from "./filter";

export interface BuilderChoices {
  tags: { id: string; name: string }[];
  fields: CustomField[];
  users: { id: string; name: string }[];
  stages: { id: string; name: string }[];
}

interface Props {
  draft: Group;
  onChange: (draft: Group) => void;
  /** The complete part of the draft, debounced: what the count is asked for. */
  filter: ContactFilter | null;
  choices: BuilderChoices;
}

export function SegmentBuilder({ draft, onChange, filter, choices }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <GroupEditor
        group={draft}
        depth={0}
        choices={choices}
        onChange={(change) => onChange(change(draft))}
        path={[]}
      />
      <LiveCount filter={filter} />
      <Text size="xs" c="dimmed">
        {t("contacts.segments.incompleteHint")}
      </Text>
    </Stack>
  );
}

/** How many contacts the filter matches, asked again (debounced by the caller) as it changes. */
export function LiveCount({ filter }: { filter: ContactFilter | null }) {
  const { t, i18n } = useTranslation();
  const count = useQuery({
    queryKey: contactKeys.count(filter),
    queryFn: () => previewSegment(filter ?? EVERYONE),
    placeholderData: (previous) => previous,
  });
  return (
    <Text size="sm" fw={500} aria-live="polite" role="status" data-testid="segment-count">
      {count.isError
        ? t("contacts.segments.countFailed")
        : count.data?.count_timed_out || (count.data && count.data.count === null)
          ? t("contacts.segments.countTimedOut")
          : count.data && count.data.count !== null
          ? t("contacts.segments.count", {
              count: count.data.count,
              formatted: count.data.count.toLocaleString(i18n.language),
            })
          : t("contacts.segments.counting")}
    </Text>
  );
}

type GroupChange = (root: Group) => Group;

function GroupEditor({
  group,
  depth,
  choices,
  onChange,
  path,
}: {
  group: Group;
  depth: number;
  choices: BuilderChoices;
  onChange: (change: GroupChange) => void;
  path: number[];
}) {
  const { t } = useTranslation();
  const setGroup = (next: (group: Group) => Group) =>
    onChange((root) =>
      path.length === 0 ? next(root) : updateAt(root, path, (item) => next(item as Group)),
    );
  const add = (item: Condition | Group) =>
    setGroup((current) => ({ ...current, conditions: [...current.conditions, item] }));
  const label = depth === 0 ? t("contacts.segments.root") : t("contacts.segments.group");
  return (
    <Paper withBorder p="sm" radius="md" bg={depth ? "var(--mantine-color-default-hover)" : undefined}>
      <Stack gap="xs">
        <Row gap="xs" justify="space-between">
          <Row gap="xs">
            <Text size="sm">{t("contacts.segments.match")}</Text>
            <SegmentedControl
              size="xs"
              aria-label={t("contacts.segments.combine", { group: label })}
              value={group.type}
              onChange={(value) => setGroup((current) => ({ ...current, type: value as Group["type"] }))}
              data={[
                { value: "and", label: t("contacts.segments.and") },
                { value: "or", label: t("contacts.segments.or") },
              ]}
            />
          </Row>
          {depth > 0 && (
            <ActionIcon
              variant="subtle"
              color="red.9"
              aria-label={t("contacts.segments.removeGroup")}
              onClick={() => onChange((root) => updateAt(root, path, () => null))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Row>
        {group.conditions.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("contacts.segments.empty")}
          </Text>
        )}
        {group.conditions.map((item, index) =>
          isGroup(item) ? (
            <GroupEditor
              key={index}
              group={item}
              depth={depth + 1}
              choices={choices}
              onChange={onChange}
              path={[...path, index]}
            />
          ) : (
            <ConditionEditor
              key={index}
              number={index + 1}
              condition={item}
              choices={choices}
              onChange={(next) =>
                onChange((root) => updateAt(root, [...path, index], () => next))
              }
            />
          ),
        )}
        <Row gap="xs">
          <Menu withinPortal>
            <Menu.Target>
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} />}>
                {t("contacts.segments.addCondition")}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {CONDITION_TYPES.map((type) => (
                <Menu.Item key={type} onClick={() => add(newCondition(type))}>
                  {t(`contacts.segments.types.${type}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          {depth === 0 && (
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconPlus size={14} />}
              onClick={() => add({ type: group.type === "and" ? "or" : "and", conditions: [] })}
            >
              {t("contacts.segments.addGroup")}
            </Button>
          )}
        </Row>
      </Stack>
    </Paper>
  );
}

function ConditionEditor({
  number,
  condition,
  choices,
  onChange,
}: {
  number: number;
  condition: Condition;
  choices: BuilderChoices;
  onChange: (next: Condition | null) => void;
}) {
  const { t } = useTranslation();
  const name = t(`contacts.segments.types.${condition.type}`);
  const a11y = (what: string) => t("contacts.segments.part", { n: number, name, what });
  const op = (values: string[], value: string, set: (v: string) => void) => (
    <Select
      size="xs"
      w={150}
      aria-label={a11y(t("contacts.segments.operator"))}
      allowDeselect={false}
      value={value}
      onChange={(next) => next && set(next)}
      data={values.map((v) => ({ value: v, label: t(`contacts.segments.ops.${v}`) }))}
    />
  );
  const date = (value: string | undefined, set: (v: string) => void) => (
    <TextInput
      size="xs"
      type="date"
      aria-label={a11y(t("contacts.segments.date"))}
      value={value ? value.slice(0, 10) : ""}
      onChange={(event) => set(event.currentTarget.value)}
    />
  );
  let body: ReactNode;
  switch (condition.type) {
    case "tags":
      body = (
        <>
          {op(["any", "all", "none"], condition.op, (v) => onChange({ ...condition, op: v as "any" }))}
          <MultiSelect
            size="xs"
            miw={200}
            aria-label={a11y(t("contacts.segments.tags"))}
            placeholder={t("contacts.segments.pickTags")}
            data={choices.tags.map((tag) => ({ value: tag.id, label: tag.name }))}
            value={condition.tag_ids}
            onChange={(tag_ids) => onChange({ ...condition, tag_ids })}
            searchable
          />
        </>
      );
      break;
    case "field": {
      const field = choices.fields.find((item) => item.key === condition.key);
      body = (
        <>
          <Select
            size="xs"
            w={170}
            aria-label={a11y(t("contacts.segments.field"))}
            placeholder={t("contacts.segments.pickField")}
            data={choices.fields.map((item) => ({ value: item.key, label: item.label }))}
            value={condition.key || null}
            onChange={(key) => onChange({ ...condition, key: key ?? "", value: "" })}
            searchable
          />
          {op(FIELD_OPS, condition.op, (v) => onChange({ ...condition, op: v as "eq" }))}
          {!VALUELESS_OPS.includes(condition.op) &&
            (field && (field.kind === "select" || field.kind === "multi_select") ? (
              <Select
                size="xs"
                w={170}
                aria-label={a11y(t("contacts.segments.value"))}
                data={field.options ?? []}
                value={typeof condition.value === "string" ? condition.value : null}
                onChange={(value) => onChange({ ...condition, value: value ?? "" })}
              />
            ) : field?.kind === "boolean" ? (
              <Select
                size="xs"
                w={120}
                aria-label={a11y(t("contacts.segments.value"))}
                data={[
                  { value: "true", label: t("contacts.fields.yes") },
                  { value: "false", label: t("contacts.fields.no") },
                ]}
                value={condition.value === true ? "true" : condition.value === false ? "false" : null}
                onChange={(value) => onChange({ ...condition, value: value === "true" })}
              />
            ) : (
              <TextInput
                size="xs"
                w={170}
                type={field?.kind === "number" ? "number" : field?.kind === "date" ? "date" : "text"}
                aria-label={a11y(t("contacts.segments.value"))}
                value={condition.value === null || condition.value === undefined ? "" : String(condition.value)}
                onChange={(event) => {
                  const raw = event.currentTarget.value;
                  onChange({
                    ...condition,
                    value: field?.kind === "number" && raw !== "" ? Number(raw) : raw,
                  });
                }}
              />
            ))}
        </>
      );
      break;
    }
    case "lifecycle":
      body = (
        <>
          {op(["in", "not_in"], condition.op, (v) => onChange({ ...condition, op: v as "in" }))}
          <MultiSelect
            size="xs"
            miw={200}
            aria-label={a11y(t("contacts.segments.stages"))}
            data={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: t(`contacts.lifecycle.${stage}`) }))}
            value={condition.stages}
            onChange={(stages) => onChange({ ...condition, stages })}
          />
        </>
      );
      break;
    case "pipeline_stage":
      body = (
        <>
          {op(["in", "not_in"], condition.op, (v) => onChange({ ...condition, op: v as "in" }))}
          <MultiSelect
            size="xs"
            miw={200}
            aria-label={a11y(t("contacts.segments.stages"))}
            data={choices.stages.map((stage) => ({ value: stage.id, label: stage.name }))}
            value={condition.stage_ids}
            onChange={(stage_ids) => onChange({ ...condition, stage_ids })}
            searchable
          />
        </>
      );
      break;
    case "last_inbound":
      body = (
        <>
          {op(["before", "after", "never"], condition.op, (v) => onChange({ ...condition, op: v as "before" }))}
          {condition.op !== "never" && date(condition.at, (at) => onChange({ ...condition, at }))}
        </>
      );
      break;
    case "created":
      body = (
        <>
          {op(["before", "after"], condition.op, (v) => onChange({ ...condition, op: v as "before" }))}
          {date(condition.at, (at) => onChange({ ...condition, at }))}
        </>
      );
      break;
    case "channel":
      body = (
        <>
          {op(["has", "not_has"], condition.op, (v) => onChange({ ...condition, op: v as "has" }))}
          <ChannelSelect
            channels={CONVERSATION_CHANNELS}
            label={a11y(t("contacts.segments.channel"))}
            value={condition.channel}
            onChange={(channel) => onChange({ ...condition, channel })}
          />
        </>
      );
      break;
    case "consent":
      body = (
        <>
          <ChannelSelect
            channels={CHANNELS}
            label={a11y(t("contacts.segments.channel"))}
            value={condition.channel}
            onChange={(channel) => onChange({ ...condition, channel })}
          />
          {op(["opted_in", "opted_out", "unknown"], condition.status, (v) =>
            onChange({ ...condition, status: v as "opted_in" }),
          )}
        </>
      );
      break;
    case "owner":
      body = (
        <>
          {op(["is", "is_not", "none"], condition.op, (v) => onChange({ ...condition, op: v as "is" }))}
          {condition.op !== "none" && (
            <Select
              size="xs"
              w={200}
              aria-label={a11y(t("contacts.segments.owner"))}
              data={choices.users.map((user) => ({ value: user.id, label: user.name }))}
              value={condition.user_id || null}
              onChange={(user_id) => onChange({ ...condition, user_id: user_id ?? "" })}
              searchable
            />
          )}
        </>
      );
      break;
  }
  return (
    <Row gap="xs" wrap="wrap" align="center" role="group" aria-label={t("contacts.segments.condition", { n: number, name })}>
      <Badge variant="light" size="sm">
        {name}
      </Badge>
      {body}
      <ActionIcon
        variant="subtle"
        color="red.9"
        aria-label={t("contacts.segments.removeCondition", { n: number, name })}
        onClick={() => onChange(null)}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Row>
  );
}

function ChannelSelect({
  channels,
  label,
  value,
  onChange,
}: {
  channels: readonly string[];
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      size="xs"
      w={140}
      aria-label={label}
      allowDeselect={false}
      value={value}
      onChange={(next) => next && onChange(next)}
      data={channels.map((channel) => ({ value: channel, label: t(`contacts.channels.${channel}`) }))}
    />
  );
}
