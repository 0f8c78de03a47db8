// Step 1: the campaign's name, the number it goes out from, and who receives it: a saved
// crm segment, or contacts ticked from a searchable list.
import { Group, Radio, Select, Stack, Text, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";
import type { ChannelAccount } from "../../../api/channels";
import type { Contact } from "../../../api/contacts";
import { useSegments } from "../../contacts/queries";
import { ContactPicker } from "./ContactPicker";
import type { AudienceKind, WizardValues } from "./draft";

interface AudienceStepProps {
  form: UseFormReturnType<WizardValues>;
  accounts: ChannelAccount[];
  accountsLoaded: boolean;
  /** The first contact picked (for the preview), when the list shows it; ``ids`` all of them. */
  onPicked: (ids: string[], first: Contact | null) => void;
}

export function AudienceStep({ form, accounts, accountsLoaded, onPicked }: AudienceStepProps) {
  const { t } = useTranslation();
  const segments = useSegments();
  const kind = form.values.audienceKind;

  return (
    <Stack gap="sm" maw={640}>
      <TextInput label={t("campaigns.form.name")} withAsterisk {...form.getInputProps("name")} />
      <Select
        label={t("campaigns.form.account")}
        description={t("campaigns.form.accountHint")}
        withAsterisk
        data={accounts.map((account) => ({
          value: account.id,
          label: `${account.display_name || account.phone_number || account.id} · ${t(`campaigns.channel.${account.channel}`, {
            defaultValue: account.channel,
          })}`,
        }))}
        {...form.getInputProps("accountId")}
      />
      {accountsLoaded && accounts.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("campaigns.form.noAccounts")}
        </Text>
      )}
      <Radio.Group
        label={t("campaigns.wizard.audience.kind")}
        value={kind}
        onChange={(value) => form.setFieldValue("audienceKind", value as AudienceKind)}
      >
        <Group mt={4}>
          <Radio value="segment" label={t("campaigns.wizard.audience.segment")} />
          <Radio value="contacts" label={t("campaigns.wizard.audience.contacts")} />
        </Group>
      </Radio.Group>
      {kind === "segment" ? (
        <>
          <Select
            label={t("campaigns.form.segment")}
            description={t("campaigns.form.segmentHint")}
            withAsterisk
            searchable
            data={(segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
            {...form.getInputProps("segmentId")}
          />
          {segments.isSuccess && segments.data.length === 0 && (
            <Text size="sm" c="dimmed">
              {t("campaigns.form.noSegments")}
            </Text>
          )}
        </>
      ) : (
        <ContactPicker
          picked={form.values.contactIds}
          error={form.errors.contactIds as string | undefined}
          onChange={(ids, first) => {
            form.setFieldValue("contactIds", ids);
            onPicked(ids, first);
          }}
        />
      )}
    </Stack>
  );
}
