// A document's passages as the indexer cut them, in order, a page at a time.
import { Button, Card, Group, Modal, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type KnowledgeDocument, listChunks } from "../../../api/aiApi";
import { LoadFailed, Loading } from "../LoadState";
import { aiKeys } from "../queries";

export function ChunksModal({
  baseId,
  document,
  onClose,
}: {
  baseId: string;
  document: KnowledgeDocument | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={document !== null}
      onClose={onClose}
      title={t("ai.knowledge.chunks.title", { title: document?.title ?? "" })}
      size="lg"
      closeButtonProps={{ "aria-label": t("ai.close") }}
    >
      {document && <Chunks baseId={baseId} documentId={document.id} />}
    </Modal>
  );
}

function Chunks({ baseId, documentId }: { baseId: string; documentId: string }) {
  const { t } = useTranslation();
  const query = useInfiniteQuery({
    queryKey: aiKeys.chunks(baseId, documentId),
    queryFn: ({ pageParam }) => listChunks(baseId, documentId, { cursor: pageParam, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (query.isError) return <LoadFailed title={t("ai.knowledge.documents.loadFailed")} error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading label={t("ai.knowledge.chunks.loading")} />;
  const chunks = query.data.pages.flatMap((page) => page.items);
  if (chunks.length === 0) return <Text c="dimmed">{t("ai.knowledge.chunks.empty")}</Text>;
  return (
    <Stack gap="sm">
      {chunks.map((chunk) => (
        <Card key={chunk.id} withBorder padding="sm">
          <Group justify="space-between" mb={4}>
            <Text size="sm" fw={600}>
              {chunk.ordinal + 1}. {chunk.heading || "—"}
            </Text>
            <Text size="xs" c="dimmed">
              {t("ai.knowledge.chunks.tokens", { count: chunk.token_count })}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {chunk.text}
          </Text>
        </Card>
      ))}
      {query.hasNextPage && (
        <Button variant="default" size="xs" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {t("ai.knowledge.chunks.more")}
        </Button>
      )}
    </Stack>
  );
}
