// The company's name and time zone.
import { Button, Fieldset, Group, Paper, Select, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { type ReactNode, memo, useCallback, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { type Tenant, type TenantUpdate, useUpdateTenant } from "./queries";

/** The IANA zones this browser knows, with the current one and UTC always present. */
export function timeZones(current: string): string[] {
  const zones = new Set<string>(
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [],
  );
  zones.add("UTC");
  if (current) zones.add(current);
  return [...zones].sort();
}

export function ProfileForm({ tenant, canManage }: { tenant: Tenant; canManage: boolean }) {
  const { t } = useTranslation();
  const zones = useMemo(() => timeZones(tenant.timezone), [tenant.timezone]);
  const form = useForm({
    initialValues: { name: tenant.name, timezone: tenant.timezone },
    validate: {
      name: (value) => {
        const length = value.trim().length;
        return length >= 2 && length <= 200 ? null : t("settings.profile.nameInvalid");
      },
      timezone: (value) => (zones.includes(value) ? null : t("settings.profile.timezoneInvalid")),
    },
  });
  // Mantine's setFieldValue changes with the values; the select needs a stable handler.
  const formRef = useRef(form);
  formRef.current = form;
  const onTimezone = useCallback(
    (value: string | null) => formRef.current.setFieldValue("timezone", value ?? ""),
    [],
  );
  const save = useUpdateTenant((saved) => {
    const values = { name: saved.name, timezone: saved.timezone };
    form.setInitialValues(values);
    form.setValues(values);
    form.resetDirty(values);
  });

  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          // The browser's list of zones, checked above; one the server lacks is its 422.
          save.mutate({
            name: values.name.trim(),
            timezone: values.timezone as TenantUpdate["timezone"],
          }),
        )}
      >
        <Fieldset variant="unstyled" disabled={!canManage}>
          <Stack gap="sm">
            <Title order={4}>{t("settings.profile.title")}</Title>
            <TextInput
              label={t("settings.profile.name")}
              maxLength={200}
              {...form.getInputProps("name")}
            />
            <TimeZoneSelect
              zones={zones}
              value={form.values.timezone}
              error={form.errors.timezone}
              readOnly={!canManage}
              onChange={onTimezone}
            />
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

/** The ~400 zones re-render only when the zone changes, not on every keystroke in the name. */
const TimeZoneSelect = memo(function TimeZoneSelect({
  zones,
  value,
  error,
  readOnly,
  onChange,
}: {
  zones: string[];
  value: string;
  error: ReactNode;
  readOnly: boolean;
  onChange: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("settings.profile.timezone")}
      description={t("settings.profile.timezoneHint")}
      placeholder={t("settings.profile.timezonePlaceholder")}
      nothingFoundMessage={t("settings.profile.nothingFound")}
      searchable
      allowDeselect={false}
      limit={80}
      data={zones}
      readOnly={readOnly}
      value={value}
      error={error}
      onChange={onChange}
    />
  );
});
