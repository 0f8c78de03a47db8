// A campaign's audience from a CSV file, through the crm's own contacts import: the file is
// uploaded and read (UploadStep), its columns mapped (MappingStep, a phone column required:
// campaigns go to phones), its first rows previewed with their problems (PreviewStep), then
// imported with a tag made for this upload alone (so only this file's rows match it), with
// live progress (RunStep) and a report; the audience is then the crm filter "has that tag".
// Every row becomes or updates a crm contact, so consent and opt-outs are the crm's as for
// any contact, and columns mapped to custom fields are {{fields.<key>}} in the message.
// Everything here is the component's own state: leaving it leaves the wizard as it was.
import { Alert, Button, Group, Select, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../../../api/campaigns";
import { CHANNELS, FIELD_TARGET, type ImportAnalysis, type ImportState, createTag, problemText, startImport } from "../../contacts/crm";
import { type Mapping, MappingStep, mappingBody, suggestedMapping } from "../../contacts/import/MappingStep";
import { PreviewStep } from "../../contacts/import/PreviewStep";
import { RunStep } from "../../contacts/import/RunStep";
import { UploadStep } from "../../contacts/import/UploadStep";
import { CsvAudienceReport } from "./CsvAudienceReport";

export type FilterAudience = components["schemas"]["FilterAudience"];

/** What the wizard keeps of a CSV audience besides the filter, to show and to reuse. */
export interface CsvAudienceSummary {
  /** "1,234 contacts from clientes.csv, 12 rows rejected" */
  text: string;
  filename: string;
  contacts: number;
  rejected: number;
  importId: string;
  tagId: string;
  tagName: string;
  /** The message variables the file's custom-field columns fill: "fields.plan". */
  variables: string[];
}

/** The campaign's audience: every contact with the upload's tag. */
export function csvAudienceOf(tagId: string): FilterAudience {
  return { kind: "filter", filter: { condition: "tags", match: "any", tag_ids: [tagId] } };
}

/** The variables of the columns mapped to custom fields, in the file's column order. */
export function variablesOf(mapping: Mapping): string[] {
  return mappingBody(mapping)
    .map((column) => column.field)
    .filter((field) => field.startsWith(FIELD_TARGET));
}

const TAG_NAME_MAX = 64; // the crm's limit

type Stage = "upload" | "map" | "preview" | "options" | "run" | "report";
const STAGES: Stage[] = ["upload", "map", "preview", "options", "run"];

interface Started {
  importId: string;
  jobId: string | null;
  tagId: string;
  tagName: string;
}

export function CsvAudience({
  campaignName,
  chosen,
  onAudience,
  onCancel,
}: {
  /** Names the upload's tag; the day's date when the campaign has no name yet. */
  campaignName?: string;
  /** The CSV audience already picked, shown until another file replaces it. */
  chosen?: CsvAudienceSummary | null;
  onAudience: (audience: FilterAudience, summary: CsvAudienceSummary) => void;
  onCancel?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [stage, setStage] = useState<Stage>("upload");
  const [replacing, setReplacing] = useState(false);
  const [analysis, setAnalysis] = useState<ImportAnalysis | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [phoneAsked, setPhoneAsked] = useState(false);
  const [started, setStarted] = useState<Started | null>(null);

  const restart = () => {
    setAnalysis(null);
    setMapping({});
    setPhoneAsked(false);
    setStarted(null);
    setStage("upload");
  };
  const cancel = () => {
    restart();
    setReplacing(false);
    onCancel?.();
  };
  const phoneMapped = Object.values(mapping).includes("phone");
  const filename = analysis?.filename || t("campaignCsv.aFile");

  if (chosen && !replacing) {
    return (
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          {t("campaignCsv.chosen")}
        </Text>
        <Text size="sm" data-testid="csv-audience-summary">
          {chosen.text}
        </Text>
        <Variables variables={chosen.variables} />
        <Group>
          <Button variant="default" onClick={() => setReplacing(true)}>
            {t("campaignCsv.another")}
          </Button>
        </Group>
      </Stack>
    );
  }

  const number = Math.min(STAGES.indexOf(stage === "report" ? "run" : stage) + 1, STAGES.length);
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("campaignCsv.title")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("campaignCsv.intro")}
      </Text>
      <Text size="sm" fw={500} aria-live="polite">
        {t("campaignCsv.step", { step: number, name: t(`campaignCsv.steps.${stage}`) })}
      </Text>
      {stage === "upload" && (
        <UploadStep
          onUploaded={(uploaded) => {
            setAnalysis(uploaded);
            setMapping(suggestedMapping(uploaded));
            setStage("map");
          }}
        />
      )}
      {stage === "map" && analysis && (
        <>
          {!phoneMapped && (
            // Said again, in red, when Preview is pressed without one.
            <Alert color={phoneAsked ? "red.9" : "yellow"} variant={phoneAsked ? "light" : "outline"}>
              {t("campaignCsv.needPhone")}
            </Alert>
          )}
          <MappingStep
            analysis={analysis}
            mapping={mapping}
            onChange={setMapping}
            onBack={restart}
            onNext={() => (phoneMapped ? setStage("preview") : setPhoneAsked(true))}
          />
        </>
      )}
      {stage === "preview" && analysis && (
        <PreviewStep analysis={analysis} mapping={mapping} onBack={() => setStage("map")} onNext={() => setStage("options")} />
      )}
      {stage === "options" && analysis && (
        <StartImport
          analysis={analysis}
          mapping={mapping}
          campaignName={campaignName}
          onBack={() => setStage("preview")}
          onStarted={(next) => {
            setStarted(next);
            setStage(next.jobId ? "run" : "report");
          }}
        />
      )}
      {stage === "run" && started?.jobId && <RunStep jobId={started.jobId} onDone={() => setStage("report")} />}
      {stage === "report" && started && (
        <CsvAudienceReport
          importId={started.importId}
          tagId={started.tagId}
          onUse={(contacts, rejected) => {
            const summaryText =
              t("campaignCsv.summary", { count: contacts, contacts: contacts.toLocaleString(i18n.language), file: filename }) +
              (rejected > 0 ? t("campaignCsv.summaryRejected", { count: rejected, rejected: rejected.toLocaleString(i18n.language) }) : "");
            const summary: CsvAudienceSummary = {
              text: summaryText,
              filename,
              contacts,
              rejected,
              importId: started.importId,
              tagId: started.tagId,
              tagName: started.tagName,
              variables: variablesOf(mapping),
            };
            setReplacing(false);
            onAudience(csvAudienceOf(started.tagId), summary);
          }}
          onAnother={restart}
        />
      )}
      {stage === "report" && <Variables variables={variablesOf(mapping)} />}
      {stage !== "run" && stage !== "report" && (onCancel || chosen) && (
        <Group>
          <Button variant="subtle" color="gray" onClick={cancel}>
            {t("campaignCsv.cancel")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Variables({ variables }: { variables: string[] }) {
  const { t } = useTranslation();
  if (variables.length === 0) return null;
  return (
    <Text size="sm" c="dimmed">
      {t("campaignCsv.variables", { variables: variables.map((name) => `{{${name}}}`).join(", ") })}
    </Text>
  );
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

/** The import's options for a campaign, and its start: existing contacts are always updated
 *  (a skipped one would not get the tag, and so would not receive the campaign); consent is
 *  recorded only when asked. */
function StartImport({
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
