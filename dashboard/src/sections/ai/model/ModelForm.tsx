// The company's model: an OpenAI-compatible base URL, a write-only key (only its last four
// characters come back), the chat model and a monthly budget; a test that shows the
// provider's own error when it fails.
import { Alert, Button, Group, NumberInput, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconPlugConnected } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ModelSettings, deleteModelSettings, saveModelSettings, testModel } from "../../../api/aiApi";
import { ApiError } from "../../../api/client";
import { describeProblem } from "../../team/problem";
import { aiKeys } from "../queries";

interface ModelValues {
  base_url: string;
  api_key: string;
  chat_model: string;
  monthly_budget_usd: number | string;
}

const valuesOf = (settings: ModelSettings | null): ModelValues => ({
  base_url: settings?.base_url ?? "https://api.openai.com/v1",
  api_key: "",
  chat_model: settings?.chat_model ?? "",
  monthly_budget_usd: settings?.monthly_budget_usd == null ? "" : Number(settings.monthly_budget_usd),
});

const FIELDS = ["base_url", "api_key", "chat_model", "monthly_budget_usd"];

export function ModelForm({ settings, canEdit }: { settings: ModelSettings | null; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<ModelValues>({
    mode: "controlled",
    initialValues: valuesOf(settings),
    validate: {
      base_url: (value) => (/^https?:\/\/\S+$/i.test(value.trim()) ? null : t("ai.model.baseUrlInvalid")),
      chat_model: (value) => (value.trim() ? null : t("ai.model.chatModelRequired")),
    },
  });
  const saved = (next: ModelSettings | null) => {
    queryClient.setQueryData(aiKeys.model, next);
    form.setValues(valuesOf(next));
    form.resetDirty();
    setFailure(null);
  };
  const save = useMutation({
    mutationFn: (values: ModelValues) =>
      saveModelSettings({
        base_url: values.base_url.trim(),
        // Omitted keeps the saved key; the field never shows it.
        ...(values.api_key ? { api_key: values.api_key } : {}),
        chat_model: values.chat_model.trim(),
        // Prices stay as saved (or the well-known model's list price).
        input_price_per_million_usd: settings ? Number(settings.input_price_per_million_usd) : null,
        output_price_per_million_usd: settings ? Number(settings.output_price_per_million_usd) : null,
        timeout_seconds: settings?.timeout_seconds ?? 30,
        embedding_model: settings?.embedding_model ?? null,
        monthly_budget_usd: values.monthly_budget_usd === "" ? null : Number(values.monthly_budget_usd),
      }),
    onSuccess: (next) => {
      saved(next);
      test.reset();
      notifications.show({ color: "green", message: t("ai.model.saved") });
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        for (const entry of error.problem?.errors ?? []) {
          const field = entry.loc[1];
          if (typeof field === "string" && FIELDS.includes(field)) form.setFieldError(field, entry.msg);
        }
        if (error.code === "model_url_refused") form.setFieldError("base_url", error.message);
      }
      setFailure(describeProblem((error as ApiError).problem, t("ai.model.saveFailed")));
    },
  });
  const remove = useMutation({
    mutationFn: deleteModelSettings,
    onSuccess: () => {
      saved(null);
      test.reset();
      notifications.show({ color: "green", message: t("ai.model.removed") });
    },
    onError: (error) => setFailure(describeProblem((error as ApiError).problem, t("ai.model.saveFailed"))),
  });
  const test = useMutation({ mutationFn: testModel });

  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack gap="sm" maw={560}>
        {!settings && <Text c="dimmed">{t("ai.model.notConfigured")}</Text>}
        {!canEdit && <Text size="sm" c="dimmed">{t("ai.model.readOnly")}</Text>}
        <TextInput label={t("ai.model.baseUrl")} readOnly={!canEdit} required {...form.getInputProps("base_url")} />
        <PasswordInput
          label={t("ai.model.apiKey")}
          description={
            settings?.has_key && settings.key_last4
              ? `${t("ai.model.apiKeySaved", { last4: settings.key_last4 })}. ${t("ai.model.apiKeyHint")}`
              : t("ai.model.apiKeyHint")
          }
          autoComplete="off"
          readOnly={!canEdit}
          {...form.getInputProps("api_key")}
        />
        <TextInput label={t("ai.model.chatModel")} readOnly={!canEdit} required placeholder="gpt-4o-mini" {...form.getInputProps("chat_model")} />
        <NumberInput
          label={t("ai.model.budget")}
          description={t("ai.model.budgetHint")}
          min={0}
          decimalScale={2}
          prefix="$ "
          readOnly={!canEdit}
          {...form.getInputProps("monthly_budget_usd")}
        />
        {failure && (
          <Alert color="red" title={t("ai.model.saveFailed")}>
            {failure}
          </Alert>
        )}
        {test.isSuccess && (
          <Alert color="green" title={t("ai.model.testOk")} role="status">
            {t("ai.model.testOkBody", { model: test.data.model, ms: test.data.latency_ms })}
            {test.data.reply && <Text size="sm" mt={4}>“{test.data.reply}”</Text>}
          </Alert>
        )}
        {test.isError && (
          <Alert color="red" title={t("ai.model.testFailed")} role="alert">
            {describeProblem((test.error as ApiError).problem, (test.error as Error).message)}
          </Alert>
        )}
        {canEdit && (
          <Group justify="space-between">
            <Group gap="xs">
              <Button type="submit" loading={save.isPending}>
                {t("ai.model.save")}
              </Button>
              <Button
                variant="light"
                leftSection={<IconPlugConnected size={16} />}
                disabled={!settings || form.isDirty()}
                loading={test.isPending}
                onClick={() => test.mutate()}
              >
                {t("ai.model.test")}
              </Button>
            </Group>
            {settings && (
              <Button color="red" variant="subtle" loading={remove.isPending} onClick={() => remove.mutate()}>
                {t("ai.model.remove")}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}
