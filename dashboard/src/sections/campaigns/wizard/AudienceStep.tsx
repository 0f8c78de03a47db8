// Step 1: the campaign's name, the number it goes out from, and who receives it: a saved
// crm segment, contacts ticked from a searchable list, or a CSV file imported into the crm
// (its contacts carry a tag of the upload's own).
import { Group, Radio, Select, Stack, Text, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { ChannelAccount } from "../../../api/channels";
import type { Contact } from "../../../api/contacts";
import { useSegments } from "../../contacts/queries";
import { ContactPicker } from "./ContactPicker";
import { CsvAudience } from "./CsvAudience";
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
  // The choice to go back to when a CSV file is given up before it is used.
  const before = useRef<AudienceKind>(kind === "csv" ? "segment" : kind);

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
        onChange={(value) => {
          if (kind !== "csv") before.current = kind;
          form.setFieldValue("audienceKind", value as AudienceKind);
        }}
      >
        <Group mt={4}>
          <Radio value="segment" label={t("campaigns.wizard.audience.segment")} />
          <Radio value="contacts" label={t("campaigns.wizard.audience.contacts")} />
          <Radio value="csv" label={t("campaignCsv.choice")} />
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
      ) : kind === "csv" ? (
        <>
          <CsvAudience
            campaignName={form.values.name}
            chosen={form.values.csv}
            onAudience={(_audience, summary) => {
              // The draft builds the filter audience from the summary's tag (draftChanges).
              form.setFieldValue("csv", summary);
              form.clearFieldError("csv");
            }}
            onCancel={() => {
              // Giving up a first file goes back to the choice before, left as it was.
              if (!form.values.csv) form.setFieldValue("audienceKind", before.current);
            }}
          />
          {form.errors.csv && (
            <Text size="sm" c="red.9" role="alert">
              {form.errors.csv}
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
