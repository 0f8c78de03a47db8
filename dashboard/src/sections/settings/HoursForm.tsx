// Business hours per weekday: open or closed, one or more intervals (native time inputs),
// checked before saving: close after open, no overlaps.
import {
  ActionIcon,
  Alert,
  Button,
  Fieldset,
  Group,
  Paper,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { type RefObject, memo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  DEFAULT_INTERVAL,
  type DayForm,
  type HoursForm as Hours,
  WEEKDAYS,
  type Weekday,
  dayProblems,
  hoursFromApi,
  hoursToApi,
} from "./hours";
import { type Tenant, useUpdateTenant } from "./queries";

export function HoursForm({ tenant, canManage }: { tenant: Tenant; canManage: boolean }) {
  const { t } = useTranslation();
  const [invalid, setInvalid] = useState(false);
  const form = useForm<{ hours: Hours }>({
    initialValues: { hours: hoursFromApi(tenant.business_hours) },
    validate: (values) => {
      const errors: Record<string, string> = {};
      for (const day of WEEKDAYS) {
        for (const [key, problem] of Object.entries(dayProblems(values.hours[day]))) {
          errors[`hours.${day}.intervals.${key}`] = t(`settings.hours.${problem}`);
        }
      }
      return errors;
    },
  });
  const save = useUpdateTenant((saved) => {
    const values = { hours: hoursFromApi(saved.business_hours) };
    form.setInitialValues(values);
    form.setValues(values);
    form.resetDirty(values);
  });
  // Each weekday re-renders only when its own values or errors change (typing a time
  // would otherwise redraw the whole week); the rows reach the form through a ref.
  const formRef = useRef(form);
  formRef.current = form;
  const noneOpen = WEEKDAYS.every((day) => !form.values.hours[day].open);

  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={form.onSubmit(
          (values) => {
            setInvalid(false);
            save.mutate({ business_hours: hoursToApi(values.hours) });
          },
          () => setInvalid(true),
        )}
      >
        <Fieldset variant="unstyled" disabled={!canManage}>
          <Stack gap="sm">
            <div>
              <Title order={4}>{t("settings.hours.title")}</Title>
              <Text size="sm" c="dimmed">
                {t("settings.hours.hint", { timezone: tenant.timezone })}
              </Text>
            </div>
            {noneOpen && (
              <Text size="sm" c="dimmed">
                {t("settings.hours.none")}
              </Text>
            )}
            {WEEKDAYS.map((day) => (
              <DayRow
                key={day}
                day={day}
                formRef={formRef}
                value={form.values.hours[day]}
                errors={dayErrors(form.errors, day)}
                canManage={canManage}
              />
            ))}
            {invalid && Object.keys(form.errors).length > 0 && (
              <Alert color="red">{t("settings.hours.fixErrors")}</Alert>
            )}
            {canManage && (
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                  {t("settings.save")}
                </Button>
              </Group>
            )}
          </Stack>
        </Fieldset>
      </form>
    </Paper>
  );
}

type HoursFormApi = ReturnType<typeof useForm<{ hours: Hours }>>;

/** This weekday's errors as one string, so a row can tell whether they changed. */
function dayErrors(errors: Record<string, unknown>, day: Weekday): string {
  const prefix = `hours.${day}.`;
  return Object.entries(errors)
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, message]) => `${path}=${String(message)}`)
    .join("|");
}

const DayRow = memo(function DayRow({
  day,
  formRef,
  value,
  canManage,
}: {
  day: Weekday;
  formRef: RefObject<HoursFormApi>;
  value: DayForm;
  errors: string;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const form = formRef.current;
  const name = t(`settings.hours.days.${day}`);
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" py={4}>
      <Switch
        w={170}
        mt={6}
        label={name}
        aria-label={t("settings.hours.openDay", { day: name })}
        checked={value.open}
        onChange={(event) => {
          form.setFieldValue(`hours.${day}.open`, event.currentTarget.checked);
          if (event.currentTarget.checked && value.intervals.length === 0) {
            form.setFieldValue(`hours.${day}.intervals`, [{ ...DEFAULT_INTERVAL }]);
          }
        }}
      />
      {value.open ? (
        <Stack gap={6} style={{ flex: 1 }}>
          {value.intervals.map((_, index) => {
            const n = index + 1;
            return (
              <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  type="time"
                  w={130}
                  aria-label={t("settings.hours.opensOn", { day: name, n })}
                  {...form.getInputProps(`hours.${day}.intervals.${index}.open`)}
                />
                <Text mt={6}>–</Text>
                <TextInput
                  type="time"
                  w={130}
                  aria-label={t("settings.hours.closesOn", { day: name, n })}
                  {...form.getInputProps(`hours.${day}.intervals.${index}.close`)}
                />
                {canManage && value.intervals.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    mt={4}
                    aria-label={t("settings.hours.removeInterval", { day: name, n })}
                    onClick={() => form.removeListItem(`hours.${day}.intervals`, index)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                )}
              </Group>
            );
          })}
          {canManage && (
            <div>
              <Button
                size="compact-sm"
                variant="subtle"
                leftSection={<IconPlus size={14} />}
                aria-label={t("settings.hours.addIntervalOn", { day: name })}
                onClick={() =>
                  form.insertListItem(`hours.${day}.intervals`, { open: "", close: "" })
                }
              >
                {t("settings.hours.addInterval")}
              </Button>
            </div>
          )}
        </Stack>
      ) : (
        <Text c="dimmed" mt={6}>
          {t("settings.hours.closed")}
        </Text>
      )}
    </Group>
  );
});
