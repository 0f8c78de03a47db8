// A cadence (/cadences/:id): its status with the moves it allows, how many people are in each
// state, its steps with how many active people are at each, its triggers and options, the
// enroll dialog, and the people in it.
import { Alert, Anchor, Badge, Button, Card, Group, List, SimpleGrid, Skeleton, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { type Cadence, ENROLLMENT_STATES, getCadence } from "../../api/cadencesApi";
import { ApiError, problemMessage } from "../../api/client";
import { StatusBadge } from "./StatusBadge";
import { Actions } from "./detail/Actions";
import { Enrollments } from "./detail/Enrollments";
import { cadenceKeys, countOf } from "./queries";
import { fromWire } from "./steps";
import { describeStep } from "./summary";
import { weekdayList } from "./weekdays";

export default function CadencePage() {
  const { t } = useTranslation();
  const { cadenceId = "" } = useParams();
  const [step, setStep] = useState<number | null>(null);
  const query = useQuery({ queryKey: cadenceKeys.detail(cadenceId), queryFn: () => getCadence(cadenceId) });
  const cadence = query.data;

  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Stack gap="md">
        <BackLink />
        <Alert color="red" title={t(missing ? "cadences.builder.notFound" : "cadences.builder.loadFailed")}>
          {!missing && (
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{problemMessage((query.error as ApiError).problem, "")}</Text>
              <Button size="xs" variant="light" onClick={() => void query.refetch()}>
                {t("cadences.retry")}
              </Button>
            </Stack>
          )}
        </Alert>
      </Stack>
    );
  }
  if (!cadence) {
    return (
      <Stack gap="md" role="status" aria-label={t("app.loading")}>
        <Skeleton height={32} width="40%" />
        <Skeleton height={120} />
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{cadence.name}</Title>
            <StatusBadge status={cadence.status} />
          </Group>
          <Text size="sm" c="dimmed">
            {t("cadences.detail.channelLine", {
              channel: t(`cadences.channel.${cadence.channel}`, { defaultValue: cadence.channel }),
              timeZone: cadence.time_zone,
            })}
          </Text>
          {cadence.status === "draft" && <Text size="sm">{t("cadences.detail.draftHint")}</Text>}
          {cadence.status === "paused" && <Text size="sm">{t("cadences.detail.pausedHint")}</Text>}
        </Stack>
        <Actions cadence={cadence} />
      </Group>

      <Counts cadence={cadence} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <StepsSummary cadence={cadence} onShowStep={setStep} />
        <Options cadence={cadence} />
      </SimpleGrid>
      <Enrollments cadence={cadence} step={step} onStepChange={setStep} />
    </Stack>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/cadences" size="sm">
      {t("cadences.detail.back")}
    </Anchor>
  );
}

function Counts({ cadence }: { cadence: Cadence }) {
  const { t, i18n } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} component="section" aria-label={t("cadences.detail.counts")}>
      {ENROLLMENT_STATES.map((state) => (
        <Card key={state} withBorder padding="sm">
          <Text size="xs" c="dimmed" id={`cadence-count-${state}`}>
            {t(`cadences.state.${state}`)}
          </Text>
          <Text size="xl" fw={600} aria-labelledby={`cadence-count-${state}`} data-testid={`count-${state}`}>
            {countOf(cadence, state).toLocaleString(i18n.language)}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function StepsSummary({ cadence, onShowStep }: { cadence: Cadence; onShowStep: (step: number) => void }) {
  const { t, i18n } = useTranslation();
  const steps = fromWire(cadence.steps);
  return (
    <Card withBorder component="section" aria-labelledby="cadence-steps-summary">
      <Title order={3} size="h5" id="cadence-steps-summary" mb="xs">
        {t("cadences.detail.stepsTitle")}
      </Title>
      <Stack component="ol" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
        {steps.map((step, index) => {
          const here = cadence.at_step?.[String(index)] ?? 0;
          return (
            <Group key={step.key} component="li" justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
              <Text size="sm">
                <Text span fw={600}>
                  {index + 1}.{" "}
                </Text>
                {describeStep(step, steps, t, i18n.language)}
              </Text>
              {here > 0 ? (
                <UnstyledButton onClick={() => onShowStep(index)} aria-label={t("cadences.detail.showAtStep", { number: index + 1 })}>
                  <Badge variant="light" color="blue" style={{ cursor: "pointer", flexShrink: 0 }}>
                    {t("cadences.detail.atStep", { count: here })}
                  </Badge>
                </UnstyledButton>
              ) : (
                <Badge variant="outline" color="gray" style={{ flexShrink: 0 }}>
                  {t("cadences.detail.atStep", { count: 0 })}
                </Badge>
              )}
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}

function Options({ cadence }: { cadence: Cadence }) {
  const { t, i18n } = useTranslation();
  const hours = cadence.business_hours as { days?: number[]; start?: string; end?: string } | null;
  const triggers = cadence.triggers.map((trigger) =>
    trigger.event === "tag_added"
      ? t("cadences.detail.tagAdded", { tag: String(trigger.tag ?? "") })
      : trigger.event === "lead_entered_stage"
        ? t("cadences.detail.stageEntered")
        : t("cadences.detail.contactCreated"),
  );
  const items = [
    ...(triggers.length > 0 ? [t("cadences.detail.triggers", { list: triggers.join("; ") })] : []),
    ...(cadence.stop_on_reply ? [t("cadences.detail.stopsOnReply")] : []),
    ...(cadence.stop_on_stage_change ? [t("cadences.detail.stopsOnStage")] : []),
    ...(hours
      ? [
          t("cadences.detail.businessHours", {
            days: weekdayList(hours.days ?? [], i18n.language),
            start: String(hours.start ?? "").slice(0, 5),
            end: String(hours.end ?? "").slice(0, 5),
          }),
        ]
      : []),
  ];
  return (
    <Card withBorder component="section" aria-labelledby="cadence-options">
      <Title order={3} size="h5" id="cadence-options" mb="xs">
        {t("cadences.detail.options")}
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("cadences.detail.noOptions")}
        </Text>
      ) : (
        <List size="sm" spacing={4}>
          {items.map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}
