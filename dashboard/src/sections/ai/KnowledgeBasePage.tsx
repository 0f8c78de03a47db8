// One knowledge base: its documents and their indexing, the ways to add to it, and the
// retrieval tester.
import { Button, Group, Skeleton, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { deleteKnowledgeBase, getKnowledgeBase } from "../../api/aiApi";
import type { ApiError } from "../../api/client";
import { ConfirmDialog } from "../team/ConfirmDialog";
import { describeProblem } from "../team/problem";
import { atLeast, useAccess } from "../team/roles";
import { AiNav } from "./AiNav";
import { AddDocuments } from "./knowledge/AddDocuments";
import { DocumentsTable } from "./knowledge/DocumentsTable";
import { RetrievalTester } from "./knowledge/RetrievalTester";
import { LoadFailed } from "./LoadState";
import { aiKeys } from "./queries";

export default function KnowledgeBasePage() {
  const { baseId = "" } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { role } = useAccess();
  const canEdit = atLeast(role, "manager");
  const [confirming, setConfirming] = useState(false);
  const query = useQuery({ queryKey: aiKeys.base(baseId), queryFn: () => getKnowledgeBase(baseId) });
  const remove = useMutation({
    mutationFn: () => deleteKnowledgeBase(baseId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["ai", "bases"] });
      notifications.show({ color: "green", message: t("ai.knowledge.baseDeleted") });
      navigate("/ai/knowledge");
    },
    onError: (error) =>
      notifications.show({ color: "red", message: describeProblem((error as ApiError).problem, t("ai.knowledge.documents.actionFailed")) }),
  });

  return (
    <Stack gap="md">
      <AiNav />
      {query.isError ? (
        <LoadFailed title={t("ai.knowledge.loadFailed")} error={query.error} retry={() => void query.refetch()} />
      ) : !query.data ? (
        <Skeleton height={200} />
      ) : (
        <>
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Title order={2}>{query.data.name}</Title>
              {query.data.description && <Text c="dimmed">{query.data.description}</Text>}
              <Text size="xs" c="dimmed">
                {t("ai.knowledge.table.model")}: {query.data.embedding_model}
              </Text>
            </Stack>
            {canEdit && (
              <Button color="red" variant="subtle" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)}>
                {t("ai.knowledge.deleteBase")}
              </Button>
            )}
          </Group>
          <Title order={3}>{t("ai.knowledge.documents.title")}</Title>
          <DocumentsTable baseId={baseId} canEdit={canEdit} />
          {canEdit && <AddDocuments baseId={baseId} />}
          <RetrievalTester baseId={baseId} />
          <ConfirmDialog
            opened={confirming}
            title={t("ai.knowledge.deleteBase")}
            body={t("ai.knowledge.deleteBaseConfirm")}
            confirmLabel={t("ai.delete")}
            loading={remove.isPending}
            onConfirm={() => remove.mutate()}
            onClose={() => setConfirming(false)}
          />
        </>
      )}
    </Stack>
  );
}
