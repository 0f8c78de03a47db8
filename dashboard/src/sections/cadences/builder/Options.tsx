// Business hours (days, a start and an end, in the cadence's zone or each contact's) and
// when a cadence stops for someone (a reply, their lead changing stage).
import { Group, Paper, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Change } from "./Settings";
import { Weekdays } from "./Weekdays";
import type { CadenceDraft } from "./draft";

export function OptionsEditor({ draft, onChange, hoursError }: { draft: CadenceDraft; onChange: Change; hoursError?: string }) {
  const { t } = useTranslation();
  const { hours } = draft;
  const setHours = (change: Partial<CadenceDraft["hours"]>) => onChange({ hours: { ...hours, ...change } });
  return (
    <>
      <Paper withBorder p="sm" component="section" aria-labelledby="cadence-hours">
        <Title order={3} size="h5" id="cadence-hours">
          {t("cadences.builder.hoursTitle")}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {t("cadences.builder.hoursHint")}
        </Text>
        <Stack gap="xs">
          <Switch
            label={t("cadences.builder.hoursEnabled")}
            checked={hours.enabled}
            onChange={(event) => setHours({ enabled: event.currentTarget.checked })}
          />
          {hours.enabled && (
            <>
              <Weekdays label={t("cadences.builder.hoursDays")} value={hours.days} onChange={(days) => setHours({ days })} />
              <Group gap="sm">
                <TextInput
                  type="time"
                  label={t("cadences.builder.hoursStart")}
                  value={hours.start}
                  onChange={(event) => setHours({ start: event.currentTarget.value })}
                  w={140}
                />
                <TextInput
                  type="time"
                  label={t("cadences.builder.hoursEnd")}
                  value={hours.end}
                  onChange={(event) => setHours({ end: event.currentTarget.value })}
                  w={140}
                />
              </Group>
              <Switch
                label={t("cadences.builder.hoursPerContact")}
                checked={hours.perContact}
                onChange={(event) => setHours({ perContact: event.currentTarget.checked })}
              />
              {hoursError && (
                <Text size="sm" c="red.8" role="alert">
                  {hoursError}
                </Text>
              )}
            </>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="sm" component="section" aria-labelledby="cadence-stop">
        <Title order={3} size="h5" id="cadence-stop" mb="xs">
          {t("cadences.builder.stopTitle")}
        </Title>
        <Stack gap="xs">
          <Switch
            label={t("cadences.builder.stopOnReply")}
            checked={draft.stopOnReply}
            onChange={(event) => onChange({ stopOnReply: event.currentTarget.checked })}
          />
          <Switch
            label={t("cadences.builder.stopOnStageChange")}
            checked={draft.stopOnStageChange}
            onChange={(event) => onChange({ stopOnStageChange: event.currentTarget.checked })}
          />
        </Stack>
      </Paper>
    </>
  );
}
