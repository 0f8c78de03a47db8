// The CSV audience's options and start: the tag made for this upload (named after the
// campaign, or the day, and the import), the consent the file stands for (none unless
// asked), and the crm import started with them. Existing contacts are always updated: a
// skipped one would not get the tag, and so would not receive the campaign.
import { Alert, Button, Group, Select, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CHANNELS, type ImportAnalysis, type ImportState, createTag, problemText, startImport } from "../../contacts/crm";
import { type Mapping, mappingBody } from "../../contacts/import/MappingStep";

const TAG_NAME_MAX = 64; // the crm's limit

export interface Started {
  importId: string;
  jobId: string | null;
  tagId: string;
  tagName: string;
}

/** The tag for one upload: the campaign's name (or today's date) and the import's short id,
 *  cut to the crm's 64 characters by shortening the name. */
function useTagName(campaignName: string | undefined, importId: string): string {
  const { t, i18n } = useTranslation();
  const id = importId.replace(/-/g, "").slice(0, 8);
  let name = campaignName?.trim() || new Date().toLocaleDateString(i18n.language);
  const full = () => t("campaignCsv.tagName", { name, id });
  const over = full().length - TAG_NAME_MAX;
  if (over > 0) name = `${name.slice(0, Math.max(1, name.length - over - 1))}…`;
  return full();
}

export function CsvAudienceStart({
  analysis,
  mapping,
  campaignName,
  onBack,
  onStarted,
}: {
  analysis: ImportAnalysis;
  mapping: Mapping;
  campaignName: string | undefined;
  onBack: () => void;
  onStarted: (started: Started) => void;
}) {
  const { t } = useTranslation();
  const tagName = useTagName(campaignName, analysis.id);
  const [consent, setConsent] = useState<string | null>(null);
  // A tag made by a try whose start then failed is used again, not made twice.
  const [tag, setTag] = useState<{ id: string; name: string } | null>(null);
  const run = useMutation({
    mutationFn: async (): Promise<{ state: ImportState; tag: { id: string; name: string } }> => {
      const made = tag ?? (await createTag({ name: tagName, color: "#64748b" }));
      setTag({ id: made.id, name: made.name });
      const [channel, status] = consent ? consent.split(":") : [];
      const state = await startImport(analysis.id, {
        mapping: mappingBody(mapping),
        tags: [made.id],
        on_existing: "update",
        consent:
          channel && status
            ? { channel: channel as (typeof CHANNELS)[number], status: status as "opted_in" | "opted_out" }
            : null,
      });
      return { state, tag: made };
    },
    onSuccess: ({ state, tag: made }) =>
      onStarted({ importId: analysis.id, jobId: state.job_id, tagId: made.id, tagName: made.name }),
  });
  const consentChoices = CHANNELS.flatMap((channel) =>
    (["opted_in", "opted_out"] as const).map((status) => ({
      value: `${channel}:${status}`,
      label: t(`contacts.imports.consent.${status}`, { channel: t(`contacts.channels.${channel}`) }),
    })),
  );
  return (
    <Stack gap="sm" mt="md" maw={560}>
      <Text size="sm">{t("campaignCsv.existing")}</Text>
      <Text size="sm">{t("campaignCsv.tagNote", { tag: tag?.name ?? tagName })}</Text>
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
        <Alert color="red.9" title={t("campaignCsv.startFailed")} role="alert">
          {problemText(run.error, t("campaignCsv.startFailed"))}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t("contacts.imports.back")}
        </Button>
        <Button onClick={() => run.mutate()} loading={run.isPending}>
          {t("campaignCsv.start")}
        </Button>
      </Group>
    </Stack>
  );
}
