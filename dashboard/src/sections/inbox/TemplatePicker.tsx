// The template form of the composer, for when the 24-hour window is closed: a searchable
// list of the approved templates of the conversation's number; picking one fills its
// language and asks for exactly its variables ({{1}}, {{2}}…), with the body previewed as it
// will be sent. When the number has no approved template, or the list cannot be loaded, the
// agent types the template's name, language and variables by hand instead.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconRefresh, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, Fragment, type ReactNode, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { type ChannelTemplate, fetchTemplates } from "../../api/channels";
import type { Reply } from "./queries";

export type TemplateReply = Extract<Reply, { type: "template" }>;

export const templateKeys = {
  /** the approved templates of one channel account (number) */
  list: (accountId: string) => ["channels", "templates", accountId] as const,
};

interface TemplatePickerProps {
  /** The conversation's channel account: undefined while it is not known yet, null when it
   *  cannot be known (then the name is typed by hand). */
  accountId: string | null | undefined;
  sending: boolean;
  onSend: (reply: TemplateReply) => void;
}

export function TemplatePicker({ accountId, sending, onSend }: TemplatePickerProps) {
  const { t } = useTranslation();
  const templates = useQuery({
    queryKey: templateKeys.list(accountId ?? ""),
    queryFn: () => fetchTemplates(accountId!),
    enabled: Boolean(accountId),
    staleTime: 60_000,
  });

  if (accountId === null || templates.isError) {
    return (
      <TypedTemplateForm
        sending={sending}
        onSend={onSend}
        notice={
          <Alert color="gray" title={t("inbox.composer.templatesFailed")}>
            <Group justify="space-between" gap="xs">
              <Stack gap={2}>
                {templates.error?.message && <Text size="sm">{templates.error.message}</Text>}
                <Text size="sm">{t("inbox.composer.typeName")}</Text>
              </Stack>
              {accountId && (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconRefresh size={14} />}
                  loading={templates.isFetching}
                  onClick={() => void templates.refetch()}
                >
                  {t("inbox.retry")}
                </Button>
              )}
            </Group>
          </Alert>
        }
      />
    );
  }
  if (!templates.data) {
    return (
      <Select
        label={t("inbox.composer.template")}
        placeholder={t("inbox.composer.templatesLoading")}
        data={[]}
        disabled
        rightSection={<Loader size="xs" />}
      />
    );
  }
  if (templates.data.length === 0) {
    return (
      <TypedTemplateForm
        sending={sending}
        onSend={onSend}
        notice={
          <Alert color="gray" title={t("inbox.composer.noTemplates")}>
            {t("inbox.composer.typeName")}
          </Alert>
        }
      />
    );
  }
  return <PickedTemplateForm templates={templates.data} sending={sending} onSend={onSend} />;
}

const keyOf = (template: ChannelTemplate) => `${template.name}|${template.language}`;

/** The template's body with the variables typed so far in place of {{1}}, {{2}}…; the
 *  placeholders still empty stay as they are, dimmed. */
