// The reply box: free text while the customer's 24-hour window is open, an approved
// template once it has closed (or the server says it has: 409 window_closed).
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Stack,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconClockHour4, IconPlus, IconSend, IconTrash } from "@tabler/icons-react";
import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type Ref, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Message, MessagePage } from "../../api/inbox";
import { InboxError, inboxKeys, type Reply, sendReply } from "./queries";

interface ComposerProps {
  conversationId: string;
  windowOpen: boolean;
  /** the reply box, for the inbox's "r" shortcut */
  textareaRef?: Ref<HTMLTextAreaElement>;
}

type MessagePages = InfiniteData<MessagePage, string | null>;

export function Composer({ conversationId, windowOpen, textareaRef }: ComposerProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [closed, setClosed] = useState(!windowOpen);
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [language, setLanguage] = useState("pt_BR");
  const [variables, setVariables] = useState<string[]>([]);
  const key = inboxKeys.messages(conversationId);
  // The conversation's window moved (the customer wrote again, or 24 hours passed).
  useEffect(() => setClosed(!windowOpen), [windowOpen]);

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

  const sendTemplate = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError(t("inbox.composer.nameRequired"));
      return;
    }
    setNameError(null);
    send.mutate(
      { type: "template", name: name.trim(), language: language.trim() || "pt_BR", variables },
      {
        onSuccess: () => {
          setName("");
          setVariables([]);
        },
      },
    );
  };

  if (closed) {
    return (
      <form onSubmit={sendTemplate} aria-label={t("inbox.composer.sendTemplate")}>
        <Stack gap="xs">
          <Alert
            color="yellow"
            icon={<IconClockHour4 size={18} />}
            title={t("inbox.composer.windowClosedTitle")}
          >
            {t("inbox.composer.windowClosed")}
          </Alert>
          <Group grow align="flex-start">
            <TextInput
              label={t("inbox.composer.templateName")}
              value={name}
              error={nameError}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <TextInput
              label={t("inbox.composer.language")}
              value={language}
              onChange={(event) => setLanguage(event.currentTarget.value)}
            />
          </Group>
          <Text size="sm" fw={500}>
            {t("inbox.composer.variables")}
          </Text>
          {variables.map((value, index) => (
            <Group key={index} gap="xs" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                aria-label={t("inbox.composer.variable", { n: index + 1 })}
                placeholder={`{{${index + 1}}}`}
                value={value}
                onChange={(event) => {
                  const next = [...variables];
                  next[index] = event.currentTarget.value;
                  setVariables(next);
                }}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t("inbox.composer.removeVariable", { n: index + 1 })}
                onClick={() => setVariables(variables.filter((_, other) => other !== index))}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group justify="space-between">
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => setVariables([...variables, ""])}
            >
              {t("inbox.composer.addVariable")}
            </Button>
            <Button type="submit" loading={send.isPending}>
              {t("inbox.composer.sendTemplate")}
            </Button>
          </Group>
        </Stack>
      </form>
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
