// The persona editor's fieldsets: who it is, its rules, where it answers and what it knows,
// business hours, the model it writes with, pace and limits, lead rules, and the handoff.
import {
  Chip,
  Fieldset,
  Group,
  Input,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { TONES } from "../../../api/aiApi";
import { CUSTOMER_LANGUAGE, type PersonaValues } from "./form";
import { LinesField } from "./LinesField";
import { type StageOptions, StageRulesField } from "./StageRulesField";

export interface Options {
  accounts: { value: string; label: string }[];
  bases: { value: string; label: string }[];
  people: { value: string; label: string }[];
  teams: { value: string; label: string }[];
  teamsFailed: boolean;
  stages: StageOptions;
  /** The crm's pipelines could not be read (not the same as having none). */
  stagesFailed: boolean;
  /** The company's chat model, what an empty model means (null: none set up). */
  chatModel: string | null;
}

const LANGUAGES = ["pt-BR", "en", "es"] as const;

export function PersonaFields({
  form,
  options,
  readOnly,
}: {
  form: UseFormReturnType<PersonaValues>;
  options: Options;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const values = form.getValues();
  const weekdays = t("ai.editor.weekdays", { returnObjects: true }) as string[];
  return (
    <Stack gap="md">
      <Fieldset legend={t("ai.editor.sections.identity")} disabled={readOnly}>
        <Stack gap="sm">
          <TextInput label={t("ai.editor.name")} required {...form.getInputProps("name")} key={form.key("name")} />
          <Switch
            label={t("ai.editor.enabled")}
            {...form.getInputProps("enabled", { type: "checkbox" })}
            key={form.key("enabled")}
          />
          <Textarea
            label={t("ai.editor.instructions")}
            description={t("ai.editor.instructionsHint")}
            autosize
            minRows={3}
            maxRows={12}
            {...form.getInputProps("instructions")}
            key={form.key("instructions")}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t("ai.editor.tone")}
              data={TONES.map((tone) => ({ value: tone, label: t(`ai.editor.tones.${tone}`) }))}
              allowDeselect={false}
              {...form.getInputProps("tone")}
              key={form.key("tone")}
            />
            <Select
              label={t("ai.editor.language")}
              data={[
                { value: CUSTOMER_LANGUAGE, label: t("ai.editor.customerLanguage") },
                ...LANGUAGES.map((code) => ({ value: code, label: t(`ai.editor.languages.${code}`) })),
              ]}
              allowDeselect={false}
              {...form.getInputProps("language")}
              key={form.key("language")}
            />
          </SimpleGrid>
        </Stack>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.rules")}>
        <Stack gap="sm">
          <LinesField form={form} field="guidelines" label={t("ai.editor.guidelines")} description={t("ai.editor.guidelinesHint")} readOnly={readOnly} />
          <LinesField form={form} field="refused_topics" label={t("ai.editor.refusedTopics")} description={t("ai.editor.refusedTopicsHint")} readOnly={readOnly} />
          <LinesField form={form} field="never_promise" label={t("ai.editor.neverPromise")} description={t("ai.editor.neverPromiseHint")} readOnly={readOnly} />
        </Stack>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.where")} disabled={readOnly}>
        <Stack gap="sm">
          <MultiSelect
            label={t("ai.editor.numbers")}
            description={options.accounts.length ? t("ai.editor.numbersHint") : t("ai.editor.noNumbers")}
            data={options.accounts}
            searchable
            {...form.getInputProps("channel_account_ids")}
            key={form.key("channel_account_ids")}
          />
          <MultiSelect
            label={t("ai.editor.bases")}
            description={options.bases.length ? undefined : t("ai.editor.noBases")}
            data={options.bases}
            searchable
            {...form.getInputProps("knowledge_base_ids")}
            key={form.key("knowledge_base_ids")}
          />
        </Stack>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.hours")} disabled={readOnly}>
        <Stack gap="sm">
          <Switch
            label={t("ai.editor.hoursEnabled")}
            {...form.getInputProps("hoursEnabled", { type: "checkbox" })}
            key={form.key("hoursEnabled")}
          />
          {values.hoursEnabled && (
            <>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput label={t("ai.editor.timeZone")} {...form.getInputProps("time_zone")} key={form.key("time_zone")} />
                <TextInput type="time" label={t("ai.editor.start")} {...form.getInputProps("start")} key={form.key("start")} />
                <TextInput type="time" label={t("ai.editor.end")} {...form.getInputProps("end")} key={form.key("end")} />
              </SimpleGrid>
              <Input.Wrapper label={t("ai.editor.days")} error={form.errors.days} id="persona-days">
                <Chip.Group multiple {...form.getInputProps("days")} key={form.key("days")}>
                  <Group gap={6} mt={6} role="group" aria-label={t("ai.editor.days")}>
                    {weekdays.map((day, index) => (
                      <Chip key={day} value={String(index)} size="xs">
                        {day}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
              </Input.Wrapper>
              <Select
                label={t("ai.editor.afterHours")}
                data={(["answer", "collect"] as const).map((value) => ({
                  value,
                  label: t(`ai.editor.afterHoursOptions.${value}`),
                }))}
                allowDeselect={false}
                {...form.getInputProps("after_hours")}
                key={form.key("after_hours")}
              />
              <Textarea
                label={t("ai.editor.afterHoursMessage")}
                autosize
                minRows={2}
                {...form.getInputProps("after_hours_message")}
                key={form.key("after_hours_message")}
              />
            </>
          )}
        </Stack>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.model")} disabled={readOnly}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t("ai.editor.model")}
            description={
              options.chatModel ? t("ai.editor.modelHint", { model: options.chatModel }) : t("ai.editor.modelHintNone")
            }
            placeholder={options.chatModel ?? undefined}
            maxLength={200}
            {...form.getInputProps("model")}
            key={form.key("model")}
          />
          <NumberInput
            label={t("ai.editor.temperature")}
            description={t("ai.editor.temperatureHint")}
            min={0}
            max={2}
            step={0.1}
            decimalScale={1}
            clampBehavior="strict"
            {...form.getInputProps("temperature")}
            key={form.key("temperature")}
          />
        </SimpleGrid>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.pacing")} disabled={readOnly}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label={t("ai.editor.threshold")}
            description={t("ai.editor.thresholdHint")}
            min={0}
            max={1}
            step={0.01}
            decimalScale={2}
            {...form.getInputProps("answer_threshold")}
            key={form.key("answer_threshold")}
          />
          <NumberInput
            label={t("ai.editor.leadThreshold")}
            description={t("ai.editor.leadThresholdHint")}
            min={0}
            max={1}
            step={0.01}
            decimalScale={2}
            {...form.getInputProps("lead_threshold")}
            key={form.key("lead_threshold")}
          />
          <NumberInput label={t("ai.editor.debounce")} min={0} max={60} step={0.5} decimalScale={1} {...form.getInputProps("debounce_seconds")} key={form.key("debounce_seconds")} />
          <NumberInput label={t("ai.editor.minDelay")} min={0} max={60} step={0.5} decimalScale={1} {...form.getInputProps("min_delay_seconds")} key={form.key("min_delay_seconds")} />
          <NumberInput label={t("ai.editor.maxDelay")} min={0} max={120} step={0.5} decimalScale={1} {...form.getInputProps("max_delay_seconds")} key={form.key("max_delay_seconds")} />
          <NumberInput label={t("ai.editor.maxTurns")} min={1} max={200} allowDecimal={false} {...form.getInputProps("max_turns")} key={form.key("max_turns")} />
          <NumberInput label={t("ai.editor.humanPause")} min={0} max={10080} allowDecimal={false} {...form.getInputProps("human_pause_minutes")} key={form.key("human_pause_minutes")} />
        </SimpleGrid>
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.leads")} disabled={readOnly}>
        <StageRulesField form={form} stages={options.stages} stagesFailed={options.stagesFailed} readOnly={readOnly} />
      </Fieldset>

      <Fieldset legend={t("ai.editor.sections.handoff")} disabled={readOnly}>
        <Stack gap="sm">
          <Select
            label={t("ai.editor.handoffUser")}
            placeholder={t("ai.editor.handoffAnyone")}
            data={options.people}
            clearable
            searchable
            {...form.getInputProps("handoff_user_id")}
            key={form.key("handoff_user_id")}
          />
          <Select
            label={t("ai.editor.handoffTeam")}
            placeholder={t("ai.editor.handoffNoTeam")}
            data={options.teams}
            clearable
            searchable
            {...form.getInputProps("handoff_team_id")}
            key={form.key("handoff_team_id")}
            disabled={readOnly || options.teamsFailed}
            error={options.teamsFailed ? t("ai.editor.handoffTeamsFailed") : form.errors.handoff_team_id}
          />
          <Textarea
            label={t("ai.editor.handoffMessage")}
            autosize
            minRows={2}
            {...form.getInputProps("handoff_message")}
            key={form.key("handoff_message")}
          />
        </Stack>
      </Fieldset>
    </Stack>
  );
}
