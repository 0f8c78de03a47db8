// The AI agent in the inbox: the badge on a bot's message (the persona's name) with its
// "why", and the switch that pauses the bot in a conversation. The switch is not shown where
// no persona answers (the ai-agent's 404 bot_not_in_conversation).
import { Badge, Button, Group, Switch } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRobot } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getBotState, switchBot } from "../../api/aiApi";
import { ApiError } from "../../api/client";
import type { Message } from "../../api/inbox";
import { aiKeys } from "../ai/queries";
import { RunModal } from "../ai/RunDetails";

/** A bot's message: who wrote it and, when it has a run, why. */
export function BotBadge({ message }: { message: Message }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const name = message.sent_by_persona_name;
  if (!name) return null;
  return (
    <Group gap={4} mb={4}>
      <Badge size="xs" variant="light" color="violet" leftSection={<IconRobot size={12} />}>
        {t("ai.inbox.botBadge", { name })}
      </Badge>
      {message.ai_run_id && (
        <>
          <Button size="compact-xs" variant="subtle" aria-label={t("ai.inbox.whyLabel")} onClick={() => setOpen(true)}>
            {t("ai.inbox.why")}
          </Button>
          <RunModal runId={open ? message.ai_run_id : null} onClose={() => setOpen(false)} />
        </>
      )}
    </Group>
  );
}

/** On while the bot answers here; off pauses it until switched back (a handoff too). Read
 *  again when a new message arrives: the bot's handoff shows with the message it sends. */
export function BotSwitch({ conversationId, newestMessageId = null }: { conversationId: string; newestMessageId?: string | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = aiKeys.bot(conversationId);
  const state = useQuery({ queryKey: key, queryFn: () => getBotState(conversationId), retry: false });
  const { refetch } = state;
  const [seenMessage, setSeenMessage] = useState(newestMessageId);
  useEffect(() => {
    if (newestMessageId === seenMessage) return;
    setSeenMessage(newestMessageId);
    void refetch();
  }, [newestMessageId, seenMessage, refetch]);
  const change = useMutation({
    mutationFn: (paused: boolean) => switchBot(conversationId, paused),
    onSuccess: (next) => queryClient.setQueryData(key, next),
    onError: (error) =>
      notifications.show({
        color: "red",
        message: error instanceof ApiError ? error.message : t("ai.inbox.botSwitchFailed"),
      }),
  });
  // No persona here, or the ai-agent cannot say: nothing to switch.
  if (!state.data) return null;
  const active = !state.data.paused && state.data.state === "active";
  const label = active
    ? t("ai.inbox.botSwitch")
    : state.data.paused
      ? t("ai.inbox.botPaused")
      : t("ai.inbox.botHandedOff");
  return (
    <Switch
      size="sm"
      label={label}
      aria-label={t("ai.inbox.botSwitch")}
      checked={active}
      disabled={change.isPending}
      onChange={(event) => change.mutate(!event.currentTarget.checked)}
    />
  );
}
