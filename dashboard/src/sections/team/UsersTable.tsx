// The company's users: role, status, last login; admins change roles and disable/enable.
import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  NativeSelect,
  Skeleton,
  Table,
  Text,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { ConfirmDialog } from "./ConfirmDialog";
import { formatDateTime } from "./format";
import { describeProblem } from "./problem";
import { fetchUsers, mapPages, type Pages, teamKeys, type User } from "./queries";
import { type Role, assignableRoles } from "./roles";

interface UsersTableProps {
  canManage: boolean;
  role: Role | undefined;
  userId: string | undefined;
}

export function UsersTable({ canManage, role, userId }: UsersTableProps) {
  const { t } = useTranslation();
  const query = useInfiniteQuery({
    queryKey: teamKeys.users,
    queryFn: ({ pageParam }) => fetchUsers(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const [confirming, setConfirming] = useState<User | null>(null);
  const access = useAccessChange(() => setConfirming(null));
  const users = query.data?.pages.flatMap((page) => page.items) ?? [];

  if (query.isPending) return <TableSkeleton columns={canManage ? 6 : 5} />;
  if (query.isError) {
    return <Alert color="red">{describeProblem(query.error, t("team.users.loadFailed"))}</Alert>;
  }
  if (users.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="xl">
        {t("team.users.empty")}
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("team.users.name")}</Table.Th>
              <Table.Th>{t("team.users.email")}</Table.Th>
              <Table.Th>{t("team.users.role")}</Table.Th>
              <Table.Th>{t("team.users.status")}</Table.Th>
              <Table.Th>{t("team.users.lastLogin")}</Table.Th>
              {canManage && <Table.Th>{t("team.users.actions")}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                self={user.id === userId}
                canManage={canManage}
                role={role}
                onAccess={() => setConfirming(user)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
      {confirming && (
        <ConfirmDialog
          opened
          title={t(confirming.disabled ? "team.users.enableTitle" : "team.users.disableTitle", {
            name: displayName(confirming),
          })}
          body={t(confirming.disabled ? "team.users.enableBody" : "team.users.disableBody", {
            name: displayName(confirming),
          })}
          confirmLabel={t(confirming.disabled ? "team.users.enable" : "team.users.disable")}
          loading={access.isPending}
          onConfirm={() => access.mutate(confirming)}
          onClose={() => setConfirming(null)}
        />
      )}
    </>
  );
}

export function displayName(user: User): string {
  return user.name || user.email;
}

/** May the signed-in user change this user's role or access? (docs/roles.md) */
function mayManage(user: User, self: boolean, canManage: boolean, role: Role | undefined) {
  if (!canManage || self) return false;
  return user.role !== "owner" || role === "owner";
}

function UserRow({
  user,
  self,
  canManage,
  role,
  onAccess,
}: {
  user: User;
  self: boolean;
  canManage: boolean;
  role: Role | undefined;
  onAccess: () => void;
}) {
  const { t, i18n } = useTranslation();
  const manageable = mayManage(user, self, canManage, role);
  const changeRole = useRoleChange();
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Text fw={500}>{user.name || "—"}</Text>
          {self && (
            <Badge size="xs" variant="light">
              {t("team.users.you")}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{user.email}</Text>
      </Table.Td>
      <Table.Td>
        {manageable ? (
          <NativeSelect
            size="xs"
            w={150}
            aria-label={t("team.users.roleOf", { name: displayName(user) })}
            value={user.role}
            disabled={changeRole.isPending}
            data={assignableRoles(role).map((value) => ({
              value,
              label: t(`team.roles.${value}`),
            }))}
            onChange={(event) => {
              const value = event.currentTarget.value as Role;
              if (value !== user.role) changeRole.mutate({ user, role: value });
            }}
          />
        ) : (
          <Badge variant="light" color={user.role === "owner" ? "grape" : "gray"}>
            {t(`team.roles.${user.role}`)}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={user.disabled ? "gray" : "brand"} variant="dot">
          {t(user.disabled ? "team.users.disabled" : "team.users.active")}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={user.last_login_at ? undefined : "dimmed"}>
          {user.last_login_at
            ? formatDateTime(user.last_login_at, i18n.language)
            : t("team.users.never")}
        </Text>
      </Table.Td>
      {canManage && (
        <Table.Td>
          {manageable && (
            <Button
              size="xs"
              variant="light"
              color={user.disabled ? "brand" : "red"}
              onClick={onAccess}
              aria-label={`${t(user.disabled ? "team.users.enable" : "team.users.disable")} ${displayName(user)}`}
            >
              {t(user.disabled ? "team.users.enable" : "team.users.disable")}
            </Button>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** PATCH the role; the select shows the server's answer (no optimistic guess: the last
 * owner, or a role above the caller's, are refused). */
function useRoleChange() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ user, role }: { user: User; role: Role }) => {
      const { data, error } = await api.PATCH("/api/v1/users/{user_id}", {
        params: { path: { user_id: user.id } },
        body: { role },
      });
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (updated) => {
      replaceUser(queryClient, updated);
      notifications.show({
        color: "brand",
        message: t("team.users.roleChanged", {
          name: displayName(updated),
          role: t(`team.roles.${updated.role}`),
        }),
      });
    },
    onError: (error) => {
      notifications.show({
        color: "red",
        title: t("team.users.roleFailed"),
        message: describeProblem(error, t("team.users.roleFailed")),
      });
    },
  });
}

function useAccessChange(onDone: () => void) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (user: User) => {
      const options = { params: { path: { user_id: user.id } } };
      const { data, error } = user.disabled
        ? await api.POST("/api/v1/users/{user_id}/enable", options)
        : await api.POST("/api/v1/users/{user_id}/disable", options);
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (updated) => {
      replaceUser(queryClient, updated);
      onDone();
      notifications.show({
        color: "brand",
        message: t(updated.disabled ? "team.users.disabledDone" : "team.users.enabledDone", {
          name: displayName(updated),
        }),
      });
    },
    onError: (error) => {
      onDone();
      notifications.show({
        color: "red",
        title: t("team.users.accessFailed"),
        message: describeProblem(error, t("team.users.accessFailed")),
      });
    },
  });
}

function replaceUser(queryClient: ReturnType<typeof useQueryClient>, updated: User) {
  queryClient.setQueryData<Pages<User>>(teamKeys.users, (pages) =>
    mapPages(pages, (user) => (user.id === updated.id ? updated : user)),
  );
}

export function TableSkeleton({ columns, rows = 4 }: { columns: number; rows?: number }) {
  return (
    <Table aria-busy="true">
      <Table.Tbody>
        {Array.from({ length: rows }, (_, row) => (
          <Table.Tr key={row}>
            {Array.from({ length: columns }, (_, column) => (
              <Table.Td key={column}>
                <Skeleton height={14} radius="sm" />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
