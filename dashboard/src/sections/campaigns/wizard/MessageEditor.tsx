// One message of a campaign, with its preview on a phone: a text with {{variables}}, or one
// of the number's approved Meta templates with what fills each of its placeholders.
import { Alert, Grid, Loader, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { fetchTemplates } from "../../../api/channels";
import { templateKeys } from "../../inbox/TemplatePicker";
import { PhoneFrame } from "../../templates/PhoneFrame";
import { VARIABLE_HINT } from "../preview";
import { VariableButtons } from "../VariableButtons";
import { BODY_MAX, type MessageDraft, type WizardValues, placeholdersOf } from "./draft";
import { LibraryPicker } from "./LibraryPicker";
import { type SampleContact, renderMessage } from "./sample";

interface MessageEditorProps {
  form: UseFormReturnType<WizardValues>;
  /** Where the message is in the values: "message" or "variants.<n>.message". */
  path: string;
  message: MessageDraft;
  accountId: string | null;
  /** The number is an SMS account. */
  sms: boolean;
  sample: SampleContact;
  /** A label that tells this editor from the others on the page (an A/B variant's). */
  labelSuffix?: string;
}

const templateKey = (name: string, language: string) => `${name}\u0000${language}`;

export function MessageEditor({ form, path, message, accountId, sms, sample, labelSuffix = "" }: MessageEditorProps) {
  const { t } = useTranslation();
  const area = useRef<HTMLTextAreaElement>(null);
  const templates = useQuery({
    queryKey: templateKeys.list(accountId ?? ""),
    queryFn: () => fetchTemplates(accountId!),
    enabled: message.type === "template" && Boolean(accountId),
    staleTime: 60_000,
  });
  const error = (field: string) => form.errors[`${path}.${field}`] as string | undefined;
  const rendered = renderMessage(message, sample);
  const mappingInputs = (part: "bodyMapping" | "headerMapping", text: string | null | undefined, labelKey: string) =>
    placeholdersOf(text).map((placeholder) => (
      <TextInput
        key={`${part}-${placeholder}`}
        label={t(labelKey, { placeholder: `{{${placeholder}}}` }) + labelSuffix}
        description={t("campaigns.wizard.message.mappingHint")}
        placeholder="first_name|cliente"
        withAsterisk
        value={message[part][placeholder] ?? ""}
        error={error(`${part}.${placeholder}`)}
        onChange={(event) => form.setFieldValue(`${path}.${part}.${placeholder}`, event.currentTarget.value)}
      />
    ));

  return (
    <Grid gutter="lg">
      <Grid.Col span={{ base: 12, md: 7 }}>
        {message.type === "text" ? (
          <Stack gap="xs">
            <Textarea
              ref={area}
              label={t("campaigns.form.body") + labelSuffix}
              description={t("campaigns.form.bodyHint", { variables: VARIABLE_HINT })}
              withAsterisk
              autosize
              minRows={5}
              maxLength={BODY_MAX}
              value={message.body}
              error={error("body")}
              onChange={(event) => form.setFieldValue(`${path}.body`, event.currentTarget.value)}
            />
            <VariableButtons
              text={message.body}
              area={area}
              labelSuffix={labelSuffix}
              onChange={(body) => form.setFieldValue(`${path}.body`, body)}
            />
          </Stack>
        ) : !accountId ? (
          <Text size="sm" c="dimmed">
            {t("campaigns.wizard.message.chooseAccountFirst")}
          </Text>
        ) : message.type === "library" ? (
          <LibraryPicker
            accountId={accountId}
            sms={sms}
            value={message.library}
            error={error("library")}
            label={t("campaigns.wizard.message.libraryPick") + labelSuffix}
            onChange={(template) => form.setFieldValue(`${path}.library`, template)}
          />
        ) : templates.isPending ? (
          <Loader size="sm" aria-label={t("campaigns.wizard.message.templatePick")} />
        ) : templates.isError ? (
          <Alert color="red" title={t("campaigns.wizard.message.templatesFailed")}>
            {templates.error.message}
          </Alert>
        ) : templates.data.length === 0 ? (
          <Alert color="gray">{t("campaigns.wizard.message.noTemplates")}</Alert>
        ) : (
          <Stack gap="sm">
            <Select
              label={t("campaigns.wizard.message.templatePick") + labelSuffix}
              description={t("campaigns.wizard.message.templatePickHint")}
              withAsterisk
              searchable
              data={templates.data.map((template) => ({
                value: templateKey(template.name, template.language),
                label: `${template.name} · ${template.language}`,
              }))}
              value={message.template ? templateKey(message.template.name, message.template.language) : null}
              error={error("template")}
              onChange={(value) => {
                const chosen = templates.data.find((template) => templateKey(template.name, template.language) === value) ?? null;
                form.setFieldValue(`${path}.template`, chosen);
                form.setFieldValue(`${path}.bodyMapping`, {});
                form.setFieldValue(`${path}.headerMapping`, {});
              }}
            />
            {message.template && mappingInputs("headerMapping", message.template.header, "campaigns.wizard.message.headerMapping")}
            {message.template && mappingInputs("bodyMapping", message.template.body, "campaigns.wizard.message.mapping")}
          </Stack>
        )}
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <PhoneFrame
          label={t("campaigns.wizard.message.preview") + labelSuffix}
          caption={
            sample.name
              ? t("campaigns.wizard.message.previewWith", { name: sample.name })
              : t("campaigns.wizard.message.previewSample")
          }
          header={rendered.header}
          body={rendered.body}
          footer={rendered.footer}
          buttons={rendered.buttons}
          empty={t("campaigns.wizard.message.previewEmpty")}
        />
      </Grid.Col>
    </Grid>
  );
}
