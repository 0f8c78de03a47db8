// The cadence's steps as a vertical list: each in its own card with its editor, moved up or
// down, removed, and added at the end; what is wrong with a step (ours after a save was
// tried, the API's after it refused) shows in that step's card.
import { ActionIcon, Alert, Button, Group, List, Menu, Paper, Stack, Text, Title } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { STEP_TYPES, type StepDraft, moveStep, newStep, removeStep } from "../steps";
import { BranchEditor, SendEditor, WaitEditor, WaitUntilEditor } from "./StepEditors";

interface StepListProps {
  steps: StepDraft[];
  onChange: (steps: StepDraft[]) => void;
  /** Our own checks, by step index (message keys), shown once a save was tried. */
  problems: Map<number, string[]>;
  /** The API's words, by step index. */
  serverProblems: Map<number, string[]>;
  accountId: string | null;
  channel: string | null;
}

export function StepList({ steps, onChange, problems, serverProblems, accountId, channel }: StepListProps) {
  const { t } = useTranslation();
  const replace = (index: number, step: StepDraft) => onChange(steps.map((old, i) => (i === index ? step : old)));
  return (
    <Stack gap="sm" component="section" aria-labelledby="cadence-steps">
      <div>
        <Title order={3} size="h4" id="cadence-steps">
          {t("cadences.builder.stepsTitle")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("cadences.builder.stepsHint")}
        </Text>
      </div>
      {problems.get(-1)?.map((key) => (
        <Text key={key} size="sm" c="red.8" role="alert">
          {t(`cadences.builder.problems.${key}`)}
        </Text>
      ))}
      {steps.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("cadences.builder.noSteps")}
        </Text>
      ) : (
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
          {steps.map((step, index) => (
            <StepCard
              key={step.key}
              step={step}
              index={index}
              steps={steps}
              last={index === steps.length - 1}
              onChange={(next) => replace(index, next)}
              onMove={(delta) => onChange(moveStep(steps, index, delta))}
              onRemove={() => onChange(removeStep(steps, index))}
              problems={problems.get(index) ?? []}
              serverProblems={serverProblems.get(index) ?? []}
              accountId={accountId}
              channel={channel}
            />
          ))}
        </Stack>
      )}
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button variant="light" leftSection={<IconPlus size={16} />} style={{ alignSelf: "flex-start" }}>
            {t("cadences.builder.addStep")}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {STEP_TYPES.map((type) => (
            <Menu.Item key={type} onClick={() => onChange([...steps, newStep(type)])}>
              {t(`cadences.builder.add.${type}`)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}

interface StepCardProps {
  step: StepDraft;
  index: number;
  steps: StepDraft[];
  last: boolean;
  onChange: (step: StepDraft) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
  problems: string[];
  serverProblems: string[];
  accountId: string | null;
  channel: string | null;
}

function StepCard(props: StepCardProps) {
  const { step, index, steps, last, onChange, onMove, onRemove, problems, serverProblems, accountId, channel } = props;
  const { t } = useTranslation();
  const number = index + 1;
  const label = t("cadences.builder.stepLabel", { number, kind: t(`cadences.builder.kind.${step.type}`) });
  const headingId = `cadence-step-${step.key}`;
  return (
    <Paper component="li" withBorder p="sm" aria-labelledby={headingId} data-step-index={index}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Title order={4} size="h5" id={headingId}>
          {label}
        </Title>
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            variant="subtle"
            aria-label={t("cadences.builder.moveUp", { number })}
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            <IconArrowUp size={16} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={t("cadences.builder.moveDown", { number })}
            disabled={last}
            onClick={() => onMove(1)}
          >
            <IconArrowDown size={16} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red.9" aria-label={t("cadences.builder.remove", { number })} onClick={onRemove}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      </Group>
      {serverProblems.length > 0 && (
        <Alert color="red" mb="xs" title={t("cadences.builder.stepProblems", { number })} role="alert">
          <List size="sm">
            {serverProblems.map((text) => (
              <List.Item key={text}>{text}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {step.type === "send" ? (
        <SendEditor
          step={step}
          number={number}
          onChange={onChange}
          problems={problems}
          accountId={accountId}
          channel={channel}
        />
      ) : step.type === "wait" ? (
        <WaitEditor step={step} number={number} onChange={onChange} problems={problems} />
      ) : step.type === "wait_until" ? (
        <WaitUntilEditor step={step} number={number} onChange={onChange} problems={problems} />
      ) : (
        <BranchEditor step={step} number={number} steps={steps} index={index} onChange={onChange} problems={problems} />
      )}
    </Paper>
  );
}
