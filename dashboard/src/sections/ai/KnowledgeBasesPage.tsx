// The knowledge bases: search by name, a page at a time; a new one is created here and
// opened, to add its documents.
import { Anchor, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconBooks, IconPlus, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { type KnowledgeBaseCreate, createKnowledgeBase, listKnowledgeBases } from "../../api/aiApi";
import { ApiError } from "../../api/client";
import { describeProblem } from "../team/problem";
import { atLeast, useAccess } from "../team/roles";
import { AiNav } from "./AiNav";
import { LoadFailed, Loading } from "./LoadState";
import { Pager, useCursors } from "./Pager";
import { PAGE_SIZE, aiKeys } from "./queries";
import { SectionEmpty } from "./SectionEmpty";

type EmbeddingModel = KnowledgeBaseCreate["embedding_model"];
// e5-small first: the embedded model needs no account, so a base works before any model is set.
const EMBEDDING_MODELS: readonly EmbeddingModel[] = ["e5-small", "text-embedding-3-small"];

export default function KnowledgeBasesPage() {
  const { t, i18n } = useTranslation();
  const { role } = useAccess();
  const canEdit = atLeast(role, "manager");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const cursors = useCursors();
  const [creating, { open, close }] = useDisclosure(false);
  const query = useQuery({
    queryKey: aiKeys.bases(q, cursors.cursor),
    queryFn: () => listKnowledgeBases({ cursor: cursors.cursor, limit: PAGE_SIZE, q }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const newButton = canEdit && (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      {t("ai.knowledge.new")}
    </Button>
  );
  const firstEver = query.isSuccess && items.length === 0 && !q && cursors.page === 1;

  return (
    <Stack gap="md">
      <AiNav />
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("ai.knowledge.title")}</Title>
        {!firstEver && newButton}
      </Group>
      {firstEver ? (
        <SectionEmpty icon={IconBooks} title={t("ai.knowledge.emptyTitle")} body={t("ai.knowledge.emptyBody")} action={newButton} />
      ) : (
        <>
          <TextInput
            label={t("ai.knowledge.search")}
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              cursors.reset();
            }}
            maw={320}
          />
          {query.isError ? (
            <LoadFailed title={t("ai.knowledge.loadFailed")} error={query.error} retry={() => void query.refetch()} />
          ) : query.isPending ? (
            <Loading label={t("ai.knowledge.loading")} />
          ) : items.length === 0 ? (
            <Text c="dimmed">{t("ai.knowledge.noMatch")}</Text>
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table aria-label={t("ai.knowledge.table.label")} highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("ai.knowledge.table.name")}</Table.Th>
                    <Table.Th>{t("ai.knowledge.table.model")}</Table.Th>
                    <Table.Th>{t("ai.knowledge.table.created")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((base) => (
                    <Table.Tr key={base.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/ai/knowledge/${base.id}`}>
                          {base.name}
                        </Anchor>
                        {base.description && (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {base.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{base.embedding_model}</Table.Td>
                      <Table.Td>{new Date(base.created_at).toLocaleDateString(i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager cursors={cursors} nextCursor={query.data?.next_cursor ?? null} />
        </>
      )}
      <CreateBaseModal opened={creating} onClose={close} />
    </Stack>
  );
}

function CreateBaseModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { name: "", description: "", embedding_model: "e5-small" as EmbeddingModel },
    validate: { name: (value) => (value.trim() ? null : t("ai.knowledge.create.nameRequired")) },
  });
  const create = useMutation({
    mutationFn: (values: { name: string; description: string; embedding_model: EmbeddingModel }) =>
      createKnowledgeBase({
        name: values.name.trim(),
        description: values.description.trim() || null,
        embedding_model: values.embedding_model,
      }),
    onSuccess: (base) => {
      void queryClient.invalidateQueries({ queryKey: ["ai", "bases"] });
      notifications.show({ color: "green", message: t("ai.knowledge.create.created") });
      navigate(`/ai/knowledge/${base.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === "knowledge_base_name_taken") form.setFieldError("name", error.message);
      else if (error instanceof ApiError && error.code === "embedding_model_unavailable")
        form.setFieldError("embedding_model", error.message);
      else setFailure(describeProblem((error as ApiError).problem, t("ai.knowledge.create.failed")));
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t("ai.knowledge.create.title")} centered closeButtonProps={{ "aria-label": t("ai.close") }}>
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack gap="sm">
          <TextInput label={t("ai.knowledge.create.name")} required data-autofocus {...form.getInputProps("name")} />
          <Textarea label={t("ai.knowledge.create.description")} autosize minRows={2} {...form.getInputProps("description")} />
          <Select
            label={t("ai.knowledge.create.model")}
            description={t(`ai.knowledge.create.models.${form.values.embedding_model}`)}
            data={EMBEDDING_MODELS.map((value) => ({ value, label: value }))}
            allowDeselect={false}
            {...form.getInputProps("embedding_model")}
          />
          {failure && (
            <Text c="red" size="sm" role="alert">
              {failure}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("ai.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("ai.knowledge.create.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