function Preview({ template, values }: { template: ChannelTemplate; values: string[] }) {
  const { t } = useTranslation();
  const titleId = useId();
  const parts = template.body.split(/(\{\{\d+\}\})/);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={titleId}>
        {t("inbox.composer.preview")}
      </Text>
      <Paper
        withBorder
        p="sm"
        role="region"
        aria-labelledby={titleId}
        bg="var(--mantine-color-default-hover)"
        style={{ maxHeight: "30vh", overflowY: "auto" }}
        tabIndex={0}
      >
        {template.header && (
          <Text size="sm" fw={700}>
            {template.header}
          </Text>
        )}
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {parts.map((part, index) => {
            const match = /^\{\{(\d+)\}\}$/.exec(part);
            if (!match) return <Fragment key={index}>{part}</Fragment>;
            const value = values[Number(match[1]) - 1]?.trim();
            return value ? (
              <Text key={index} span inherit fw={600}>
                {value}
              </Text>
            ) : (
              <Text key={index} span inherit c="dimmed">
                {part}
              </Text>
            );
          })}
        </Text>
        {template.footer && (
          <Text size="xs" c="dimmed">
            {template.footer}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

function PickedTemplateForm({
  templates,
  sending,
  onSend,
}: {
  templates: ChannelTemplate[];
  sending: boolean;
  onSend: (reply: TemplateReply) => void;
}) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const [values, setValues] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const byKey = useMemo(() => new Map(templates.map((item) => [keyOf(item), item])), [templates]);
  const template = picked ? byKey.get(picked) : undefined;
  const category = (item: ChannelTemplate) =>
    t(`inbox.composer.category.${item.category}`, { defaultValue: item.category });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!template || values.some((value) => !value.trim())) return;
    onSend({
      type: "template",
      name: template.name,
      language: template.language,
      variables: values.map((value) => value.trim()),
    });
  };

  return (
    <form onSubmit={submit} aria-label={t("inbox.composer.sendTemplate")} noValidate>
      <Stack gap="xs">
        <Group grow align="flex-start">
          <Select
            label={t("inbox.composer.template")}
            placeholder={t("inbox.composer.templatePlaceholder")}
            nothingFoundMessage={t("inbox.composer.nothingFound")}
            searchable
            allowDeselect={false}
            data={templates.map((item) => ({
              value: keyOf(item),
              label: `${item.name} · ${item.language}`,
            }))}
            renderOption={({ option }) => {
              const item = byKey.get(option.value);
              return item ? (
                <div>
                  <Text size="sm">{item.name}</Text>
                  <Text size="xs" c="dimmed">
                    {item.language} · {category(item)}
                  </Text>
                </div>
              ) : (
                option.label
              );
            }}
            value={picked}
            error={tried && !template ? t("inbox.composer.pickRequired") : null}
            onChange={(value) => {
              const next = value ? byKey.get(value) : undefined;
              setPicked(value);
              setValues(Array.from({ length: next?.variables ?? 0 }, () => ""));
              setTried(false);
            }}
          />
          <TextInput
            label={t("inbox.composer.language")}
            value={template?.language ?? ""}
            readOnly
            style={{ flexGrow: 0, flexBasis: "8rem" }}
          />
        </Group>
        {template && (
          <>
            {template.variables > 0 ? (
              <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
                <Text component="legend" size="sm" fw={500} mb={4}>
                  {t("inbox.composer.variables")}
                </Text>
                <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="xs" verticalSpacing="xs">
                  {values.map((value, index) => (
                    <TextInput
                      key={`${picked}-${index}`}
                      label={`{{${index + 1}}}`}
                      value={value}
                      error={tried && !value.trim() ? t("inbox.composer.variableRequired") : null}
                      onChange={(event) => {
                        const next = [...values];
                        next[index] = event.currentTarget.value;
                        setValues(next);
                      }}
                    />
                  ))}
                </SimpleGrid>
              </fieldset>
            ) : (
              <Text size="sm" c="dimmed">
                {t("inbox.composer.noVariables")}
              </Text>
            )}
            <Preview template={template} values={values} />
          </>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={sending}>
            {t("inbox.composer.sendTemplate")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The fallback: the template's name, language and variables typed by hand. */
function TypedTemplateForm({
  notice,
  sending,
  onSend,
}: {
  notice: ReactNode;
  sending: boolean;
  onSend: (reply: TemplateReply) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [language, setLanguage] = useState("pt_BR");
  const [variables, setVariables] = useState<string[]>([]);
  const [tried, setTried] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!name.trim() || variables.some((value) => !value.trim())) return;
    onSend({
      type: "template",
      name: name.trim(),
      language: language.trim() || "pt_BR",
      variables: variables.map((value) => value.trim()),
    });
  };

  return (
    <form onSubmit={submit} aria-label={t("inbox.composer.sendTemplate")} noValidate>
      <Stack gap="xs">
        {notice}
        <Group grow align="flex-start">
          <TextInput
            label={t("inbox.composer.templateName")}
            value={name}
            error={tried && !name.trim() ? t("inbox.composer.nameRequired") : null}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <TextInput
            label={t("inbox.composer.language")}
            value={language}
            onChange={(event) => setLanguage(event.currentTarget.value)}
          />
        </Group>
        <Text size="sm" fw={500}>
          {t("inbox.composer.variables")}
        </Text>
        {variables.map((value, index) => (
          <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
            <TextInput
              style={{ flex: 1 }}
              aria-label={t("inbox.composer.variable", { n: index + 1 })}
              placeholder={`{{${index + 1}}}`}
              value={value}
              error={tried && !value.trim() ? t("inbox.composer.variableRequired") : null}
              onChange={(event) => {
                const next = [...variables];
                next[index] = event.currentTarget.value;
                setVariables(next);
              }}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              mt={4}
              aria-label={t("inbox.composer.removeVariable", { n: index + 1 })}
              onClick={() => setVariables(variables.filter((_, other) => other !== index))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group justify="space-between">
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => setVariables([...variables, ""])}
          >
            {t("inbox.composer.addVariable")}
          </Button>
          <Button type="submit" loading={sending}>
            {t("inbox.composer.sendTemplate")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
