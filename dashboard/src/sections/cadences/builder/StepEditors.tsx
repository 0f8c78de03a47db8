// Each kind of step's own editor: a message, a wait, a wait until a weekday and time, a
// branch on a condition (replied, read, or a crm filter built with the contacts' segment
// builder) with "go to step N / end" choices that offer only later steps.
import { Group, NumberInput, Radio, Select, Stack, Switch, Text, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { SegmentBuilder } from "../../contacts/segments/SegmentBuilder";
import { cleanFilter } from "../../contacts/segments/filter";
import { useCustomFields, useStages, useTags, useUsers } from "../../contacts/queries";
import {
  CONDITION_KINDS,
  type ConditionKind,
  type StepDraft,
  WAIT_UNITS,
  type WaitUnit,
  isLaterTarget,
  targetsAfter,
} from "../steps";
import { VariableButtons } from "../../campaigns/VariableButtons";
import { TemplateEditor } from "./TemplateEditor";
import { Weekdays } from "./Weekdays";

const FALLBACK_EXAMPLE = "{{first_name|cliente}}";

type Of<T extends StepDraft["type"]> = Extract<StepDraft, { type: T }>;

interface EditorProps<T extends StepDraft["type"]> {
  step: Of<T>;
  number: number;
  onChange: (step: Of<T>) => void;
  /** Message keys of what is missing here (shown after a save was tried). */
  problems: string[];
}

const problem = (problems: string[], key: string) => problems.includes(key);

interface SendProps extends EditorProps<"send"> {
  /** The cadence's number and channel: only WhatsApp sends Meta templates. */
  accountId: string | null;
  channel: string | null;
}

export function SendEditor({ step, number, onChange, problems, accountId, channel }: SendProps) {
  const { t } = useTranslation();
  const area = useRef<HTMLTextAreaElement>(null);
  const kinds = channel === "sms" && step.kind === "text" ? null : (
    <Radio.Group
      label={t("cadences.builder.messageKind")}
      value={step.kind}
      onChange={(kind) => onChange({ ...step, kind: kind as typeof step.kind })}
    >
      <Group gap="md" mt={4}>
        <Radio value="text" label={t("cadences.builder.messageKinds.text")} />
        <Radio value="template" label={t("cadences.builder.messageKinds.template")} disabled={channel === "sms"} />
      </Group>
    </Radio.Group>
  );
  if (step.kind === "template") {
    return (
      <Stack gap="xs">
        {kinds}
        <TemplateEditor step={step} accountId={accountId} onChange={onChange} problems={problems} />
      </Stack>
    );
  }
  return (
    <Stack gap="xs">
      {kinds}
      <Textarea
        ref={area}
        label={t("cadences.builder.body")}
        description={t("cadences.builder.bodyHint", { example: FALLBACK_EXAMPLE })}
        autosize
        minRows={3}
        maxLength={4096}
        value={step.body}
        onChange={(event) => onChange({ ...step, body: event.currentTarget.value })}
        error={problem(problems, "bodyRequired") ? t("cadences.builder.problems.bodyRequired") : undefined}
        data-step={number}
      />
      <VariableButtons text={step.body} area={area} onChange={(body) => onChange({ ...step, body })} />
      {channel === "whatsapp_cloud" && (
        <Text size="xs" c="dimmed">
          {t("cadences.builder.textWindow")}
        </Text>
      )}
    </Stack>
  );
}

export function WaitEditor({ step, onChange, problems }: EditorProps<"wait">) {
  const { t } = useTranslation();
  return (
    <Group align="flex-start" gap="sm">
      <NumberInput
        label={t("cadences.builder.amount")}
        min={1}
        max={100_000}
        allowDecimal={false}
        value={step.amount}
        onChange={(value) => onChange({ ...step, amount: value })}
        error={problem(problems, "amountInvalid") ? t("cadences.builder.problems.amountInvalid") : undefined}
        w={160}
      />
      <Select
        label={t("cadences.builder.unit")}
        data={WAIT_UNITS.map((unit) => ({ value: unit, label: t(`cadences.builder.units.${unit}`) }))}
        value={step.unit}
        onChange={(value) => value && onChange({ ...step, unit: value as WaitUnit })}
        allowDeselect={false}
        w={160}
      />
    </Group>
  );
}

export function WaitUntilEditor({ step, onChange, problems }: EditorProps<"wait_until">) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Weekdays
        label={t("cadences.builder.days")}
        value={step.days}
        onChange={(days) => onChange({ ...step, days })}
        error={problem(problems, "daysRequired") ? t("cadences.builder.problems.daysRequired") : undefined}
      />
      <TextInput
        type="time"
        label={t("cadences.builder.time")}
        value={step.time}
        onChange={(event) => onChange({ ...step, time: event.currentTarget.value })}
        error={problem(problems, "timeRequired") ? t("cadences.builder.problems.timeRequired") : undefined}
        w={160}
      />
      <Switch
        label={t("cadences.builder.perContact")}
        checked={step.perContact}
        onChange={(event) => onChange({ ...step, perContact: event.currentTarget.checked })}
      />
    </Stack>
  );
}

