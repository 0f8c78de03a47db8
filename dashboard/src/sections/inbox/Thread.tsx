// One conversation: its messages as bubbles (the customer's on the left, ours on the right),
// delivery ticks on ours, and the composer. Opening it marks the conversation read. Older
// messages load above (scrolling to the top, or the button) without moving what the reader
// sees; the header holds the assignee, the notes and open/closed (ConversationActions).
import {
  ActionIcon,
  Alert,
  Anchor,
  Box,
  Button,
  Center,
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
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Ref, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { sendWithSession } from "../../api/client";
import type { Conversation, Message } from "../../api/inbox";
import { LeadSuggestions } from "../ai/LeadSuggestions";
import { BotBadge, BotSwitch } from "./BotPieces";
import { Composer } from "./Composer";
import { ContactLeads } from "./ContactLeads";
import { AssignMenu, NotesButton, StatusControl } from "./ConversationActions";
import { TeamMenu } from "./TeamControls";
import { clockTime } from "./format";
import { NotesDrawer } from "./Notes";
import { fetchMessages, inboxKeys, markRead } from "./queries";

interface ThreadProps {
  conversation: Conversation;
  onBack?: () => void;
  /** the reply box, for the page's "r" shortcut */
  composerRef?: Ref<HTMLTextAreaElement>;
}

// Closer to the bottom than this (px) counts as reading the newest messages: new ones
// scroll into view; further up, the reader stays where they are.
const NEAR_BOTTOM = 64;

export function Thread({ conversation, onBack, composerRef }: ThreadProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [notesOpen, setNotesOpen] = useState(false);
  const messages = useInfiniteQuery({
    queryKey: inboxKeys.messages(conversation.id),
    queryFn: ({ pageParam }) => fetchMessages(conversation.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const read = useMutation({
    mutationFn: markRead,
    onSuccess: (_data, id) => {
      void queryClient.invalidateQueries({ queryKey: inboxKeys.lists });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.conversation(id) });
    },
  });
  const readMutate = read.mutate;
  useEffect(() => {
    if (conversation.unread_count > 0) readMutate(conversation.id);
  }, [conversation.id, conversation.unread_count, readMutate]);

  // Pages come newest first, each newest first: reversed, the oldest message is on top.
  const items = (messages.data?.pages ?? []).flatMap((page) => page.items).reverse();
  const newest = items.at(-1);
  const pageCount = messages.data?.pages.length ?? 0;

  const viewport = useRef<HTMLDivElement>(null);
  const nearBottom = useRef(true);
  const fromBottom = useRef<number | null>(null);
  const scrolledOnce = useRef(false);

  const loadOlder = () => {
    const element = viewport.current;
    if (!messages.hasNextPage || messages.isFetchingNextPage) return;
    // Remembered as the distance from the bottom, which older messages above do not change.
    if (element) fromBottom.current = element.scrollHeight - element.scrollTop;
    void messages.fetchNextPage();
  };
  const loadOlderRef = useRef(loadOlder);
  loadOlderRef.current = loadOlder;

  // Older messages arrived above: keep the one that was on screen where it was.
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element || fromBottom.current === null) return;
    element.scrollTop = element.scrollHeight - fromBottom.current;
    fromBottom.current = null;
  }, [pageCount]);

  // A newer message at the bottom: follow it if the reader was at the bottom or sent it.
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element || !newest) return;
    if (!scrolledOnce.current || nearBottom.current || newest.direction === "out") {
      element.scrollTop = element.scrollHeight;
      scrolledOnce.current = true;
    }
    // Only a different newest message counts, not every refetch of the same one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [newest?.id]);

  // Scrolling up to the top fetches the older messages (the button is there too).
  const top = useRef<HTMLDivElement>(null);
  const hasOlder = Boolean(messages.hasNextPage);
  useEffect(() => {
    const element = top.current;
    if (!element || !hasOlder || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (scrolledOnce.current && entries.some((entry) => entry.isIntersecting)) loadOlderRef.current();
      },
      { root: viewport.current },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasOlder, pageCount]);

  const { contact } = conversation;
  return (
    <Stack h="100%" gap="sm">
      <Group justify="space-between" gap="xs">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          {onBack && (
            <ActionIcon
              variant="subtle"
              aria-label={t("inbox.back")}
              aria-keyshortcuts="Escape"
              onClick={onBack}
            >
              <IconArrowLeft size={18} />
            </ActionIcon>
          )}
          <Box style={{ minWidth: 0 }}>
            <Title order={4} style={{ overflowWrap: "anywhere" }}>
              {contact.name || contact.phone || "—"}
            </Title>
            {contact.name && contact.phone && (
              <Text size="xs" c="dimmed">
                {contact.phone}
              </Text>
            )}
          </Box>
        </Group>
        <Group gap="xs">
          <BotSwitch conversationId={conversation.id} newestMessageId={newest?.id ?? null} />
          <TeamMenu conversation={conversation} />
          <AssignMenu conversation={conversation} />
          <ContactLeads contactId={contact.id} conversationId={conversation.id} />
          <NotesButton onOpen={() => setNotesOpen(true)} />
          <StatusControl conversation={conversation} />
        </Group>
      </Group>
      <LeadSuggestions contactId={contact.id} compact />
      <ScrollArea
        style={{ flex: 1 }}
        type="auto"
        viewportRef={viewport}
        viewportProps={{
          role: "region",
          "aria-label": t("inbox.messages"),
          tabIndex: 0,
          onScroll: (event) => {
            const element = event.currentTarget;
            nearBottom.current =
              element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM;
          },
        }}
      >
        {messages.isPending ? (
          <Stack gap="sm" p="sm">
            <Skeleton height={36} width="50%" />
            <Skeleton height={36} width="40%" ml="auto" />
            <Skeleton height={36} width="60%" />
          </Stack>
        ) : messages.isError && !messages.data ? (
          <Stack p="sm">
            <Alert color="red">{t("inbox.messagesFailed")}</Alert>
            <Button variant="light" onClick={() => void messages.refetch()} style={{ alignSelf: "flex-start" }}>
              {t("inbox.retry")}
            </Button>
          </Stack>
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl">
            {t("inbox.noMessages")}
          </Text>
        ) : (
          <Stack gap={6} p="xs">
            <div ref={top} />
            {messages.isFetchNextPageError ? (
              <Alert color="red" p="xs">
                <Group justify="space-between">
                  <Text size="sm">{t("inbox.olderFailed")}</Text>
                  <Button size="xs" variant="light" onClick={loadOlder}>
                    {t("inbox.retry")}
                  </Button>
                </Group>
              </Alert>
            ) : (
              hasOlder && (
                <Center>
                  <Button
                    variant="subtle"
                    size="xs"
                    loading={messages.isFetchingNextPage}
                    onClick={loadOlder}
                  >
                    {t("inbox.loadOlder")}
                  </Button>
                </Center>
              )
            )}
            {items.map((message) => (
              <Bubble key={message.id} message={message} />
            ))}
          </Stack>
        )}
      </ScrollArea>
      <Composer
        key={conversation.id}
        conversationId={conversation.id}
        channelAccountId={conversation.channel_account_id}
        windowOpen={conversation.window.open}
        textareaRef={composerRef}
      />
      <NotesDrawer
        conversationId={conversation.id}
        opened={notesOpen}
        onClose={() => setNotesOpen(false)}
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
      <BotBadge message={message} />
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
