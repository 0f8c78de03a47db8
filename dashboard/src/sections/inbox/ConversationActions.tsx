// The open conversation's controls: who holds it (assign to me, to a teammate, unassign),
// open or closed, and the team's notes. Each change shows at once and is undone, with a
// toast saying why, when the crm refuses it (an agent may only take unassigned ones, and a
// team's only as one of its members).
import { Badge, Button, Group, Menu } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconCheck,
  IconChevronDown,
  IconCircleCheck,
  IconNotes,
  IconRefresh,
  IconUser,
  IconUserMinus,
  IconUserPlus,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../api/inbox";
import {
  assignConversation,
  type ConversationStatus,
  fetchMe,
  fetchTeammates,
  InboxError,
  inboxKeys,
  patchConversation,
  setConversationStatus,
} from "./queries";
import { teamInTheWay, useTeams } from "./teams";

export function useMyself() {
  return useQuery({ queryKey: ["auth", "me"], queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** Managers and above may list the users; for agents (403) the list is simply absent. */
export function useTeammates() {
  return useQuery({
    queryKey: inboxKeys.teammates,
    queryFn: fetchTeammates,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

function failure(error: unknown, fallback: string): string {
  return error instanceof InboxError && error.problem?.detail ? error.problem.detail : fallback;
}

export function AssignMenu({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const me = useMyself();
  const teammates = useTeammates();
  const teams = useTeams();
  const myId = me.data?.user?.id ?? null;
  const holder = conversation.assigned_user_id;
  // An agent outside the conversation's team is told so instead of offered to take it.
  const notMyTeam = holder
    ? undefined
    : teamInTheWay(conversation, teams.data, { id: myId, role: me.data?.role });

  const nameOf = (userId: string | null) => {
    if (!userId) return t("inbox.assignment.unassigned");
    if (userId === myId) return t("inbox.me");
    const mate = teammates.data?.find((user) => user.id === userId);
    return mate ? mate.name || mate.email : t("inbox.teammate");
  };

  const assign = useMutation({
    mutationFn: (userId: string | null) => assignConversation(conversation.id, userId),
    onMutate: async (userId) => {
      await queryClient.cancelQueries({ queryKey: inboxKeys.conversation(conversation.id) });
      return { undo: patchConversation(queryClient, conversation.id, { assigned_user_id: userId }) };
    },
    onError: (error, _userId, context) => {
      context?.undo();
      notifications.show({ color: "red", message: failure(error, t("inbox.assignment.failed")) });
    },
    onSuccess: (updated, userId) => {
      queryClient.setQueryData(inboxKeys.conversation(conversation.id), updated);
      notifications.show({
        color: "brand",
        message: !userId
          ? t("inbox.assignment.released")
          : userId === myId
            ? t("inbox.assignment.assignedToMe")
            : t("inbox.assignment.assigned", { name: nameOf(userId) }),
      });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: inboxKeys.lists }),
  });

  const others = (teammates.data ?? []).filter((user) => user.id !== myId);
  return (
    // hideDetached off: the header never scrolls away, and jsdom (no layout) would make
    // floating-ui think the button is, hiding the open menu from the tests.
    <Menu position="bottom-end" withinPortal hideDetached={false}>
      <Menu.Target>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconUser size={14} />}
          rightSection={<IconChevronDown size={14} />}
          loading={assign.isPending}
          aria-label={t("inbox.assignment.label", { name: nameOf(holder) })}
        >
          {nameOf(holder)}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {myId && holder !== myId && !notMyTeam && (
          <Menu.Item leftSection={<IconUserPlus size={16} />} onClick={() => assign.mutate(myId)}>
            {t("inbox.assignment.assignToMe")}
          </Menu.Item>
        )}
        {notMyTeam && (
          <Menu.Item leftSection={<IconUserPlus size={16} />} disabled>
            {t("inbox.teams.membersOnly", { name: notMyTeam.name })}
          </Menu.Item>
        )}
        {holder && (
          <Menu.Item leftSection={<IconUserMinus size={16} />} onClick={() => assign.mutate(null)}>
            {t("inbox.assignment.unassign")}
          </Menu.Item>
        )}
        {others.length > 0 && <Menu.Label>{t("inbox.assignment.teammates")}</Menu.Label>}
        {others.map((user) => (
          <Menu.Item
            key={user.id}
            rightSection={user.id === holder ? <IconCheck size={14} /> : null}
            disabled={user.id === holder}
            onClick={() => assign.mutate(user.id)}
          >
            {user.name || user.email}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

export function StatusControl({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (status: ConversationStatus) => setConversationStatus(conversation.id, status),
    onMutate: async (status) => {
      await queryClient.cancelQueries({ queryKey: inboxKeys.conversation(conversation.id) });
      return { undo: patchConversation(queryClient, conversation.id, { status }) };
    },
    onError: (error, _status, context) => {
      context?.undo();
      notifications.show({ color: "red", message: failure(error, t("inbox.conversationStatus.failed")) });
    },
    onSuccess: (updated, status) => {
      queryClient.setQueryData(inboxKeys.conversation(conversation.id), updated);
      notifications.show({
        color: "brand",
        message:
          status === "closed"
            ? t("inbox.conversationStatus.closedDone")
            : t("inbox.conversationStatus.reopenedDone"),
      });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: inboxKeys.lists }),
  });
  const closed = conversation.status === "closed";
  return (
    <Group gap="xs" wrap="nowrap">
      {closed && (
        <Badge color="gray" variant="light">
          {t("inbox.conversationStatus.closed")}
        </Badge>
      )}
      <Button
        size="xs"
        variant={closed ? "light" : "default"}
        leftSection={closed ? <IconRefresh size={14} /> : <IconCircleCheck size={14} />}
        onClick={() => change.mutate(closed ? "open" : "closed")}
      >
        {closed ? t("inbox.conversationStatus.reopen") : t("inbox.conversationStatus.close")}
      </Button>
    </Group>
  );
}

export function NotesButton({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <Button size="xs" variant="default" leftSection={<IconNotes size={14} />} onClick={onOpen}>
      {t("inbox.notes.button")}
    </Button>
  );
}
