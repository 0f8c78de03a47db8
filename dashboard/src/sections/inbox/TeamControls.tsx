// The conversation's team in the thread header (managers and above move it to another team
// or out of its team; others see which team it is in), and the team filter of the list.
// A company without teams sees neither.
import { Badge, Button, Menu, Select } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconChevronDown, IconUsersGroup, IconUsersMinus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../api/inbox";
import { atLeast } from "../team/roles";
import { useMyself } from "./ConversationActions";
import { assignTeam, InboxError, inboxKeys, patchConversation } from "./queries";
import { teamName, teamOf, useTeams } from "./teams";

export function TeamMenu({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const me = useMyself();
  const teams = useTeams();
  const current = conversation.assigned_team_id;
  const name = teamName(t, teams.data, current);

  const move = useMutation({
    mutationFn: (teamId: string | null) => assignTeam(conversation.id, teamId),
    onMutate: async (teamId) => {
      await queryClient.cancelQueries({ queryKey: inboxKeys.conversation(conversation.id) });
      return { undo: patchConversation(queryClient, conversation.id, { assigned_team_id: teamId }) };
    },
    onError: (error, _teamId, context) => {
      context?.undo();
      const detail = error instanceof InboxError ? error.problem?.detail : undefined;
      notifications.show({ color: "red", message: detail || t("inbox.teams.failed") });
    },
    onSuccess: (updated, teamId) => {
      queryClient.setQueryData(inboxKeys.conversation(conversation.id), updated);
      notifications.show({
        color: "brand",
        message: teamId
          ? t("inbox.teams.moved", { name: teamName(t, teams.data, teamId) })
          : t("inbox.teams.removed"),
      });
    },
    // The lists filtered by team change too.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: inboxKeys.lists }),
  });

  const list = teams.data ?? [];
  if (!current && list.length === 0) return null;
  if (!atLeast(me.data?.role, "manager")) {
    return current ? (
      <Badge
        variant="light"
        color="gray"
        leftSection={<IconUsersGroup size={12} />}
        aria-label={t("inbox.teams.label", { name })}
      >
        {name}
      </Badge>
    ) : null;
  }
  return (
    // hideDetached off, as the assignee's menu: jsdom lays nothing out.
    <Menu position="bottom-end" withinPortal hideDetached={false}>
      <Menu.Target>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconUsersGroup size={14} />}
          rightSection={<IconChevronDown size={14} />}
          loading={move.isPending}
          aria-label={t("inbox.teams.label", { name })}
        >
          {name}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {current && (
          <Menu.Item leftSection={<IconUsersMinus size={16} />} onClick={() => move.mutate(null)}>
            {t("inbox.teams.remove")}
          </Menu.Item>
        )}
        {list.length > 0 && <Menu.Label>{t("inbox.teams.heading")}</Menu.Label>}
        {list.map((team) => (
          <Menu.Item
            key={team.id}
            rightSection={team.id === current ? <IconCheck size={14} /> : null}
            disabled={team.id === current}
            onClick={() => move.mutate(team.id)}
          >
            {team.name}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

const ALL = "all";

/** The list's team filter: every conversation, or one team's. Hidden without teams. */
export function TeamFilter({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (teamId: string | null) => void;
}) {
  const { t } = useTranslation();
  const teams = useTeams();
  const list = teams.data ?? [];
  if (list.length === 0) return null;
  // A team removed while picked: the filter falls back to all of them.
  const picked = teamOf(list, value) ? value : null;
  return (
    <Select
      size="xs"
      aria-label={t("inbox.teams.filter")}
      leftSection={<IconUsersGroup size={14} />}
      allowDeselect={false}
      value={picked ?? ALL}
      onChange={(next) => onChange(!next || next === ALL ? null : next)}
      data={[
        { value: ALL, label: t("inbox.teams.all") },
        ...list.map((team) => ({ value: team.id, label: team.name })),
      ]}
    />
  );
}
