// Inviting people (email and role), the link to send them, the pending invitations.
import {
  ActionIcon,
  Alert,
  Button,
  Center,
  Code,
  CopyButton,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconCopy, IconMail } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { ConfirmDialog } from "./ConfirmDialog";
import { formatDateTime, relativeFromNow } from "./format";
import { describeProblem } from "./problem";
import {
  type Invitation,
  type InvitationCreated,
  type Pages,
  fetchInvitations,
  filterPages,
  prependToPages,
  teamKeys,
} from "./queries";
import { type Role, assignableRoles } from "./roles";
import { TableSkeleton } from "./UsersTable";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function InviteForm({ role }: { role: Role | undefined }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const form = useForm({
    initialValues: { email: "", role: "agent" as Role },
    validate: {
      email: (value) => (EMAIL.test(value.trim()) ? null : t("team.invite.emailInvalid")),
    },
  });
  const invite = useMutation({
    mutationFn: async (values: { email: string; role: Role }) => {
      const { data, error } = await api.POST("/api/v1/invitations", { body: values });
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (invitation) => {
      setCreated(invitation);
      form.reset();
      queryClient.setQueryData<Pages<Invitation>>(teamKeys.invitations, (pages) =>
        prependToPages(pages, {
          id: invitation.id,
          email: invitation.email,
          role: invitation.role,
          expires_at: invitation.expires_at,
          created_at: invitation.created_at,
        }),
      );
      notifications.show({ color: "brand", message: t("team.invite.done", { email: invitation.email }) });
    },
  });

  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        {t("team.invite.title")}
      </Title>
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          invite.mutate({ email: values.email.trim(), role: values.role }),
        )}
      >
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label={t("team.invite.email")}
            placeholder={t("team.invite.emailPlaceholder")}
            type="email"
            leftSection={<IconMail size={16} />}
            style={{ flex: "1 1 240px" }}
            {...form.getInputProps("email")}
          />
          <NativeSelect
            label={t("team.invite.role")}
            w={180}
            data={assignableRoles(role).map((value) => ({ value, label: t(`team.roles.${value}`) }))}
            {...form.getInputProps("role")}
          />
          <Button type="submit" mt={25} loading={invite.isPending}>
            {t("team.invite.submit")}
          </Button>
        </Group>
        {invite.isError && (
          <Alert color="red" mt="sm" title={t("team.invite.failed")}>
            {describeProblem(invite.error, t("team.invite.failed"))}
          </Alert>
        )}
      </form>
      {created && (
        <Alert
          color="brand"
          mt="md"
          title={t("team.invite.linkTitle", { email: created.email })}
          withCloseButton
          closeButtonLabel={t("team.invite.dismiss")}
          onClose={() => setCreated(null)}
        >
          <Stack gap="xs">
            <Text size="sm">
              {t("team.invite.linkBody", {
                email: created.email,
                expires: formatDateTime(created.expires_at, i18n.language),
              })}
            </Text>
            <Secret label={t("team.invite.link")} value={created.accept_url} />
            <Secret label={t("team.invite.token")} value={created.token} />
          </Stack>
        </Alert>
      )}
    </Paper>
  );
}

/** A value to copy: shown in full, with a copy button. */
export function Secret({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Text size="xs" fw={600} w={110} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Code aria-label={label} style={{ wordBreak: "break-all", flex: 1 }}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t("team.invite.copied") : t("team.invite.copy")} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? "brand" : "gray"}
              onClick={copy}
              aria-label={`${t("team.invite.copy")}: ${label}`}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function InvitationsList() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const query = useInfiniteQuery({
    queryKey: teamKeys.invitations,
    queryFn: ({ pageParam }) => fetchInvitations(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const revoke = useMutation({
    mutationFn: async (invitation: Invitation) => {
      const { error, response } = await api.DELETE("/api/v1/invitations/{invitation_id}", {
        params: { path: { invitation_id: invitation.id } },
      });
      if (error || !response.ok) throw error ?? new Error("no answer");
      return invitation;
    },
    onSuccess: (invitation) => {
      setRevoking(null);
      queryClient.setQueryData<Pages<Invitation>>(teamKeys.invitations, (pages) =>
        filterPages(pages, (item) => item.id !== invitation.id),
      );
      notifications.show({
        color: "brand",
        message: t("team.invitations.revoked", { email: invitation.email }),
      });
    },
    onError: (error) => {
      setRevoking(null);
      notifications.show({
        color: "red",
        title: t("team.invitations.revokeFailed"),
        message: describeProblem(error, t("team.invitations.revokeFailed")),
      });
    },
  });
  const invitations = query.data?.pages.flatMap((page) => page.items) ?? [];

  let content;
  if (query.isPending) content = <TableSkeleton columns={4} rows={2} />;
  else if (query.isError) {
    content = (
      <Alert color="red">{describeProblem(query.error, t("team.invitations.loadFailed"))}</Alert>
    );
  } else if (invitations.length === 0) {
    content = (
      <Text c="dimmed" ta="center" py="md">
        {t("team.invitations.empty")}
      </Text>
    );
  } else {
    content = (
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing="sm" aria-label={t("team.invitations.title")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("team.invitations.email")}</Table.Th>
              <Table.Th>{t("team.invitations.role")}</Table.Th>
              <Table.Th>{t("team.invitations.expires")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("team.users.actions")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{t(`team.roles.${invitation.role}`)}</Table.Td>
                <Table.Td>
                  <Text size="sm" title={formatDateTime(invitation.expires_at, i18n.language)}>
                    {relativeFromNow(invitation.expires_at, i18n.language)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t("team.invitations.revokeOf", { email: invitation.email })}
                    onClick={() => setRevoking(invitation)}
                  >
                    {t("team.invitations.revoke")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack gap="sm">
      <Title order={4}>{t("team.invitations.title")}</Title>
      {content}
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
      {revoking && (
        <ConfirmDialog
          opened
          title={t("team.invitations.revokeTitle")}
          body={t("team.invitations.revokeBody", { email: revoking.email })}
          confirmLabel={t("team.invitations.revoke")}
          loading={revoke.isPending}
          onConfirm={() => revoke.mutate(revoking)}
          onClose={() => setRevoking(null)}
        />
      )}
    </Stack>
  );
}
