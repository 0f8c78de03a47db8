// The company's teams (groups a conversation is handed to): their members by name; admins
// and owners create, edit and delete them. Managers read; the gateway checks it again.
import { Alert, Button, Center, Group, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconUsersGroup } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { ConfirmDialog } from "./ConfirmDialog";
import { describeProblem } from "./problem";
import {
  type Pages,
  type Team,
  type User,
  fetchEveryone,
  fetchTeams,
  filterPages,
  teamKeys,
} from "./queries";
import { TeamForm } from "./TeamForm";
import { TableSkeleton, displayName } from "./UsersTable";

/** How many members a row names before "+n more". */
const NAMED = 5;

type Editing = { kind: "create" } | { kind: "edit"; team: Team } | null;

export function TeamsSection({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const query = useInfiniteQuery({
    queryKey: teamKeys.teams,
    queryFn: ({ pageParam }) => fetchTeams(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const remove = useTeamDelete(() => setDeleting(null));
  const teams = query.data?.pages.flatMap((page) => page.items) ?? [];
  // Every user, for the members' names and the picker: read only once there is one to name
  // or a team to fill, not for a company without teams.
  const everyone = useQuery({
    queryKey: teamKeys.everyone,
    queryFn: fetchEveryone,
    enabled: editing !== null || teams.some((team) => team.member_ids.length > 0),
  });
  // Null until the users are read (or when they cannot be): members are counted, not named.
  const users = everyone.data ? new Map(everyone.data.map((user) => [user.id, user])) : null;

  return (
    <Stack gap="sm" component="section" aria-labelledby="teams-title">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4} id="teams-title">
            {t("team.teams.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("team.teams.intro")}
          </Text>
        </div>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ kind: "create" })}>
            {t("team.teams.create")}
          </Button>
        )}
      </Group>
      {query.isPending ? (
        <TableSkeleton columns={canManage ? 3 : 2} rows={2} />
      ) : query.isError ? (
        <Alert color="red">{describeProblem(query.error, t("team.teams.loadFailed"))}</Alert>
      ) : teams.length === 0 ? (
        <Stack align="center" gap={4} py="lg">
          <IconUsersGroup size={28} stroke={1.5} aria-hidden />
          <Text fw={500}>{t("team.teams.empty")}</Text>
          <Text size="sm" c="dimmed">
            {t(canManage ? "team.teams.emptyManage" : "team.teams.emptyRead")}
          </Text>
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-labelledby="teams-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("team.teams.name")}</Table.Th>
                <Table.Th>{t("team.teams.members")}</Table.Th>
                {canManage && <Table.Th>{t("team.teams.actions")}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {teams.map((team) => (
                <Table.Tr key={team.id}>
                  <Table.Td>
                    <Text fw={500}>{team.name}</Text>
                    {team.description && (
                      <Text size="sm" c="dimmed">
                        {team.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Members team={team} users={users} />
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={t("team.teams.editOf", { name: team.name })}
                          onClick={() => setEditing({ kind: "edit", team })}
                        >
                          {t("team.teams.edit")}
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          aria-label={t("team.teams.deleteOf", { name: team.name })}
                          onClick={() => setDeleting(team)}
                        >
                          {t("team.teams.delete")}
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Center>
          <Button
            variant="subtle"
            loading={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {t("team.loadMore")}
          </Button>
        </Center>
      )}
      {canManage && editing && (
        <TeamForm
          team={editing.kind === "edit" ? editing.team : null}
          people={everyone}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          opened
          title={t("team.teams.deleteTitle", { name: deleting.name })}
          body={t("team.teams.deleteBody", { name: deleting.name })}
          confirmLabel={t("team.teams.delete")}
          loading={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onClose={() => setDeleting(null)}
        />
      )}
    </Stack>
  );
}

/** "3 members" and the first names; a member the user list does not hold is unnamed. */
function Members({ team, users }: { team: Team; users: Map<string, User> | null }) {
  const { t } = useTranslation();
  if (team.member_ids.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("team.teams.noMembers")}
      </Text>
    );
  }
  const nameOf = (user: User | undefined) => {
    if (!user) return t("team.teams.unknownMember");
    const name = displayName(user);
    return user.disabled ? t("team.teams.disabledMember", { name }) : name;
  };
  const names = users ? team.member_ids.slice(0, NAMED).map((id) => nameOf(users.get(id))) : [];
  const more = team.member_ids.length - names.length;
  return (
    <div>
      <Text size="sm" fw={500}>
        {t("team.teams.memberCount", { count: team.member_ids.length })}
      </Text>
      {names.length > 0 && (
        <Text size="sm" c="dimmed">
          {names.join(", ")}
          {more > 0 && ` ${t("team.teams.moreMembers", { count: more })}`}
        </Text>
      )}
    </div>
  );
}

function useTeamDelete(onDone: () => void) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (team: Team) => {
      const { error, response } = await api.DELETE("/api/v1/teams/{team_id}", {
        params: { path: { team_id: team.id } },
      });
      if (error || !response.ok) throw error ?? new Error("no answer");
      return team;
    },
    onSuccess: (team) => {
      onDone();
      queryClient.setQueryData<Pages<Team>>(teamKeys.teams, (pages) =>
        filterPages(pages, (item) => item.id !== team.id),
      );
      notifications.show({ color: "brand", message: t("team.teams.deleted", { name: team.name }) });
    },
    onError: (error) => {
      onDone();
      // Someone else may have deleted or changed it: show the list as the server has it.
      void queryClient.invalidateQueries({ queryKey: teamKeys.teams });
      notifications.show({
        color: "red",
        title: t("team.teams.deleteFailed"),
        message: describeProblem(error, t("team.teams.deleteFailed")),
      });
    },
  });
}
