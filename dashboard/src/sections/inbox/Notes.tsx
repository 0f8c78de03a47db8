// The team's notes on a conversation (never sent to the customer), newest first, and a box
// to add one; a new note shows at once and is taken back if the crm does not keep it.
import { Alert, Button, Drawer, Paper, Skeleton, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMyself, useTeammates } from "./ConversationActions";
import { addNote, fetchNotes, InboxError, inboxKeys, type Note, type NotePage } from "./queries";

interface NotesDrawerProps {
  conversationId: string;
  opened: boolean;
  onClose: () => void;
}

export function NotesDrawer({ conversationId, opened, onClose }: NotesDrawerProps) {
  const { t } = useTranslation();
  return (
    <Drawer opened={opened} onClose={onClose} position="right" title={t("inbox.notes.title")}>
      {opened && <NotesPanel conversationId={conversationId} />}
    </Drawer>
  );
}

function NotesPanel({ conversationId }: { conversationId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const key = inboxKeys.notes(conversationId);
  const notes = useQuery({ queryKey: key, queryFn: () => fetchNotes(conversationId) });
  const me = useMyself();
  const teammates = useTeammates();
  const [text, setText] = useState("");

  const add = useMutation({
    mutationFn: (body: string) => addNote(conversationId, body),
    onMutate: async (body) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<NotePage>(key);
      const optimistic: Note = {
        id: `pending-${Date.now()}`,
        conversation_id: conversationId,
        author_user_id: me.data?.user?.id ?? "",
        text: body,
        created_at: new Date().toISOString(),
      };
      queryClient.setQueryData<NotePage>(key, (page) => ({
        items: [optimistic, ...(page?.items ?? [])],
        next_cursor: page?.next_cursor ?? null,
      }));
      return { previous };
    },
    onError: (error, body, context) => {
      queryClient.setQueryData(key, context?.previous);
      setText(body);
      const detail = error instanceof InboxError ? error.problem?.detail : undefined;
      notifications.show({ color: "red", message: detail || t("inbox.notes.addFailed") });
    },
    onSuccess: () => notifications.show({ color: "brand", message: t("inbox.notes.added") }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    add.mutate(body);
  };

  const author = (userId: string) => {
    if (userId === me.data?.user?.id) return t("inbox.me");
    const mate = teammates.data?.find((user) => user.id === userId);
    return mate ? mate.name || mate.email : t("inbox.teammate");
  };

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("inbox.notes.help")}
      </Text>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Textarea
            aria-label={t("inbox.notes.placeholder")}
            placeholder={t("inbox.notes.placeholder")}
            autosize
            minRows={2}
            maxRows={8}
            maxLength={10000}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <Button type="submit" disabled={!text.trim()} style={{ alignSelf: "flex-end" }}>
            {t("inbox.notes.add")}
          </Button>
        </Stack>
      </form>
      {notes.isPending ? (
        <Skeleton height={48} />
      ) : notes.isError ? (
        <Alert color="red">{t("inbox.notes.failed")}</Alert>
      ) : notes.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("inbox.notes.empty")}
        </Text>
      ) : (
        <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label={t("inbox.notes.title")}>
          {notes.data.items.map((note) => (
            <Paper key={note.id} component="li" withBorder p="xs">
              <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {note.text}
              </Text>
              <Text size="xs" c="dimmed">
                {note.author_user_id
                  ? author(note.author_user_id)
                  : note.author_persona_name
                    ? t("ai.inbox.noteByPersona", { name: note.author_persona_name })
                    : ""}{" "}
                ·{" "}
                {new Date(note.created_at).toLocaleString(i18n.language, {
                  dateStyle: "short",
                  timeStyle: "short",
                })}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
