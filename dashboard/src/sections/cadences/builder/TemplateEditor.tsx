// A send step's approved Meta template (WhatsApp only): one of the number's approved
// templates, and what fills each of its placeholders ({{1}}… or named ones) in the body and
// the header: a contact's detail such as first_name|cliente, or a fixed text.
import { Alert, Select, Stack, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { CadenceTemplateMessage } from "../../../api/cadencesApi";
import { type ChannelTemplate, fetchTemplates } from "../../../api/channels";
import { cadenceKeys } from "../queries";
import { type StepDraft, placeholdersOf } from "../steps";

type Send = Extract<StepDraft, { type: "send" }>;
const EXAMPLE = "first_name|cliente";
const keyOf = (template: { name: string; language: string }) => `${template.name}\u0000${template.language}`;

/** The template as a send step carries it, every placeholder mapped to nothing yet. */
function messageOf(template: ChannelTemplate): CadenceTemplateMessage {
  const empty = (text: string | null) => {
    const placeholders = placeholdersOf(text);
    return placeholders.length ? Object.fromEntries(placeholders.map((p) => [p, ""])) : null;
  };
  const category = template.category.toLowerCase();
  return {
    type: "template",
    name: template.name,
    language: template.language,
    category: (["marketing", "utility", "authentication"].includes(category)
      ? category
      : "marketing") as CadenceTemplateMessage["category"],
    body: template.body,
    body_mapping: empty(template.body),
    button_index: 0,
    ...(template.header ? { header_text: template.header, header_mapping: empty(template.header) } : {}),
  };
}

interface TemplateEditorProps {
  step: Send;
  accountId: string | null;
  onChange: (step: Send) => void;
  problems: string[];
}

export function TemplateEditor({ step, accountId, onChange, problems }: TemplateEditorProps) {
  const { t } = useTranslation();
  const templates = useQuery({
    queryKey: cadenceKeys.templates(accountId ?? ""),
    queryFn: () => fetchTemplates(accountId!),
    enabled: Boolean(accountId),
  });
  const approved = (templates.data ?? []).filter((template) => template.status.toUpperCase() === "APPROVED");
  const current = step.template;
  const data = approved.map((template) => ({ value: keyOf(template), label: `${template.name} (${template.language})` }));
  if (current && !data.some((item) => item.value === keyOf(current)))
    data.unshift({ value: keyOf(current), label: `${current.name} (${current.language})` });
  const setMapping = (part: "body" | "header", placeholder: string, value: string) => {
    if (!current) return;
    const field = part === "body" ? "body_mapping" : "header_mapping";
    onChange({ ...step, template: { ...current, [field]: { ...(current[field] ?? {}), [placeholder]: value } } });
  };
  const missing = (part: "body" | "header", placeholder: string) =>
    problems.includes("mappingRequired") &&
    !(part === "body" ? current?.body_mapping : current?.header_mapping)?.[placeholder]?.trim();

  if (!accountId && !current) return <Text size="sm">{t("cadences.builder.chooseAccountFirst")}</Text>;
  return (
    <Stack gap="xs">
      <Text size="xs" c="dimmed">
        {t("cadences.builder.templateHintNew")}
      </Text>
      {templates.isError && <Alert color="red">{t("cadences.builder.templatesFailed")}</Alert>}
      {templates.isSuccess && approved.length === 0 && !current && (
        <Text size="sm">{t("cadences.builder.noTemplates")}</Text>
      )}
      <Select
        label={t("cadences.builder.pickTemplate")}
        data={data}
        value={current ? keyOf(current) : null}
        onChange={(value) => {
          const picked = approved.find((template) => keyOf(template) === value);
          if (picked) onChange({ ...step, template: messageOf(picked) });
        }}
        searchable
        allowDeselect={false}
        error={problems.includes("templateRequired") ? t("cadences.builder.problems.templateRequired") : undefined}
        maw={420}
      />
      {current && (
        <>
          {current.header_text && (
            <Text size="sm" fw={600}>
              {current.header_text}
            </Text>
          )}
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {current.body}
          </Text>
          {(["header", "body"] as const).flatMap((part) =>
            placeholdersOf(part === "body" ? current.body : current.header_text).map((placeholder) => (
              <TextInput
                key={`${part}-${placeholder}`}
                label={t("cadences.builder.placeholder", {
                  part: t(`cadences.builder.parts.${part}`),
                  placeholder: `{{${placeholder}}}`,
                })}
                description={t("cadences.builder.placeholderHint", { example: EXAMPLE })}
                value={(part === "body" ? current.body_mapping : current.header_mapping)?.[placeholder] ?? ""}
                onChange={(event) => setMapping(part, placeholder, event.currentTarget.value)}
                error={missing(part, placeholder) ? t("cadences.builder.problems.mappingRequired") : undefined}
                maw={420}
              />
            )),
          )}
        </>
      )}
    </Stack>
  );
}