interface BranchProps extends EditorProps<"branch"> {
  steps: StepDraft[];
  index: number;
}

export function BranchEditor({ step, steps, index, onChange, problems }: BranchProps) {
  const { t } = useTranslation();
  const targets = targetsAfter(steps, index).map((target) => ({
    value: target.value,
    label: target.step === null ? t("cadences.builder.end") : t("cadences.builder.goTo", { number: target.step + 1 }),
  }));
  // A step moved above the branch is no longer offered: the choice shows empty, and why.
  const shown = (target: string) => (isLaterTarget(steps, index, target) ? target : null);
  return (
    <Stack gap="sm">
      <Select
        label={t("cadences.builder.condition")}
        data={CONDITION_KINDS.map((kind) => ({ value: kind, label: t(`cadences.builder.conditions.${kind}`) }))}
        value={step.kind}
        onChange={(value) => value && onChange({ ...step, kind: value as ConditionKind })}
        allowDeselect={false}
        maw={360}
      />
      {step.kind === "filter" && (
        <BranchFilter step={step} onChange={onChange} missing={problem(problems, "filterRequired")} />
      )}
      <Group align="flex-start" gap="sm" grow>
        <Select
          label={t("cadences.builder.then")}
          data={targets}
          value={shown(step.then)}
          onChange={(value) => value && onChange({ ...step, then: value })}
          allowDeselect={false}
          error={problem(problems, "thenEarlier") ? t("cadences.builder.problems.thenEarlier") : undefined}
        />
        <Select
          label={t("cadences.builder.otherwise")}
          data={targets}
          value={shown(step.otherwise)}
          onChange={(value) => value && onChange({ ...step, otherwise: value })}
          allowDeselect={false}
          error={problem(problems, "elseEarlier") ? t("cadences.builder.problems.elseEarlier") : undefined}
        />
      </Group>
    </Stack>
  );
}

function BranchFilter({
  step,
  onChange,
  missing,
}: {
  step: Of<"branch">;
  onChange: (step: Of<"branch">) => void;
  missing: boolean;
}) {
  const { t } = useTranslation();
  const tags = useTags();
  const fields = useCustomFields();
  const users = useUsers();
  const stages = useStages();
  const [debounced] = useDebouncedValue(step.filter, 400);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("cadences.builder.filterTitle")}
      </Text>
      <SegmentBuilder
        draft={step.filter}
        onChange={(filter) => onChange({ ...step, filter })}
        filter={cleanFilter(debounced)}
        choices={{
          tags: tags.data ?? [],
          fields: fields.data ?? [],
          users: users.data ?? [],
          stages: stages.data ?? [],
        }}
      />
      {missing && (
        <Text size="sm" c="red.8">
          {t("cadences.builder.problems.filterRequired")}
        </Text>
      )}
    </Stack>
  );
}
