// Step 3: when it starts (now, or a wall-clock time in the company's time zone), the send
// window (days, hours, zone, or each contact's own zone), and the pace: messages per second,
// how many in flight at once, and the frequency cap.
import { Checkbox, Fieldset, Group, NumberInput, Radio, Select, Stack, Switch, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { timeZones } from "../../settings/ProfileForm";
import type { WizardValues } from "./draft";

interface ScheduleStepProps {
  form: UseFormReturnType<WizardValues>;
  companyZone: string;
}

const ISO_DAYS = ["1", "2", "3", "4", "5", "6", "7"];

/** Weekday names in the reader's language, Monday first (2024-01-01 was a Monday). */
function weekdayNames(language: string): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: "short", timeZone: "UTC" });
  return ISO_DAYS.map((_, index) => format.format(new Date(Date.UTC(2024, 0, 1 + index))));
}

export function ScheduleStep({ form, companyZone }: ScheduleStepProps) {
  const { t, i18n } = useTranslation();
  const zones = useMemo(() => timeZones(form.values.windowTimeZone || companyZone), [form.values.windowTimeZone, companyZone]);
  const days = useMemo(() => weekdayNames(i18n.resolvedLanguage ?? "en"), [i18n.resolvedLanguage]);
  const { when, windowOn } = form.values;

  return (
    <Stack gap="md" maw={720}>
      <Fieldset legend={t("campaigns.wizard.schedule.when")}>
        <Radio.Group
          aria-label={t("campaigns.wizard.schedule.when")}
          value={when}
          onChange={(value) => form.setFieldValue("when", value as WizardValues["when"])}
        >
          <Stack gap={6}>
            <Radio value="now" label={t("campaigns.wizard.schedule.now")} />
            <Radio value="later" label={t("campaigns.wizard.schedule.later")} />
          </Stack>
        </Radio.Group>
        {when === "later" && (
          <TextInput
            mt="sm"
            type="datetime-local"
            label={t("campaigns.wizard.schedule.localTime")}
            description={t("campaigns.wizard.schedule.localTimeHint", { zone: companyZone })}
            withAsterisk
            maw={280}
            {...form.getInputProps("localTime")}
          />
        )}
      </Fieldset>

      <Fieldset legend={t("campaigns.wizard.schedule.window")}>
        <Switch
          label={t("campaigns.wizard.schedule.windowOn")}
          description={t("campaigns.wizard.schedule.windowHint")}
          {...form.getInputProps("windowOn", { type: "checkbox" })}
        />
        {windowOn && (
          <Stack gap="sm" mt="sm">
            <Checkbox.Group label={t("campaigns.wizard.schedule.days")} {...form.getInputProps("windowDays")}>
              <Group mt={4} gap="sm">
                {ISO_DAYS.map((day, index) => (
                  <Checkbox key={day} value={day} label={days[index]} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group align="flex-start">
              <TextInput type="time" w={150} label={t("campaigns.wizard.schedule.start")} {...form.getInputProps("windowStart")} />
              <TextInput type="time" w={150} label={t("campaigns.wizard.schedule.end")} {...form.getInputProps("windowEnd")} />
              <Select
                label={t("campaigns.wizard.schedule.timeZone")}
                searchable
                w={260}
                data={zones}
                allowDeselect={false}
                {...form.getInputProps("windowTimeZone")}
              />
            </Group>
            <Checkbox
              label={t("campaigns.wizard.schedule.perContact")}
              {...form.getInputProps("windowPerContact", { type: "checkbox" })}
            />
          </Stack>
        )}
      </Fieldset>

      <Fieldset legend={t("campaigns.wizard.schedule.limits")}>
        <Stack gap="sm">
          <Group grow align="flex-start">
            <NumberInput
              label={t("campaigns.wizard.schedule.rate")}
              description={t("campaigns.wizard.schedule.rateHint")}
              min={0}
              max={1000}
              {...form.getInputProps("rate")}
            />
            <NumberInput
              label={t("campaigns.wizard.schedule.inFlight")}
              description={t("campaigns.wizard.schedule.inFlightHint")}
              min={1}
              max={1000}
              allowDecimal={false}
              {...form.getInputProps("inFlight")}
            />
          </Group>
          <NumberInput
            label={t("campaigns.wizard.schedule.frequencyCap")}
            description={t("campaigns.wizard.schedule.frequencyCapHint")}
            min={1}
            max={720}
            allowDecimal={false}
            maw={340}
            {...form.getInputProps("frequencyCap")}
          />
        </Stack>
      </Fieldset>
    </Stack>
  );
}
