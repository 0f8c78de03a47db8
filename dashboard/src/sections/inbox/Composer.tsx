// The reply box: free text while the customer's 24-hour window is open, an approved
// template once it has closed (or the server says it has: 409 window_closed).
import { ActionIcon, Alert, Group, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconClockHour4, IconSend } from "@tabler/icons-react";
import { type InfiniteData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Ref, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Message, MessagePage } from "../../api/inbox";
import { fetchConversation, InboxError, inboxKeys, type Reply, sendReply } from "./queries";
import { TemplatePicker, type TemplateReply } from "./TemplatePicker";

interface ComposerProps {
  conversationId: string;
  windowOpen: boolean;
  /** the conversation's channel account, whose approved templates are offered; looked up
   *  from the conversation when not given */
  channelAccountId?: string;
  /** the reply box, for the inbox's "r" shortcut */
  textareaRef?: Ref<HTMLTextAreaElement>;
}

type MessagePages = InfiniteData<MessagePage, string | null>;

export function Composer({
  conversationId,
  windowOpen,
  channelAccountId,
  textareaRef,
}: ComposerProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [closed, setClosed] = useState(!windowOpen);
  const [text, setText] = useState("");
  // Bumped when a template is sent: the template form starts afresh.
  const [templatesSent, setTemplatesSent] = useState(0);
  const key = inboxKeys.messages(conversationId);
  // The conversation's window moved (the customer wrote again, or 24 hours passed).
  useEffect(() => setClosed(!windowOpen), [windowOpen]);
  // Whose templates to offer: the number the conversation is on (it never changes, so the
  // cached conversation is as good as a fresh one).
  const conversation = useQuery({
    queryKey: inboxKeys.conversation(conversationId),
    queryFn: () => fetchConversation(conversationId),
    enabled: closed && !channelAccountId,
    staleTime: Infinity,
  });
  const accountId =
    channelAccountId ??
    conversation.data?.channel_account_id ??
    (conversation.isError ? null : undefined);

  const send = useMutation({
    mutationFn: (reply: Reply) => sendReply(conversationId, reply),
    onMutate: async (reply) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<MessagePages>(key);
      const now = new Date().toISOString();
      const optimistic: Message = {
        id: `pending-${now}-${Math.random()}`,
        conversation_id: conversationId,
        direction: "out",
        kind: reply.type,
        text: reply.type === "text" ? reply.text : reply.name,
        media: null,
        status: "pending",
        status_timeline: [],
        error: null,
        external_message_id: null,
        extra: {},
        reply_to_external_id: null,
        sent_by_user_id: null,
        created_at: now,
        occurred_at: now,
      };
      // The thread's pages are newest first: the reply goes at the front of the first.
      queryClient.setQueryData<MessagePages>(key, (data) => {
        const [first, ...older] = data?.pages ?? [];
        return {
          pages: [
            { items: [optimistic, ...(first?.items ?? [])], next_cursor: first?.next_cursor ?? null },
            ...older,
          ],
          pageParams: data?.pageParams ?? [null],
        };
      });
      return { previous };
    },
    onError: (error, reply, context) => {
      queryClient.setQueryData(key, context?.previous);
      if (error instanceof InboxError && error.code === "window_closed") {
        setClosed(true);
        if (reply.type === "text") setText(reply.text);
        notifications.show({
          color: "yellow",
          title: t("inbox.composer.windowClosedTitle"),
          message: t("inbox.composer.windowClosed"),
        });
        return;
      }
      if (reply.type === "text") setText(reply.text);
      notifications.show({ color: "red", message: error.message || t("inbox.composer.sendFailed") });
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.lists });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.conversation(conversationId) });
    },
  });

  const sendText = () => {
    const body = text.trim();
    if (!body) return;
    setText("");
    send.mutate({ type: "text", text: body });
  };

  const sendTemplate = (reply: TemplateReply) =>
    send.mutate(reply, { onSuccess: () => setTemplatesSent((count) => count + 1) });

  if (closed) {
    return (
      <Stack gap="xs">
        <Alert
          color="yellow"
          icon={<IconClockHour4 size={18} />}
          title={t("inbox.composer.windowClosedTitle")}
        >
          {t("inbox.composer.windowClosed")}
        </Alert>
        <TemplatePicker
          key={templatesSent}
          accountId={accountId}
          sending={send.isPending}
          onSend={sendTemplate}
        />
      </Stack>
    );
  }

  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <Textarea
        ref={textareaRef}
        style={{ flex: 1 }}
        aria-label={t("inbox.composer.placeholder")}
        aria-keyshortcuts="r"
        placeholder={t("inbox.composer.placeholder")}
        autosize
        minRows={1}
        maxRows={6}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            sendText();
          }
        }}
      />
      <ActionIcon
        size="lg"
        aria-label={t("inbox.composer.send")}
        onClick={sendText}
        disabled={!text.trim()}
      >
        <IconSend size={18} />
      </ActionIcon>
    </Group>
  );
}
