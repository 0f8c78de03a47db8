// A base's documents with their status and, while indexing, the job's progress; each one's
// passages, a re-index and a delete. The list is read again while anything is indexing.
import { ActionIcon, Badge, Group, Progress, Stack, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconList, IconRefresh, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type KnowledgeDocument, deleteDocument, listDocuments, reindexDocument } from "../../../api/aiApi";
import type { ApiError } from "../../../api/client";
import { describeProblem } from "../../team/problem";
import { ConfirmDialog } from "../../team/ConfirmDialog";
import { LoadFailed, Loading } from "../LoadState";
import { INDEXING_REFRESH_MS, aiKeys, anyIndexing, documentStatusColor, isIndexing } from "../queries";
import { ChunksModal } from "./ChunksModal";

export function DocumentsTable({ baseId, canEdit }: { baseId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [viewing, setViewing] = useState<KnowledgeDocument | null>(null);
  const [removing, setRemoving] = useState<KnowledgeDocument | null>(null);
  const query = useQuery({
    queryKey: aiKeys.documents(baseId),
    // A base holds tens of documents, not thousands: one page of 200 is all of them.
    queryFn: () => listDocuments(baseId, { cursor: null, limit: 200 }),
    refetchInterval: (current) => (anyIndexing(current.state.data?.items) ? INDEXING_REFRESH_MS : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: aiKeys.documents(baseId) });
  const failed = (error: unknown) =>
    notifications.show({ color: "red", message: describeProblem((error as ApiError).problem, t("ai.knowledge.documents.actionFailed")) });
  const reindex = useMutation({
    mutationFn: (document: KnowledgeDocument) => reindexDocument(baseId, document.id),
    onSuccess: () => {
      notifications.show({ message: t("ai.knowledge.documents.reindexed") });
      void refresh();
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (document: KnowledgeDocument) => deleteDocument(baseId, document.id),
    onSuccess: () => {
      setRemoving(null);
      notifications.show({ color: "green", message: t("ai.knowledge.documents.removed") });
      void refresh();
    },
    onError: failed,
  });

  if (query.isError)
    return <LoadFailed title={t("ai.knowledge.documents.loadFailed")} error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading label={t("ai.knowledge.documents.title")} />;
  const documents = query.data.items;
  if (documents.length === 0) return <Text c="dimmed">{t("ai.knowledge.documents.empty")}</Text>;

  return (
    <>
      <Table.ScrollContainer minWidth={620}>
        <Table aria-label={t("ai.knowledge.documents.label")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("ai.knowledge.documents.name")}</Table.Th>
              <Table.Th>{t("ai.knowledge.documents.kind")}</Table.Th>
              <Table.Th>{t("ai.knowledge.documents.status")}</Table.Th>
              <Table.Th>{t("ai.knowledge.documents.chunks")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("ai.knowledge.documents.actions")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {documents.map((document) => (
              <Table.Tr key={document.id} data-testid="knowledge-document">
                <Table.Td>
                  <Text size="sm">{document.title}</Text>
                  {document.source && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {document.source}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{t(`ai.knowledge.documents.kinds.${document.kind}`, { defaultValue: document.kind })}</Table.Td>
                <Table.Td>
                  <DocumentStatus document={document} />
                </Table.Td>
                <Table.Td>{document.chunk_count}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Tooltip label={t("ai.knowledge.documents.viewChunks", { title: document.title })}>
                      <ActionIcon
                        variant="subtle"
                        aria-label={t("ai.knowledge.documents.viewChunks", { title: document.title })}
                        onClick={() => setViewing(document)}
                      >
                        <IconList size={16} />
                      </ActionIcon>
                    </Tooltip>
                    {canEdit && (
                      <>
                        <ActionIcon
                          variant="subtle"
                          aria-label={t("ai.knowledge.documents.reindex", { title: document.title })}
                          disabled={isIndexing(document.status)}
                          loading={reindex.isPending && reindex.variables?.id === document.id}
                          onClick={() => reindex.mutate(document)}
                        >
                          <IconRefresh size={16} />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t("ai.knowledge.documents.remove", { title: document.title })}
                          onClick={() => setRemoving(document)}
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ChunksModal baseId={baseId} document={viewing} onClose={() => setViewing(null)} />
      <ConfirmDialog
        opened={removing !== null}
        title={t("ai.knowledge.documents.remove", { title: removing?.title ?? "" })}
        body={t("ai.knowledge.documents.removeConfirm", { title: removing?.title ?? "" })}
        confirmLabel={t("ai.delete")}
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      />
    </>
  );
}

function DocumentStatus({ document }: { document: KnowledgeDocument }) {
  const { t } = useTranslation();
  const job = document.job;
  return (
    <Stack gap={4}>
      <Badge color={documentStatusColor(document.status)} variant="light">
        <VisuallyHidden>{t("ai.knowledge.documents.statusPrefix")}</VisuallyHidden>
        {t(`ai.knowledge.documents.statuses.${document.status}`)}
      </Badge>
      {isIndexing(document.status) && job && (
        <Progress
          value={Math.round(job.progress * 100)}
          size="sm"
          aria-label={t("ai.knowledge.documents.progress", { title: document.title, done: job.done, total: job.total })}
          animated
        />
      )}
      {document.status === "failed" && (document.error || job?.error) && (
        <Text size="xs" c="red">
          {document.error ?? job?.error}
        </Text>
      )}
    </Stack>
  );
}
