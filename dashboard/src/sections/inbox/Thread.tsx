// One conversation: its messages as bubbles (the customer's on the left, ours on the right),
// delivery ticks on ours, and the composer. Opening it marks the conversation read.
import {
  ActionIcon,
  Alert,
  Anchor,
  Box,
  Group,
  Paper,
  ScrollArea,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import {
  IconArrowLeft,
  IconCheck,
  IconChecks,
  IconClock,
  IconPaperclip,
  IconX,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { sendWithSession } from "../../api/client";
import type { Conversation, Message } from "../../api/inbox";
import { Composer } from "./Composer";
import { clockTime } from "./format";
import { fetchMessages, inboxKeys, markRead } from "./queries";

interface ThreadProps {
  conversation: Conversation;
  onBack?: () => void;
}

export function Thread({ conversation, onBack }: ThreadProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const messages = useQuery({
    queryKey: inboxKeys.messages(conversation.id),
    queryFn: () => fetchMessages(conversation.id),
  });
  const read = useMutation({
    mutationFn: markRead,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["inbox", "conversations"] }),
  });
  const readMutate = read.mutate;
  useEffect(() => {
    if (conversation.unread_count > 0) readMutate(conversation.id);
  }, [conversation.id, conversation.unread_count, readMutate]);

  const bottom = useRef<HTMLDivElement>(null);
  const items = [...(messages.data?.items ?? [])].reverse(); // the API sends newest first
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [items.length]);

  const { contact } = conversation;
  return (
    <Stack h="100%" gap="sm">
      <Group gap="xs" wrap="nowrap">
        {onBack && (
          <ActionIcon variant="subtle" aria-label={t("inbox.back")} onClick={onBack}>
            <IconArrowLeft size={18} />
          </ActionIcon>
        )}
        <Box>
          <Title order={4}>{contact.name || contact.phone || "—"}</Title>
          {contact.name && contact.phone && (
            <Text size="xs" c="dimmed">
              {contact.phone}
            </Text>
          )}
        </Box>
      </Group>
      <ScrollArea style={{ flex: 1 }} type="auto">
        {messages.isPending ? (
          <Stack gap="sm" p="sm">
            <Skeleton height={36} width="50%" />
            <Skeleton height={36} width="40%" ml="auto" />
            <Skeleton height={36} width="60%" />
          </Stack>
        ) : messages.isError ? (
          <Alert color="red">{t("inbox.messagesFailed")}</Alert>
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl">
            {t("inbox.noMessages")}
          </Text>
        ) : (
          <Stack gap={6} p="xs">
            {items.map((message) => (
              <Bubble key={message.id} message={message} />
            ))}
            <div ref={bottom} />
          </Stack>
        )}
      </ScrollArea>
      <Composer
        key={conversation.id}
        conversationId={conversation.id}
        windowOpen={conversation.window.open}
      />
    </Stack>
  );
}

function Bubble({ message }: { message: Message }) {
  const { i18n } = useTranslation();
  const out = message.direction === "out";
  return (
    <Paper
      p="xs"
      px="sm"
      maw="75%"
      ml={out ? "auto" : undefined}
      bg={out ? "var(--mantine-primary-color-light)" : "var(--mantine-color-default-hover)"}
      data-direction={message.direction}
    >
      {message.media && <Media media={message.media} kind={message.kind} />}
      {message.text && (
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {message.text}
        </Text>
      )}
      <Group gap={4} justify="flex-end">
        <Text size="xs" c="dimmed">
          {clockTime(message.occurred_at || message.created_at, i18n.language)}
        </Text>
        {out && <StatusTick message={message} />}
      </Group>
    </Paper>
  );
}

function StatusTick({ message }: { message: Message }) {
  const { t } = useTranslation();
  const status = message.status ?? "pending";
  if (status === "failed") {
    const label = message.error?.title || t("inbox.status.failed");
    return (
      <Tooltip label={label}>
        <IconX size={14} color="var(--mantine-color-red-6)" aria-label={label} role="img" />
      </Tooltip>
    );
  }
  if (status === "read")
    return (
      <IconChecks
        size={14}
        color="var(--mantine-color-blue-6)"
        aria-label={t("inbox.status.read")}
        role="img"
      />
    );
  if (status === "delivered")
    return <IconChecks size={14} aria-label={t("inbox.status.delivered")} role="img" />;
  if (status === "sent")
    return <IconCheck size={14} aria-label={t("inbox.status.sent")} role="img" />;
  return <IconClock size={14} aria-label={t("inbox.status.pending")} role="img" />;
}

/** Media is served behind the session, so images are fetched with it and shown as blobs. */
function Media({ media, kind }: { media: Record<string, unknown>; kind: string }) {
  const { t } = useTranslation();
  const url = typeof media.url === "string" ? media.url : null;
  const mime = typeof media.mime_type === "string" ? media.mime_type : "";
  const image = kind === "image" || mime.startsWith("image/");
  const blob = useQuery({
    queryKey: ["inbox", "media", url],
    enabled: Boolean(url),
    staleTime: Infinity,
    queryFn: async () => {
      const response = await sendWithSession(new Request(new URL(url!, location.origin)));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return URL.createObjectURL(await response.blob());
    },
  });
  if (!url) return null;
  if (image && blob.data) {
    return <img src={blob.data} alt="" style={{ maxWidth: "100%", borderRadius: 6 }} />;
  }
  if (image && blob.isPending) return <Skeleton height={120} width={160} />;
  const filename = typeof media.filename === "string" ? media.filename : t("inbox.media");
  return (
    <Anchor
      size="sm"
      href={blob.data ?? url}
      download={blob.data ? filename : undefined}
      target="_blank"
      rel="noreferrer"
    >
      <Group gap={4} component="span">
        <IconPaperclip size={14} />
        {filename}
      </Group>
    </Anchor>
  );
}
