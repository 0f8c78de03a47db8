// Step 4: what else happens to the imported contacts: tags for all of them, whether an
// existing contact (same phone or email) is updated or left alone, and the consent the
// file stands for (people who agreed on a form, say).
import { Alert, Button, Group, MultiSelect, Radio, Select, Stack } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CHANNELS, type ImportStart, type ImportState, startImport, problemText } from "../crm";
import { useTags } from "../queries";
import { type Mapping, mappingBody } from "./MappingStep";

export function OptionsStep({
  importId,
  mapping,
  onBack,
  onStarted,
}: {
  importId: string;
  mapping: Mapping;
  onBack: () => void;
  onStarted: (started: ImportState) => void;
}) {
  const { t } = useTranslation();
  const tags = useTags();
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [existing, setExisting] = useState<ImportStart["on_existing"]>("update");
  const [consent, setConsent] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: () => {
      const [channel, status] = consent ? consent.split(":") : [];
      return startImport(importId, {
        mapping: mappingBody(mapping),
        tags: tagIds,
        on_existing: existing,
        consent:
          channel && status
            ? { channel: channel as (typeof CHANNELS)[number], status: status as "opted_in" | "opted_out" }
            : null,
      });
    },
    onSuccess: onStarted,
  });
  const consentChoices = CHANNELS.flatMap((channel) =>
    (["opted_in", "opted_out"] as const).map((status) => ({
      value: `${channel}:${status}`,
      label: t(`contacts.imports.consent.${status}`, { channel: t(`contacts.channels.${channel}`) }),
    })),
  );
  return (
    <Stack gap="md" mt="md" maw={560}>
      <MultiSelect
        label={t("contacts.imports.tags")}
        description={t("contacts.imports.tagsHint")}
        data={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
        value={tagIds}
        onChange={setTagIds}
        searchable
      />
      <Radio.Group
        label={t("contacts.imports.existing")}
        value={existing}
        onChange={(value) => setExisting(value as ImportStart["on_existing"])}
      >
        <Stack gap={6} mt={6}>
          <Radio value="update" label={t("contacts.imports.update")} />
          <Radio value="skip" label={t("contacts.imports.skip")} />
        </Stack>
      </Radio.Group>
      <Select
        label={t("contacts.imports.consentLabel")}
        description={t("contacts.imports.consentHint")}
        placeholder={t("contacts.imports.consentNone")}
        data={consentChoices}
        value={consent}
        onChange={setConsent}
        clearable
      />
      {run.isError && (
        <Alert color="red.9" title={t("contacts.imports.runFailed")}>
          {problemText(run.error, t("contacts.imports.runFailed"))}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t("contacts.imports.back")}
        </Button>
        <Button onClick={() => run.mutate()} loading={run.isPending}>
          {t("contacts.imports.run")}
        </Button>
      </Group>
    </Stack>
  );
}
