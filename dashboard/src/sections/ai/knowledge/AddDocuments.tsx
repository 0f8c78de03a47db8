// Adding to a base: a file (uploaded with its progress), questions and answers typed in, or
// a web page by its address. Each is indexed in the background; the documents list follows.
import { ActionIcon, Alert, Button, FileInput, Group, Paper, Progress, Stack, Tabs, TextInput, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconFileUpload, IconPlus, IconTrash, IconWorld, IconHelpCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { addFaq, addPage, uploadDocument } from "../../../api/aiApi";
import type { ApiError } from "../../../api/client";
import { describeProblem } from "../../team/problem";
import { aiKeys } from "../queries";

const ACCEPT = ".txt,.md,.markdown,.html,.htm,.pdf,.docx,text/plain,text/markdown,text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export function AddDocuments({ baseId }: { baseId: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>{t("ai.knowledge.add.title")}</Title>
        <Tabs defaultValue="faq" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="faq" leftSection={<IconHelpCircle size={16} />}>
              {t("ai.knowledge.add.faq")}
            </Tabs.Tab>
            <Tabs.Tab value="file" leftSection={<IconFileUpload size={16} />}>
              {t("ai.knowledge.add.file")}
            </Tabs.Tab>
            <Tabs.Tab value="page" leftSection={<IconWorld size={16} />}>
              {t("ai.knowledge.add.page")}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="faq" pt="sm">
            <FaqForm baseId={baseId} />
          </Tabs.Panel>
          <Tabs.Panel value="file" pt="sm">
            <UploadForm baseId={baseId} />
          </Tabs.Panel>
          <Tabs.Panel value="page" pt="sm">
            <PageForm baseId={baseId} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}

function useAdded(baseId: string, message: string) {
  const queryClient = useQueryClient();
  return () => {
    notifications.show({ color: "green", message });
    void queryClient.invalidateQueries({ queryKey: aiKeys.documents(baseId) });
  };
}

function Failure({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" title={t("ai.knowledge.add.failed")}>
      {describeProblem((error as ApiError).problem, (error as Error).message)}
    </Alert>
  );
}

function UploadForm({ baseId }: { baseId: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [progress, setProgress] = useState(0);
  const added = useAdded(baseId, t("ai.knowledge.add.uploaded"));
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadDocument(baseId, chosen, setProgress),
    onSuccess: () => {
      setFile(null);
      added();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!file) return setMissing(true);
        setProgress(0);
        upload.mutate(file);
      }}
      noValidate
    >
      <Stack gap="sm">
        <FileInput
          label={t("ai.knowledge.add.fileLabel")}
          accept={ACCEPT}
          value={file}
          onChange={(chosen) => {
            setFile(chosen);
            setMissing(false);
          }}
          error={missing ? t("ai.knowledge.add.fileRequired") : undefined}
          clearable
        />
        {upload.isPending && file && (
          <Progress value={Math.round(progress * 100)} aria-label={t("ai.knowledge.add.uploading", { name: file.name })} animated />
        )}
        <Failure error={upload.error} />
        <Group>
          <Button type="submit" loading={upload.isPending}>
            {t("ai.knowledge.add.upload")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface FaqValues {
  title: string;
  pairs: { question: string; answer: string }[];
}

function FaqForm({ baseId }: { baseId: string }) {
  const { t } = useTranslation();
  const added = useAdded(baseId, t("ai.knowledge.add.faqAdded"));
  const form = useForm<FaqValues>({
    mode: "controlled",
    initialValues: { title: "FAQ", pairs: [{ question: "", answer: "" }] },
    validate: {
      title: (value) => (value.trim() ? null : t("ai.knowledge.create.nameRequired")),
      pairs: {
        question: (value) => (value.trim() ? null : t("ai.knowledge.add.questionRequired")),
        answer: (value) => (value.trim() ? null : t("ai.knowledge.add.answerRequired")),
      },
    },
  });
  const save = useMutation({
    mutationFn: (values: FaqValues) =>
      addFaq(
        baseId,
        values.title.trim(),
        values.pairs.map((pair) => ({ question: pair.question.trim(), answer: pair.answer.trim() })),
      ),
    onSuccess: () => {
      form.reset();
      added();
    },
  });
  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack gap="sm">
        <TextInput label={t("ai.knowledge.add.faqTitle")} {...form.getInputProps("title")} />
        {form.values.pairs.map((_, index) => (
          <Paper key={form.key(`pairs.${index}`)} withBorder p="sm">
            <Group align="flex-start" wrap="nowrap" gap="xs">
              <Stack gap="xs" style={{ flex: 1 }}>
                <TextInput label={t("ai.knowledge.add.question", { index: index + 1 })} {...form.getInputProps(`pairs.${index}.question`)} />
                <Textarea
                  label={t("ai.knowledge.add.answer", { index: index + 1 })}
                  autosize
                  minRows={2}
                  {...form.getInputProps(`pairs.${index}.answer`)}
                />
              </Stack>
              {form.values.pairs.length > 1 && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mt={28}
                  aria-label={t("ai.knowledge.add.removePair", { index: index + 1 })}
                  onClick={() => form.removeListItem("pairs", index)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              )}
            </Group>
          </Paper>
        ))}
        <Group justify="space-between">
          <Button
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={() => form.insertListItem("pairs", { question: "", answer: "" })}
          >
            {t("ai.knowledge.add.addPair")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("ai.knowledge.add.saveFaq")}
          </Button>
        </Group>
        <Failure error={save.error} />
      </Stack>
    </form>
  );
}

function PageForm({ baseId }: { baseId: string }) {
  const { t } = useTranslation();
  const added = useAdded(baseId, t("ai.knowledge.add.pageAdded"));
  const form = useForm({
    mode: "controlled",
    initialValues: { url: "", title: "" },
    validate: { url: (value) => (/^https?:\/\/\S+$/i.test(value.trim()) ? null : t("ai.knowledge.add.urlInvalid")) },
  });
  const save = useMutation({
    mutationFn: (values: { url: string; title: string }) => addPage(baseId, values.url.trim(), values.title.trim() || null),
    onSuccess: () => {
      form.reset();
      added();
    },
  });
  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack gap="sm">
        <TextInput label={t("ai.knowledge.add.url")} type="url" placeholder="https://" {...form.getInputProps("url")} />
        <TextInput label={t("ai.knowledge.add.pageTitle")} {...form.getInputProps("title")} />
        <Failure error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t("ai.knowledge.add.addPage")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
