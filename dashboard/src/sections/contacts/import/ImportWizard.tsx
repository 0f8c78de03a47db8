// The import wizard: upload a CSV (the crm reads its encoding, delimiter and columns) → map
// the columns to contact fields and custom fields (suggested from the headers) → preview the
// first rows with their errors → options (tags, existing contacts, consent) → run as a job
// with live progress → the report, with the rejected rows to download.
import { Anchor, Group, Stack, Stepper, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ImportAnalysis } from "../crm";
import { type Mapping, MappingStep, suggestedMapping } from "./MappingStep";
import { OptionsStep } from "./OptionsStep";
import { PreviewStep } from "./PreviewStep";
import { ReportStep, RunStep } from "./RunStep";
import { UploadStep } from "./UploadStep";

export default function ImportWizard() {
  const { t } = useTranslation();
  const [step, setStep] = useState(0);
  const [analysis, setAnalysis] = useState<ImportAnalysis | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [jobId, setJobId] = useState<string | null>(null);

  const restart = () => {
    setAnalysis(null);
    setMapping({});
    setJobId(null);
    setStep(0);
  };

  return (
    <Stack gap="md" maw={1100}>
      <Anchor component={Link} to="/contacts" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("contacts.detail.back")}
        </Group>
      </Anchor>
      <div>
        <Title order={2}>{t("contacts.imports.title")}</Title>
        <Text c="dimmed">{t("contacts.imports.subtitle")}</Text>
      </div>
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={(index) => !jobId && setStep(index)}>
        <Stepper.Step label={t("contacts.imports.steps.upload")}>
          <UploadStep
            onUploaded={(uploaded) => {
              setAnalysis(uploaded);
              setMapping(suggestedMapping(uploaded));
              setStep(1);
            }}
          />
        </Stepper.Step>
        <Stepper.Step label={t("contacts.imports.steps.map")}>
          {analysis && (
            <MappingStep
              analysis={analysis}
              mapping={mapping}
              onChange={setMapping}
              onBack={restart}
              onNext={() => setStep(2)}
            />
          )}
        </Stepper.Step>
        <Stepper.Step label={t("contacts.imports.steps.preview")}>
          {analysis && (
            <PreviewStep
              analysis={analysis}
              mapping={mapping}
              onBack={() => setStep(1)}
              onNext={() => setStep(3)}
            />
          )}
        </Stepper.Step>
        <Stepper.Step label={t("contacts.imports.steps.options")}>
          {analysis && (
            <OptionsStep
              importId={analysis.id}
              mapping={mapping}
              onBack={() => setStep(2)}
              onStarted={(started) => {
                setJobId(started.job_id);
                setStep(started.job_id ? 4 : 5);
              }}
            />
          )}
        </Stepper.Step>
        <Stepper.Step label={t("contacts.imports.steps.run")}>
          {jobId && <RunStep jobId={jobId} onDone={() => setStep(5)} />}
        </Stepper.Step>
        <Stepper.Completed>
          {analysis && <ReportStep importId={analysis.id} onAgain={restart} />}
        </Stepper.Completed>
      </Stepper>
    </Stack>
  );
}
