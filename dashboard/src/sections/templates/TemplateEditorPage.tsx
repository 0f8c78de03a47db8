// A template of the library, new or saved: name, channel, language, category; for WhatsApp a
// header text, the body with {{variables}} and fallbacks, a footer and buttons; for SMS the
// body with its segment count. A live preview on a phone beside it; problems the service
// finds (a variable written wrong, a taken name) next to the field they are in.
import { Alert, Anchor, Button, Grid, Group, Loader, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { type Template, createTemplate, getTemplate, updateTemplate } from "../../api/campaignsApi";
import { ApiError, problemMessage } from "../../api/client";
import { VARIABLE_HINT } from "../campaigns/preview";
import { atLeast, useAccess } from "../team/roles";
import { DeleteTemplateDialog } from "./DeleteTemplateDialog";
import { SubmitToMetaButton, canSubmit } from "./MetaActions";
import { MetaStatus } from "./MetaStatus";
import { templateLibraryKeys, useDeleteTemplate } from "./queries";
import {
  BODY_MAX,
  CATEGORIES,
  FOOTER_MAX,
  HEADER_MAX,
  NEW_TEMPLATE,
  type TemplateValues,
  problemPaths,
  requestOf,
  validate,
  valuesOf,
} from "./template";
import { MetaMappings } from "./MetaMappings";
import { TemplateButtons } from "./TemplateButtons";
import { TemplatePreview } from "./TemplatePreview";

export default function TemplateEditorPage() {
  const { t } = useTranslation();
  const { templateId } = useParams();
  const template = useQuery({
    queryKey: templateLibraryKeys.detail(templateId ?? ""),
    queryFn: () => getTemplate(templateId!),
    enabled: Boolean(templateId),
  });

  const back = (
    <Anchor component={Link} to="/templates" size="sm">
      {t("templates.editor.back")}
    </Anchor>
  );
  if (templateId && template.isPending) {
    return (
      <Stack>
        {back}
        <Loader size="sm" aria-label={t("templates.loading")} />
      </Stack>
    );
  }
  if (templateId && template.isError) {
    const missing = template.error instanceof ApiError && template.error.status === 404;
    return (
      <Stack>
        {back}
        <Alert color="red" title={missing ? t("templates.editor.notFound") : t("templates.editor.loadFailed")}>
          {!missing && (
            <Button size="xs" variant="light" onClick={() => void template.refetch()}>
              {t("templates.retry")}
            </Button>
          )}
        </Alert>
      </Stack>
    );
  }
  // Keyed by the template: another template (or a new one) starts a fresh form.
  return <TemplateForm key={templateId ?? "new"} saved={template.data ?? null} back={back} />;
}

function TemplateForm({ saved, back }: { saved: Template | null; back: React.ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { role } = useAccess();
  const canManage = atLeast(role, "manager");
  const [problem, setProblem] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const form = useForm<TemplateValues>({
    mode: "controlled",
    initialValues: saved ? valuesOf(saved) : NEW_TEMPLATE,
    validate: (values) => validate(values, t),
  });
  const whatsapp = form.values.channel === "whatsapp";
  // Meta's texts of an imported template are not ours to change: only its name and mappings.
  const imported = saved?.origin === "meta";

  const save = useMutation({
    mutationFn: (values: TemplateValues) => {
      const body = requestOf(values);
      if (!saved) return createTemplate(body);
      if (saved.origin === "meta") {
        const mappings = Object.fromEntries(
          Object.entries(values.mappings).map(([part, mapping]) => [
            part,
            Object.fromEntries(Object.entries(mapping).filter(([, variable]) => variable.trim()).map(([key, variable]) => [key, variable.trim()])),
          ]),
        );
        return updateTemplate(saved.id, { name: body.name, mappings });
      }
      const { channel: _fixed, ...changes } = body;
      return updateTemplate(saved.id, changes);
    },
    onSuccess: (result) => {
      setProblem(null);
      queryClient.setQueryData(templateLibraryKeys.detail(result.id), result);
      void queryClient.invalidateQueries({ queryKey: templateLibraryKeys.all, refetchType: "none" });
      notifications.show({ color: "green", message: t(saved ? "templates.editor.saved" : "templates.editor.created") });
      if (!saved) navigate(`/templates/${result.id}`, { replace: true });
      else form.resetDirty(valuesOf(result));
    },
    onError: (error) => {
      const errors = error instanceof ApiError ? problemPaths(error, form.values) : {};
      if (Object.keys(errors).length > 0) {
        form.setErrors(errors);
        setProblem(t("templates.editor.fixBelow"));
      } else {
        setProblem(problemMessage((error as { problem?: unknown }).problem, error.message));
      }
    },
  });
  const remove = useDeleteTemplate(() => {
    notifications.show({ color: "green", message: t("templates.deleted") });
    navigate("/templates");
  });

  return (
    <Stack gap="md" maw={1100}>
      {back}
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{saved ? t("templates.editor.editTitle") : t("templates.editor.newTitle")}</Title>
        {saved && (
          <Group gap="xs" aria-label={t("templates.editor.metaStatus")} role="group">
            <Text size="sm" c="dimmed">
              {t("templates.editor.metaStatus")}
            </Text>
            <MetaStatus template={saved} />
            {canManage && canSubmit(saved) && (
              <SubmitToMetaButton
                template={saved}
                onSubmitted={(submitted) => queryClient.setQueryData(templateLibraryKeys.detail(submitted.id), submitted)}
              />
            )}
          </Group>
        )}
      </Group>
      {saved?.mapping_needed && (
        <Alert color="yellow">{t("templates.metaActions.mappingNeeded", { where: saved.mapping_needed })}</Alert>
      )}
      <form noValidate aria-label={saved ? t("templates.editor.editTitle") : t("templates.editor.newTitle")} onSubmit={form.onSubmit((values) => save.mutate(values))}>
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="sm">
              {imported && <Text size="sm" c="dimmed">{t("templates.metaActions.imported")}</Text>}
              <TextInput label={t("templates.editor.name")} withAsterisk maxLength={200} {...form.getInputProps("name")} />
              <Group grow align="flex-start">
                <Select
                  label={t("templates.editor.channel")}
                  description={saved ? t("templates.editor.channelFixed") : undefined}
                  disabled={saved !== null}
                  allowDeselect={false}
                  data={[
                    { value: "whatsapp", label: t("templates.channel.whatsapp") },
                    { value: "sms", label: t("templates.channel.sms") },
                  ]}
                  {...form.getInputProps("channel")}
                />
                <TextInput
                  label={t("templates.editor.language")}
                  description={t("templates.editor.languageHint")}
                  maxLength={15}
                  disabled={imported}
                  {...form.getInputProps("language")}
                />
                <Select
                  label={t("templates.editor.category")}
                  description={t("templates.editor.categoryHint")}
                  allowDeselect={false}
                  data={CATEGORIES.map((category) => ({ value: category, label: t(`templates.category.${category}`) }))}
                  disabled={imported}
                  {...form.getInputProps("category")}
                />
              </Group>
              {whatsapp && (
                <TextInput
                  label={t("templates.editor.header")}
                  description={t("templates.editor.headerHint")}
                  maxLength={HEADER_MAX}
                  disabled={imported}
                  {...form.getInputProps("headerText")}
                />
              )}
              <Textarea
                label={t("templates.editor.body")}
                description={t("templates.editor.bodyHint", { variables: `${VARIABLE_HINT}, {{fields.plan}}` })}
                withAsterisk
                autosize
                minRows={5}
                maxLength={BODY_MAX}
                disabled={imported}
                {...form.getInputProps("body")}
              />
              {whatsapp && (
                <>
                  <TextInput
                    label={t("templates.editor.footer")}
                    description={t("templates.editor.footerHint")}
                    maxLength={FOOTER_MAX}
                    disabled={imported}
                    {...form.getInputProps("footer")}
                  />
                  {imported ? <MetaMappings form={form} /> : <TemplateButtons form={form} />}
                </>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <TemplatePreview values={form.values} saved={saved} />
          </Grid.Col>
        </Grid>
        {problem && (
          <Alert color="red" mt="md" title={t("templates.editor.saveFailed")} role="alert">
            {problem}
          </Alert>
        )}
        {canManage && (
          <Group mt="lg" gap="sm">
            <Button type="submit" loading={save.isPending}>
              {saved ? t("templates.editor.save") : t("templates.editor.create")}
            </Button>
            {saved && (
              <Button
                variant="subtle"
                color="red"
                onClick={() => {
                  remove.reset();
                  setDeleting(true);
                }}
              >
                {t("templates.editor.delete")}
              </Button>
            )}
          </Group>
        )}
      </form>
      <DeleteTemplateDialog
        template={deleting && saved ? saved : null}
        deleting={remove.isPending}
        error={remove.error}
        onConfirm={(id) => remove.mutate(id)}
        onClose={() => setDeleting(false)}
      />
    </Stack>
  );
}
