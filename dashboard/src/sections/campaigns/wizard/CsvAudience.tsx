// A campaign's audience from a CSV file, through the crm's own contacts import: the file is
// uploaded and read (UploadStep), its columns mapped (MappingStep, a phone column required:
// campaigns go to phones), its first rows previewed with their problems (PreviewStep), then
// imported with a tag made for this upload alone (so only this file's rows match it), with
// live progress (RunStep) and a report; the audience is then the crm filter "has that tag".
// Every row becomes or updates a crm contact, so consent and opt-outs are the crm's as for
// any contact, and columns mapped to custom fields are {{fields.<key>}} in the message.
// Everything here is the component's own state: leaving it leaves the wizard as it was.
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ImportAnalysis } from "../../contacts/crm";
import { type Mapping, MappingStep, suggestedMapping } from "../../contacts/import/MappingStep";
import { PreviewStep } from "../../contacts/import/PreviewStep";
import { RunStep } from "../../contacts/import/RunStep";
import { UploadStep } from "../../contacts/import/UploadStep";
import { CsvAudienceReport } from "./CsvAudienceReport";
import { CsvAudienceStart, type Started } from "./CsvAudienceStart";
import { type CsvAudienceSummary, type FilterAudience, csvAudienceOf, variablesOf } from "./csvAudienceFilter";

export type { CsvAudienceSummary, FilterAudience } from "./csvAudienceFilter";

type Stage = "upload" | "map" | "preview" | "options" | "run" | "report";
const STAGES: Stage[] = ["upload", "map", "preview", "options", "run"];

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
        <CsvAudienceStart
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
